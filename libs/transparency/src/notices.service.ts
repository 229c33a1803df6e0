import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CaseEffect, DomainError } from '@makebuy/domain';
import type { Page } from '@makebuy/database';
import { CaseEntity, CaseEventEntity } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { NotificationsService } from '@makebuy/notifications';
import { EvaluationService, RepresentationsService, TenderingQueries } from '@makebuy/tendering';
import {
  BuiltNotice,
  buildAwardConfirmation,
  buildCancellation,
  buildIntentionNotice,
  buildTenderNotice,
  londonTime,
  NoticeType,
} from './notice-builders';
import { PUBLIC_NOTICE, toPublic } from './public-fields';
import { ProcurementFactsReader } from './procurement-facts.reader';
import { TransparencyRepository } from './transparency.repository';
import type { NoticeEntity } from './transparency.entities';

/** A notice as everyone reads it (the case's readers and the public alike). */
export interface NoticeView {
  id: string;
  caseId: string;
  ocid: string;
  type: NoticeType;
  publishedAt: string;
  corrects: string | null;
  content: Record<string, unknown>;
  text: string;
}

/** Why a published tender's close moved (a correction of the tender notice). */
export const UNANSWERED_QUESTION_EXTENSION =
  'A clarification question was still unanswered at the closing time, so the close moved on by the policy’s extension.';

/**
 * Publishes the notices, each in the transaction of the transition that causes it (never by a
 * scan): the tender notice, the intention to award (with the bidders' debriefs), the award
 * confirmation and the cancellation; a changed published fact is a new notice that `corrects` the
 * latest of its type. Also keeps the register's index of decided cases.
 */
