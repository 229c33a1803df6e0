import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  policyFor,
  type CaseEffect,
  type CaseFacts,
  type NoticeKind,
  type PolicyBook,
  type SlaDeadlineKind,
} from '@makebuy/domain';
import { POLICY_BOOK } from '@makebuy/settings';
import { CaseEngine, CaseEntity, CaseHooks, CasePanel, EffectContext, FactEvent } from '@makebuy/cases';
import { ConflictsCaseParts } from '@makebuy/conflicts';
import { TenderingCaseParts } from '@makebuy/tendering';
import { AwardChecks, AwardsService, FlagsService } from '@makebuy/flags';
import { DeadlineEscalation, DeadlineScheduler } from '@makebuy/deadlines';
import { NoticeDispatcher } from '@makebuy/notifications';
import { NoticesService } from '@makebuy/transparency';
import { OcdsReleaseService } from '@makebuy/ocds';
import { CaseObligations } from './case-obligations.service';
import { CaseFeed } from './case-feed.service';

/**
 * The case workflow: what every case event needs and what every effect does, in one place.
 * The engine (libs/cases) asks it, inside the command's transaction and under the case lock:
 *   1. `factsFor`: the facts the statechart's guards read, per event type;
 *   2. `carryOut`: the handler of each effect the statechart returned, per effect type.
 * Both switches are exhaustive: a new event or effect type does not compile until it has a case
 * here. Both read and write only through `tx` (never a second pool connection under the lock).
 */
@Injectable()
export class CaseWorkflow implements CaseHooks {
  constructor(
    engine: CaseEngine,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
    private readonly panel: CasePanel,
    private readonly conflicts: ConflictsCaseParts,
    private readonly tendering: TenderingCaseParts,
    private readonly flags: FlagsService,
    private readonly awardChecks: AwardChecks,
    private readonly awards: AwardsService,
    private readonly deadlines: DeadlineScheduler,
    private readonly escalation: DeadlineEscalation,
    private readonly notices: NoticeDispatcher,
    private readonly obligations: CaseObligations,
    private readonly publicNotices: NoticesService,
    private readonly feed: CaseFeed,
    private readonly ocds: OcdsReleaseService,
  ) {
    engine.bind(this);
  }

  /** 0. A batch's first command of each case: the reads of `factsFor` that have a set form (tender closes). */
  async prepare(tx: EntityManager, commands: { row: CaseEntity; event: FactEvent }[]): Promise<void> {
    await this.tendering.prepareTenderCloses(
      tx,
      commands.filter((c) => c.event.type === 'DEADLINE_DUE' && c.event.kind === 'tender_close').map((c) => c.row.id),
    );
  }

  /** 1. The facts each event type needs (a command's own facts are added by the engine after these). */
  async factsFor(tx: EntityManager, row: CaseEntity, event: FactEvent, now: Date): Promise<CaseFacts> {
    switch (event.type) {
      case 'SUBMIT':
        return { ...this.policyFacts(row), ...(await this.conflicts.submitFacts(tx, row)) };
      case 'COMPLETE_CONFLICT_CHECK':
        return { ...this.policyFacts(row), ...(await this.conflicts.conflictCheckFacts(tx, row)) };
      case 'DECIDE_MAKE':
        return {
          ...(await this.conflicts.decisionFacts(tx, row, event.actor.id)),
          ...(await this.tendering.makeFacts(tx, row, event)),
        };
      case 'DECIDE_BUY':
        return {
          ...(await this.conflicts.decisionFacts(tx, row, event.actor.id)),
          ...this.tendering.tenderPeriodFacts(row, event, now),
        };
      case 'PROPOSE_AWARD':
        return {
          ...(await this.conflicts.decisionFacts(tx, row, event.actor.id)),
          ...(await this.tendering.proposalFacts(tx, row, event)),
        };
      case 'AMEND_TENDER':
        // a decision maker moves the close: refused (422 EXCLUDED_BY_CONFLICT) when excluded from decisions
        return this.conflicts.decisionFacts(tx, row, event.actor.id);
      case 'APPROVE_AWARD':
        // refused (422 OPEN_BLOCKING_FLAGS) while a blocking flag of the proposal is open
        return { openBlockingFlags: await this.flags.openBlockingFlags(tx, row.id, row.context.proposalSeq) };
      case 'DEADLINE_DUE':
        return {
          ...this.policyFacts(row),
          ...(event.kind === 'tender_close' ? await this.tendering.tenderCloseFacts(tx, row, now) : {}),
        };
      case 'REPRESENTATION_RESOLVED':
        return this.tendering.representationFacts(tx, row, event);
      case 'CANCEL':
        return this.conflicts.cancelFacts(tx, row, event.actor.id);
      case 'REJECT_AWARD':
      case 'PANEL_MEMBER_ADDED':
      case 'PANEL_MEMBER_REMOVED':
      case 'DECLARATION_MADE':
      case 'DECLARATION_REVIEWED':
      case 'SCORE_RECORDED':
      case 'QUESTION_ANSWERED':
      case 'CHECKS_COMPLETED':
      case 'FLAG_RESOLVED':
      case 'REPRESENTATION_LODGED':
      case 'CASE_DOCUMENT_ADDED':
        return {};
      default:
        return unhandled(event, 'event type');
    }
  }

