import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { CRITERION_KEYS, Criterion, CriterionKey, DomainError, weightedScore } from '@makebuy/domain';
import { CaseCaller, CaseEngine, CaseEntity } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { FeedService } from '@makebuy/feed';
import { decodeCursor, Page, pageOf, pgCode, PG_UNIQUE_VIOLATION } from '@makebuy/database';
import {
  BidAction,
  BidEntity,
  BidResponses,
  BidRevisionEntity,
  BidStatus,
  RepresentationEntity,
} from './tendering.entities';
import { TenderAccess } from './tender-access.service';
import { Debrief, EvaluationService } from './evaluation.service';
import { BidOutcome, bidOutcome, INTENTION_STATES, round2, TenderStatus, tenderStatusOf } from './tender-status';
import { RepresentationsService, RepresentationView, representationView } from './representations.service';
import { BidReceipt, BidReceipts } from './bid-receipts.service';
import { DocumentsService, documentView, DocumentView } from '@makebuy/documents';

export interface Money {
  amount: number;
  currency: 'GBP';
}

export interface BidInput {
  price: Money;
  responses: Record<string, string>;
}

export interface BidRevisionView {
  revision: number;
  action: BidAction;
  price: Money;
  at: string;
}

export interface BidView {
  id: string;
  caseId: string;
  providerId: string;
  providerName: string;
  status: BidStatus;
  price: Money;
  responses: BidResponses;
  revision: number;
  submittedAt: string;
  updatedAt: string;
  withdrawnAt: string | null;
  /** the bid's attachments, every version */
  documents: DocumentView[];
  /** the bidder's own view only */
  revisions?: BidRevisionView[];
  /** the bidder's own view only: SHA-256 of the sealed bid as it stands (see BidReceipts) */
  receipt?: BidReceipt;
}

/** What a bidder is told once the intention to award is published. */
export interface AssessmentSummary {
  criteria: { key: CriterionKey; weight: number; score: number | null }[];
  /** this bid's weighted score (0..10) across the evaluators */
  weightedScore: number | null;
  /** the weighted score of the bid the case intends to award (or awarded) */
  winningWeightedScore: number | null;
}

export interface MyBidView extends BidView {
  tender: {
    caseId: string;
    ocid: string;
    title: string;
    serviceName: string;
    status: TenderStatus;
    closesAt: string | null;
  };
  caseState: string;
  outcome: BidOutcome;
  /** present from the intention to award (standstill) on */
  assessment: AssessmentSummary | null;
  /** from the intention to award on, for a live bid: the awardees, this bid's and the awardee's scores, its rank */
  debrief: Debrief | null;
  /** while the standstill runs: representations are accepted until this instant */
  standstillEndsAt: string | null;
  representations: RepresentationView[];
  /** once tendering closed: the receipt recorded when the bids were opened (BIDS_OPENED) */
  opened: { sha256: string; at: string } | null;
}

/** Responses: non-empty text for exactly the tender's criteria. */
export function responseProblems(
  criteria: readonly Criterion[],
  responses: Record<string, unknown>,
): { field: string; message: string }[] {
  const keys = new Set<string>(criteria.map((c) => c.key));
  const errors: { field: string; message: string }[] = [];
  for (const c of criteria) {
    const v = responses[c.key];
    if (typeof v !== 'string' || v.trim() === '')
      errors.push({ field: `responses.${c.key}`, message: `a response to ${c.key} is required` });
  }
  for (const k of Object.keys(responses)) {
    if (!keys.has(k))
      errors.push({
        field: `responses.${k}`,
        message: (CRITERION_KEYS as readonly string[]).includes(k)
          ? `${k} is not a criterion of this tender`
          : `unknown criterion ${k}`,
      });
  }
  return errors;
}

const money = (amount: number): Money => ({ amount, currency: 'GBP' });

/**
 * Sealed bids. Bids are not case events: no audit row, no case version change, nothing in case views
 * or logs. Writes run under the case lock so they are checked against the closing instant in the same
 * transaction that the closing deadline would need.
 */