@Injectable()
export class NoticesService {
  constructor(
    private readonly repo: TransparencyRepository,
    private readonly facts: ProcurementFactsReader,
    private readonly representations: RepresentationsService,
    private readonly evaluation: EvaluationService,
    private readonly tendering: TenderingQueries,
    private readonly directory: DirectoryService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * The workflow's `publishNotice` effect, in the transaction of the transition that causes it.
   * `fromState` is the top-level state the transition left.
   */
  async publish(
    tx: EntityManager,
    row: CaseEntity,
    effect: Extract<CaseEffect, { type: 'publishNotice' }>,
    fromState: string | null,
    now: Date,
  ): Promise<NoticeView | null> {
    switch (effect.notice) {
      case 'tender_notice':
        return this.publishTenderNotice(
          tx,
          row,
          now,
          effect.correction === 'close_moved' ? await this.whyTheCloseMoved(tx, row) : undefined,
        );
      case 'intention_to_award':
        // the bidders are debriefed when an intention is published, not when its standstill end moves
        return this.publishIntention(tx, row, now, { debrief: !effect.correction });
      case 'award_confirmation':
        return this.publishAwardConfirmation(tx, row, now);
      case 'cancellation':
        return this.publishCancellation(tx, row, fromState ?? row.state, now);
    }
  }

  /** The tender was published (DECIDE_BUY), or its close moved (`reason` given: a correction). */
  async publishTenderNotice(tx: EntityManager, row: CaseEntity, now: Date, reason?: string): Promise<NoticeView> {
    const previous = await this.repo.latestNotice(tx, row.id, 'tender_notice');
    const built = buildTenderNotice(await this.facts.tender(tx, row, reason), !!previous);
    return this.insert(tx, row, built, previous, now);
  }

  /**
   * The case entered standstill (an intention to award), or the standstill's end moved (paused by a
   * representation, or a further standstill after one was not upheld): a correction. A new
   * intention after the case went back also corrects the one it replaces. On a first publication
   * for the current standstill every bidder gets its debrief.
   */
  async publishIntention(tx: EntityManager, row: CaseEntity, now: Date, opts: { debrief: boolean }) {
    const previous = await this.repo.latestNotice(tx, row.id, 'intention_to_award');
    const endsAt = await this.representations.standstillEndsAt(tx, row);
    const built = buildIntentionNotice(await this.facts.intention(tx, row, endsAt), !!previous);
    const notice = await this.insert(tx, row, built, previous, now);
    await this.markDecided(tx, row, now);
    if (opts.debrief) await this.sendDebriefs(tx, row, endsAt, notice, now);
    return notice;
  }

  /** Standstill ended: the award is confirmed. */
  async publishAwardConfirmation(tx: EntityManager, row: CaseEntity, now: Date): Promise<NoticeView> {
    const intention = await this.repo.latestNotice(tx, row.id, 'intention_to_award');
    const built = buildAwardConfirmation(await this.facts.award(tx, row, intention?.id ?? null, now));
    const notice = await this.insert(tx, row, built, null, now);
    await this.markDecided(tx, row, now);
    return notice;
  }

  /** Cancelled: a notice only when something had been published (a tender or an intention to award). */
  async publishCancellation(
    tx: EntityManager,
    row: CaseEntity,
    fromState: string,
    now: Date,
  ): Promise<NoticeView | null> {
    if (!row.context.tenderPublishedAt && !row.context.intentionPublishedAt) return null;
    const built = buildCancellation(await this.facts.cancellation(tx, row, fromState, now));
    const notice = await this.insert(tx, row, built, null, now);
    await this.markDecided(tx, row, now);
    return notice;
  }

  /**
   * Puts the case on the register of decisions (or moves its decision time): on an intention, an
   * award, an unsuccessful close, a cancellation after publication, an upheld representation.
   */
  async markDecided(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    await this.repo.upsertDecisionRecord(tx, {
      caseId: row.id,
      consortiumId: row.consortiumId,
      decidedAt: now,
      updatedAt: now,
    });
  }

  async caseNotices(caseId: string, q: { limit: number; cursor?: string }): Promise<Page<NoticeView>> {
    const page = await this.repo.pageNotices({ caseId, order: 'ASC', ...q });
    return { items: page.items.map(noticeView), nextCursor: page.nextCursor };
  }

  async publicNotices(q: {
    consortiumId?: string;
    type?: NoticeType;
    limit: number;
    cursor?: string;
  }): Promise<Page<NoticeView>> {
    const page = await this.repo.pageNotices({ ...q, order: 'DESC' });
    return { items: page.items.map(noticeView), nextCursor: page.nextCursor };
  }

  async notice(id: string): Promise<NoticeView> {
    const n = await this.repo.findNotice(id);
    if (!n) throw new DomainError('NOT_FOUND', `notice ${id} not found`);
    return noticeView(n);
  }

  private async insert(
    tx: EntityManager,
    row: CaseEntity,
    built: BuiltNotice,
    corrects: NoticeEntity | null,
    now: Date,
  ): Promise<NoticeView> {
    const view = toPublic<NoticeView>(PUBLIC_NOTICE(built.type), {
      id: randomUUID(),
      caseId: row.id,
      ocid: row.ocid,
      type: built.type,
      publishedAt: now.toISOString(),
      corrects: corrects?.id ?? null,
      content: built.content,
      text: built.text,
    });
    await this.repo.insertNotice(tx, {
      id: view.id,
      caseId: row.id,
      consortiumId: row.consortiumId,
      ocid: row.ocid,
      type: built.type,
      publishedAt: now,
      corrects: view.corrects,
      content: view.content,
      text: view.text,
      caseVersion: row.version,
    });
    return view;
  }

  /** The reason the transition that moved the close gave (its audit row, appended before the effects run). */
  private async whyTheCloseMoved(tx: EntityManager, row: CaseEntity): Promise<string> {
    const last = await tx.findOne(CaseEventEntity, { where: { caseId: row.id }, order: { seq: 'DESC' } });
    const reason = last?.payload?.reason;
    return last?.type !== 'DEADLINE_DUE' && typeof reason === 'string' && reason.trim()
      ? reason
      : UNANSWERED_QUESTION_EXTENSION;
  }

  /** Every bidder with a live bid is told the awardees, its scores against theirs, its rank and the standstill end. */
  private async sendDebriefs(
    tx: EntityManager,
    row: CaseEntity,
    endsAt: Date | null,
    notice: NoticeView,
    now: Date,
  ): Promise<void> {
    if (row.context.proposal?.kind !== 'buy') return;
    const debriefs = await this.evaluation.debriefs(row, endsAt, tx);
    const bids = await this.tendering.liveBids(row.id, tx);
    for (const bid of bids) {
      const debrief = debriefs.get(bid.id);
      if (!debrief) continue;
      const users = await this.directory.providerUsers([bid.providerId], tx);
      const awardees = debrief.awardees.map((a) => a.name).join(', ');
      await this.notifications.notify(
        tx,
        users.map((u) => u.id),
        {
          kind: 'debrief',
          caseId: row.id,
          title: `Debrief: ${row.title}`,
          body:
            `${row.title}: the intention is to award to ${awardees}. Your bid ranked ${debrief.ownRank ?? '-'} of ${debrief.bids} ` +
            `with a weighted score of ${debrief.ownScores.weightedScore ?? '-'} (the awardee: ${debrief.awardeeScores.weightedScore ?? '-'}). ` +
            (endsAt
              ? `You may make a representation (POST /api/v1/cases/${row.id}/representations) until ${londonTime(endsAt.toISOString())}.`
              : ''),
          data: { caseId: row.id, bidId: bid.id, noticeId: notice.id, debrief },
          dedupeKey: `debrief:${row.id}:${notice.id}`,
        },
        now,
      );
    }
  }
}

export const noticeView = (n: NoticeEntity): NoticeView => ({
  id: n.id,
  caseId: n.caseId,
  ocid: n.ocid,
  type: n.type,
  publishedAt: n.publishedAt.toISOString(),
  corrects: n.corrects,
  content: n.content,
  text: n.text,
});