  /**
   * 2b. Once a transition's effects are carried out: open flags that no longer stand (the proposal
   * ended, the case is final, a breached stage was left) are superseded in the same transaction.
   */
  async settle(ctx: EffectContext): Promise<void> {
    if (ctx.decision.fromState === ctx.decision.toState && !ctx.decision.effects.length) return;
    await this.flags.supersedeStale(ctx.tx, ctx.row);
  }

  /** 2. The handler of each effect type: one meaning each, rows only (the outbox relay does the rest after commit). */
  async carryOut(effect: CaseEffect, ctx: EffectContext): Promise<void> {
    const { tx, row, decision, now } = ctx;
    switch (effect.type) {
      case 'scheduleDeadline':
        return this.deadlines.schedule(tx, row, effect, now);
      case 'cancelDeadlines':
        return this.deadlines.cancel(
          tx,
          row,
          effect,
          now,
          `cancelled: ${decision.fromState ?? '-'} -> ${decision.toState}`,
        );
      case 'runAwardChecks':
        return this.awardChecks.schedule(tx, row.id, effect.stageSeq, effect.proposalSeq, now);
      case 'notify':
        await this.notices.send(tx, row, effect.notice, await this.noticeAudience(tx, row, effect.notice), now);
        return this.feed.forNotice(tx, row, effect.notice, now);
      case 'recordAward':
        return this.awards.record(tx, row, now);
      case 'recordMakeProviderConflicts':
        return this.conflicts.recordMakeProviderConflicts(tx, row, now);
      case 'recordBidderConflicts':
        return this.tendering.recordBidderConflicts(tx, row, now);
      case 'openBids':
        return this.tendering.openBids(tx, row, now);
      case 'closeBids':
        return this.tendering.closeBids(tx, row, now);
      case 'publishNotice':
        await this.publicNotices.publish(tx, row, effect, decision.fromState, now);
        return;
      case 'recordDecision':
        return this.publicNotices.markDecided(tx, row, now);
      case 'escalateBreach':
        return this.escalateBreach(tx, row, effect, now);
      case 'publishRelease':
        // a cancellation of a process that never published anything publishes nothing
        await this.ocds.publish(tx, { caseId: row.id, ocid: row.ocid, tag: effect.tag, now });
        return;
      default:
        return unhandled(effect, 'effect type');
    }
  }

  /** 3. What the change publishes to the change feed (consortium events, flags, representations). */
  recorded(ctx: EffectContext, event: FactEvent): Promise<void> {
    return this.feed.forChange(ctx.tx, ctx.row, ctx.decision, event, ctx.now);
  }

  /** The people a human stage waits on (deadline reminders). */
  waitingOn(tx: EntityManager, row: CaseEntity, kind: SlaDeadlineKind): Promise<string[]> {
    return this.obligations.waitingOn(tx, row, kind);
  }

  /**
   * Who hears of a notice: the case's creator and panel, plus per notice the bidders, every
   * provider user (a public tender change), or the people the case now waits on.
   */
  async noticeAudience(tx: EntityManager, row: CaseEntity, notice: NoticeKind): Promise<string[]> {
    const people = new Set<string>([row.createdBy]);
    for (const m of await this.panel.memberIds(row.id, tx)) people.add(m);
    for (const p of await this.tendering.noticeAudience(tx, row, notice)) people.add(p);
    if (tellsWhoMustAct(notice))
      for (const p of await this.obligations.people(tx, row, await this.obligations.of(tx, row))) people.add(p);
    return [...people];
  }

  private policyFacts(row: CaseEntity): CaseFacts {
    const p = policyFor(this.policy, row.track, row.context.route);
    return { quorum: p.quorum, minimumBids: p.minimumBids };
  }

  /** The service level of a human stage passed: the advisory DEADLINE_BREACH flag, the escalation and its notice. */
  private async escalateBreach(
    tx: EntityManager,
    row: CaseEntity,
    effect: Extract<CaseEffect, { type: 'escalateBreach' }>,
    now: Date,
  ): Promise<void> {
    const evidence = await this.escalation.evidence(
      tx,
      effect,
      {
        waitingOn: await this.obligations.waitingOn(tx, row, effect.kind),
        escalatedTo: await this.obligations.escalationTargets(tx, row),
      },
      now,
    );
    // advisory; idempotent on (case, dedupe key)
    const flag = await this.flags.raise(tx, {
      caseId: row.id,
      consortiumId: row.consortiumId,
      proposalSeq: row.context.proposalSeq,
      code: 'DEADLINE_BREACH',
      summary: this.escalation.summary(evidence),
      evidence: { ...evidence },
      dedupeKey: `DEADLINE_BREACH:${effect.deadlineId}`,
    });
    await this.escalation.escalate(tx, row, evidence, now);
    await this.feed.forBreach(tx, row, effect, flag, now);
  }
}

/** Notices that go to the people who must now act (governance, when a review or a representation waits on it). */
function tellsWhoMustAct(notice: NoticeKind): boolean {
  switch (notice) {
    case 'governance_review_needed':
    case 'standstill_paused':
      return true;
    case 'tender_published':
    case 'tender_closed':
    case 'tender_unsuccessful':
    case 'tender_extended':
    case 'intention_to_award':
    case 'standstill_resumed':
    case 'awarded':
    case 'cancelled':
    case 'award_rejected':
    case 'tender_amended':
    case 'tender_document_changed':
      return false;
    default:
      return unhandled(notice, 'notice kind');
  }
}

/** The default branch of an exhaustive switch: `x` is `never` when every case is handled. */
function unhandled(x: never, what: string): never {
  throw new Error(`the case workflow has no case for ${what} ${JSON.stringify(x)}`);
}