@Injectable()
export class BidsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly access: TenderAccess,
    private readonly directory: DirectoryService,
    private readonly evaluation: EvaluationService,
    private readonly representations: RepresentationsService,
    private readonly receipts: BidReceipts,
    private readonly documents: DocumentsService,
    private readonly feed: FeedService,
  ) {}

  /** One live bid per provider: a second POST is 409 CONFLICT (revise with PUT instead). */
  async submitBid(caller: CaseCaller, caseId: string, input: BidInput): Promise<BidView> {
    const tender = await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    this.requireResponses(tender, input.responses);
    const bid = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const existing = await tx.findOneBy(BidEntity, { caseId, providerId, status: 'submitted' });
      if (existing) {
        throw new DomainError('CONFLICT', 'your organisation already has a live bid on this tender; revise it', {
          bidId: existing.id,
        });
      }
      this.requireOpen(row, now);
      const created = tx.create(BidEntity, {
        caseId,
        providerId,
        submittedBy: personId,
        priceAmount: input.price.amount,
        currency: 'GBP',
        responses: input.responses as BidResponses,
        status: 'submitted',
        revision: 1,
        submittedAt: now,
        updatedAt: now,
        withdrawnAt: null,
      });
      try {
        await tx.save(created);
      } catch (e) {
        if (pgCode(e) === PG_UNIQUE_VIOLATION)
          throw new DomainError('CONFLICT', 'your organisation already has a live bid on this tender');
        throw e;
      }
      await this.appendRevision(tx, row, created, 'submitted', personId, now);
      return created;
    });
    return this.ownView(bid);
  }

  async reviseBid(caller: CaseCaller, caseId: string, bidId: string, input: BidInput): Promise<BidView> {
    const tender = await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    await this.ownBid(caseId, bidId, providerId);
    this.requireResponses(tender, input.responses);
    const bid = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const b = await this.ownBid(caseId, bidId, providerId, tx);
      this.requireLive(b);
      this.requireOpen(row, now);
      b.priceAmount = input.price.amount;
      b.responses = input.responses as BidResponses;
      b.revision += 1;
      b.updatedAt = now;
      await tx.save(b);
      await this.appendRevision(tx, row, b, 'revised', personId, now);
      return b;
    });
    return this.ownView(bid);
  }

  async withdrawBid(caller: CaseCaller, caseId: string, bidId: string): Promise<BidView> {
    await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    await this.ownBid(caseId, bidId, providerId);
    const bid = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const b = await this.ownBid(caseId, bidId, providerId, tx);
      this.requireLive(b);
      this.requireOpen(row, now);
      b.status = 'withdrawn';
      b.withdrawnAt = now;
      b.revision += 1;
      b.updatedAt = now;
      await tx.save(b);
      await this.appendRevision(tx, row, b, 'withdrawn', personId, now);
      return b;
    });
    return this.ownView(bid);
  }

  /**
   * GET /tenders/{caseId}/bids: a provider sees its own bids (any status); the case's commissioners,
   * governance and panel see every received bid once tendering closed, and BIDS_SEALED before.
   */
  async bidsForTender(
    caller: CaseCaller,
    caseId: string,
    q: { limit: number; cursor?: string },
  ): Promise<Page<BidView>> {
    const row = await this.access.publishedTender(caseId);
    const qb = this.ds
      .getRepository(BidEntity)
      .createQueryBuilder('b')
      .where('b.case_id = :caseId', { caseId })
      .orderBy('b.submitted_at', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .limit(q.limit + 1);
    const own = this.access.isProviderUser(caller);
    if (own) {
      qb.andWhere('b.provider_id = :providerId', { providerId: caller.providerId });
    } else {
      await this.requireOpened(caller, row);
      qb.andWhere(`b.status IN ('submitted', 'closed')`);
    }
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(b.submitted_at, b.id) > (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, (b) => ({ t: b.submittedAt.toISOString(), id: b.id }));
    const names = await this.providerNames(page.items.map((b) => b.providerId));
    const items = await Promise.all(page.items.map((b) => (own ? this.ownView(b, names) : this.view(b, names))));
    return { items, nextCursor: page.nextCursor };
  }

  /** One bid: its bidder always (with revisions); the case's people only once tendering closed. */
  async getBid(caller: CaseCaller, caseId: string, bidId: string): Promise<BidView> {
    const row = await this.access.publishedTender(caseId);
    if (this.access.isProviderUser(caller)) return this.ownView(await this.ownBid(caseId, bidId, caller.providerId!));
    await this.requireOpened(caller, row);
    const b = await this.ds.manager.findOneBy(BidEntity, { id: bidId, caseId, status: In(['submitted', 'closed']) });
    if (!b) throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    return this.view(b, await this.providerNames([b.providerId]));
  }

  /** GET /bids: the caller's provider's bids across tenders, with the case's state and the outcome. */
  async myBids(caller: CaseCaller, q: { limit: number; cursor?: string }): Promise<Page<MyBidView>> {
    const { providerId } = this.access.requireProviderUser(caller);
    const qb = this.ds
      .getRepository(BidEntity)
      .createQueryBuilder('b')
      .where('b.provider_id = :providerId', { providerId })
      .orderBy('b.submitted_at', 'DESC')
      .addOrderBy('b.id', 'DESC')
      .limit(q.limit + 1);
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(b.submitted_at, b.id) < (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, (b) => ({ t: b.submittedAt.toISOString(), id: b.id }));
    const caseIds = [...new Set(page.items.map((b) => b.caseId))];
    const cases = new Map(
      (caseIds.length ? await this.ds.manager.findBy(CaseEntity, { id: In(caseIds) }) : []).map((c) => [c.id, c]),
    );
    const reps = caseIds.length
      ? await this.ds.manager.find(RepresentationEntity, {
          where: { caseId: In(caseIds), providerId },
          order: { lodgedAt: 'ASC', id: 'ASC' },
        })
      : [];
    const names = await this.providerNames([providerId]);
    const items: MyBidView[] = [];
    for (const b of page.items) {
      const row = cases.get(b.caseId)!;
      const standstillEndsAt =
        b.status === 'submitted' ? await this.representations.standstillEndsAt(this.ds.manager, row) : null;
      items.push({
        ...(await this.ownView(b, names)),
        tender: {
          caseId: row.id,
          ocid: row.ocid,
          title: row.title,
          serviceName: row.serviceName,
          status: tenderStatusOf(row.state),
          closesAt: row.context.tenderClosesAt,
        },
        caseState: row.state,
        outcome: bidOutcome(b, row),
        assessment: await this.assessment(row, b),
        debrief:
          INTENTION_STATES.includes(row.state) && b.status === 'submitted'
            ? ((await this.evaluation.debriefs(row, standstillEndsAt)).get(b.id) ?? null)
            : null,
        standstillEndsAt: standstillEndsAt?.toISOString() ?? null,
        representations: reps.filter((r) => r.caseId === row.id).map(representationView),
        opened: await this.receipts.openedOf(row.id, b.id),
      });
    }
    return { items, nextCursor: page.nextCursor };
  }

  /** The provider's current bid on a tender (live, or closed with the case), else null. */
  async currentBidOf(caseId: string, providerId: string): Promise<BidView | null> {
    const b = await this.ds.manager.findOne(BidEntity, {
      where: { caseId, providerId, status: In(['submitted', 'closed']) },
      order: { submittedAt: 'DESC' },
    });
    return b ? this.ownView(b) : null;
  }

  // ---- helpers ----

  private async assessment(row: CaseEntity, bid: BidEntity): Promise<AssessmentSummary | null> {
    if (!INTENTION_STATES.includes(row.state) || bid.status !== 'submitted') return null;
    const criteria = row.context.criteria ?? [];
    const sheets = await this.evaluation.countedSheets(row);
    const mine = sheets.filter((s) => s.bidId === bid.id);
    const winnerId = row.context.proposal?.bidId;
    const winner = winnerId ? sheets.filter((s) => s.bidId === winnerId) : [];
    const r = (x: number | null) => (x === null ? null : round2(x));
    return {
      criteria: criteria.map((c) => {
        const values = mine.map((s) => s.scores[c.key]).filter((v): v is number => typeof v === 'number');
        const score = values.length ? values.reduce((a, v) => a + v, 0) / values.length : null;
        return { key: c.key, weight: c.weight, score: score === null ? null : round2(score) };
      }),
      weightedScore: r(weightedScore(criteria, mine)),
      winningWeightedScore: r(weightedScore(criteria, winner)),
    };
  }

  /** Case people only (not panel members excluded from evaluation: 404), and only after tendering closed. */
  private async requireOpened(caller: CaseCaller, row: CaseEntity): Promise<void> {
    await this.access.requireCaseViewer(caller, row);
    if (!(await this.access.evaluationSight(caller, row.id)).bids)
      throw new DomainError(
        'NOT_FOUND',
        `the bids of case ${row.id} are not visible to a member excluded from evaluation`,
      );
    if (!(await this.access.hasClosed(row))) {
      throw new DomainError('BIDS_SEALED', 'bids are sealed until tendering closes');
    }
  }

  private requireResponses(tender: CaseEntity, responses: Record<string, unknown>): void {
    const errors = responseProblems(tender.context.criteria ?? [], responses);
    if (errors.length) {
      throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
        errors,
      });
    }
  }

  /** Bids move only while tendering and strictly before the closing instant (server time). */
  requireOpen(row: CaseEntity, now: Date): void {
    const closesAt = row.context.tenderClosesAt ? Date.parse(row.context.tenderClosesAt) : NaN;
    if (row.state !== 'tendering' || !(now.getTime() < closesAt)) {
      throw new DomainError('WINDOW_CLOSED', 'tendering is closed: bids can no longer be submitted or changed', {
        closesAt: row.context.tenderClosesAt,
      });
    }
  }

  requireLive(b: BidEntity): void {
    if (b.status === 'withdrawn') throw new DomainError('CONFLICT', `bid ${b.id} was withdrawn`);
    if (b.status === 'closed') {
      throw new DomainError('WINDOW_CLOSED', `bid ${b.id} was closed with the tender`);
    }
  }

  /** The caller's own bid; anyone else's is NOT_FOUND. */
  async ownBid(
    caseId: string,
    bidId: string,
    providerId: string,
    tx: EntityManager = this.ds.manager,
  ): Promise<BidEntity> {
    const b = await tx.findOneBy(BidEntity, { id: bidId, caseId, providerId });
    if (!b) throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    return b;
  }

  /** Every bid change is kept as a revision, and told to the bidder alone through the change feed. */
  private async appendRevision(
    tx: EntityManager,
    row: CaseEntity,
    b: BidEntity,
    action: BidAction,
    personId: string,
    at: Date,
  ): Promise<void> {
    await this.feed.append(tx, {
      type: 'bid.received',
      caseId: row.id,
      ocid: row.ocid,
      consortiumId: row.consortiumId,
      providerId: b.providerId,
      at,
      data: { bidId: b.id, action, revision: b.revision },
    });
    await tx.insert(BidRevisionEntity, {
      bidId: b.id,
      revision: b.revision,
      action,
      priceAmount: b.priceAmount,
      responses: b.responses,
      at,
      byPerson: personId,
    });
  }

  private async providerNames(ids: string[]): Promise<Map<string, string>> {
    return new Map((await this.directory.findProviders([...new Set(ids)])).map((p) => [p.id, p.name]));
  }

  private async view(b: BidEntity, names: Map<string, string>): Promise<BidView> {
    return {
      id: b.id,
      caseId: b.caseId,
      providerId: b.providerId,
      providerName: names.get(b.providerId) ?? '',
      status: b.status,
      price: money(b.priceAmount),
      responses: b.responses,
      revision: b.revision,
      submittedAt: b.submittedAt.toISOString(),
      updatedAt: b.updatedAt.toISOString(),
      withdrawnAt: b.withdrawnAt ? b.withdrawnAt.toISOString() : null,
      documents: (await this.documents.ofBid(b.id)).map(documentView),
    };
  }

  /** The bidder's view: the bid with its revision trail. */
  private async ownView(b: BidEntity, names?: Map<string, string>): Promise<BidView> {
    const revisions = await this.ds.manager.find(BidRevisionEntity, {
      where: { bidId: b.id },
      order: { revision: 'ASC' },
    });
    return {
      ...(await this.view(b, names ?? (await this.providerNames([b.providerId])))),
      receipt: await this.receipts.receiptOf(b),
      revisions: revisions.map((r) => ({
        revision: r.revision,
        action: r.action,
        price: money(r.priceAmount),
        at: r.at.toISOString(),
      })),
    };
  }
}
