import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CRITERION_KEYS, Criterion, CriterionKey, DomainError, rankBids, weightedScore } from '@makebuy/domain';
import { CaseCaller, CaseEngine, CaseEntity, CasePanel } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { BidEntity, ScoreEntity } from './tendering.entities';
import { TenderingQueries } from './tendering-queries.service';
import { TenderAccess } from './tender-access.service';
import { round2 } from './tender-status';
import { ConflictsService } from '@makebuy/conflicts';
import { decodeCursor, Page, pageOf } from '@makebuy/database';

/** One evaluator's sheet for a bid, as GET /tenders/{caseId}/bids/{bidId}/scores shows it. */
export interface ScoreSheetView {
  evaluatorId: string;
  evaluatorName: string | null;
  scores: Partial<Record<CriterionKey, number>>;
  comment: string;
  at: string;
}

export interface ScoreView {
  id: string;
  caseId: string;
  bidId: string;
  evaluatorId: string;
  scores: Partial<Record<CriterionKey, number>>;
  comment: string;
  /** this sheet's weighted score (0..10) */
  weightedScore: number | null;
  scoredAt: string;
  /** the case version after recording (for If-Match on the next write) */
  caseVersion: number;
}

export interface RankingEntry {
  bidId: string;
  providerId: string;
  providerName: string;
  /** 0..10, rounded to 2 decimals (the order uses the unrounded score) */
  weightedScore: number | null;
  rank: number | null;
}

/** One criterion of a bid's assessment: the evaluators' mean score and its weighted part of the total. */
export interface CriterionScore {
  key: CriterionKey;
  weight: number;
  /** 0..10: the mean of the counted evaluators' scores, rounded to 2 decimals */
  score: number | null;
  /** weight / 100 x score, rounded to 2 decimals */
  weightedScore: number | null;
}

export interface BidScores {
  criteria: CriterionScore[];
  /** the weighted total, as the ranking shows it */
  weightedScore: number | null;
}

/** What a bidder is told when the intention to award is published (GET /bids and a `debrief` notification). */
export interface Debrief {
  awardees: { name: string }[];
  ownScores: BidScores;
  awardeeScores: BidScores;
  /** this bid's rank in the evaluation's ranking (1 is first) */
  ownRank: number | null;
  /** how many bids were evaluated */
  bids: number;
  standstillEndsAt: string | null;
  /** how to make a representation before the standstill ends (this API's route) */
  representationsTo: string;
}

/** Where scoring stands: who must score, which bids, which sheets count. */
export interface ScoringState {
  evaluators: string[];
  bids: BidEntity[];
  /** sheets of the unexcluded evaluators for the live bids */
  sheets: ScoreEntity[];
  /** every unexcluded evaluator scored every live bid (and there is at least one of each) */
  complete: boolean;
}

/** Scores are numbers from 0 to 10 for exactly the tender's criteria. */
export function scoreSheetProblems(
  criteria: readonly Criterion[],
  scores: Record<string, unknown>,
): { field: string; message: string }[] {
  const keys = new Set<string>(criteria.map((c) => c.key));
  const errors: { field: string; message: string }[] = [];
  for (const c of criteria) {
    const v = scores[c.key];
    if (v === undefined) errors.push({ field: `scores.${c.key}`, message: `a score for ${c.key} is required` });
    else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 10)
      errors.push({ field: `scores.${c.key}`, message: 'must be a number from 0 to 10' });
  }
  for (const k of Object.keys(scores)) {
    if (!keys.has(k))
      errors.push({
        field: `scores.${k}`,
        message: (CRITERION_KEYS as readonly string[]).includes(k)
          ? `${k} is not a criterion of this tender`
          : `unknown criterion ${k}`,
      });
  }
  return errors;
}

/** Evaluation: panel members not excluded from evaluation score every live bid; the ranking follows. */
@Injectable()
export class EvaluationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly access: TenderAccess,
    private readonly panel: CasePanel,
    private readonly conflicts: ConflictsService,
    private readonly queries: TenderingQueries,
    private readonly directory: DirectoryService,
  ) {}

  /** POST /tenders/{caseId}/bids/{bidId}/scores: a second sheet from the same evaluator replaces the first. */
  async recordScores(
    caller: CaseCaller,
    caseId: string,
    bidId: string,
    input: { scores: Record<string, number>; comment?: string },
    expectedVersion?: number,
  ): Promise<ScoreView> {
    const tender = await this.access.publishedTender(caseId);
    const evaluatorId = caller.personId;
    if (!evaluatorId || !(await this.panel.isMember(caseId, evaluatorId))) {
      throw new DomainError('FORBIDDEN', 'only a panel member of this case may score its bids');
    }
    const errors = scoreSheetProblems(tender.context.criteria ?? [], input.scores);
    if (errors.length) {
      throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
        errors,
      });
    }
    const comment = input.comment ?? '';
    const { row, result } = await this.engine.apply({
      caseId,
      actor: { id: evaluatorId, roles: caller.roles },
      event: { type: 'SCORE_RECORDED', bidId, evaluatorId },
      expectedVersion,
      within: async (tx, locked, _decision, now) => {
        // the machine accepted: the case is in evaluation, so bids are open
        const bid = await tx.findOneBy(BidEntity, { id: bidId, caseId, status: 'submitted' });
        if (!bid) throw new DomainError('NOT_FOUND', `bid ${bidId} not found on this tender`);
        if (!(await this.conflicts.unexcludedEvaluators(caseId, tx)).includes(evaluatorId)) {
          throw new DomainError('EXCLUDED_BY_CONFLICT', `${evaluatorId} is excluded from evaluation on this case`);
        }
        await tx
          .createQueryBuilder()
          .insert()
          .into(ScoreEntity)
          .values({ caseId, bidId, evaluatorId, scores: input.scores, comment, scoredAt: now })
          .orUpdate(['scores', 'comment', 'scored_at'], ['bid_id', 'evaluator_id'])
          .execute();
        const sheet = await tx.findOneByOrFail(ScoreEntity, { bidId, evaluatorId });
        return { sheet, criteria: locked.context.criteria ?? [] };
      },
      audit: ({ sheet }) => ({ bidId, evaluatorId, scores: sheet.scores, comment: sheet.comment }),
    });
    const { sheet, criteria } = result;
    return {
      id: sheet.id,
      caseId,
      bidId,
      evaluatorId,
      scores: sheet.scores,
      comment: sheet.comment,
      weightedScore: nullableRound(weightedScore(criteria, [sheet])),
      scoredAt: sheet.scoredAt.toISOString(),
      caseVersion: row.version,
    };
  }

  /**
   * GET /tenders/{caseId}/bids/{bidId}/scores: a panel member sees its own sheet; the case's other
   * commissioners and governance see every sheet once tendering closed (BIDS_SEALED before).
   * A panel member excluded from evaluation, a provider or anyone outside the case: 404.
   */
  async scoresOf(
    caller: CaseCaller,
    caseId: string,
    bidId: string,
    q: { limit: number; cursor?: string },
  ): Promise<Page<ScoreSheetView>> {
    const row = await this.access.publishedTender(caseId);
    await this.access.requireCaseViewer(caller, row);
    const notFound = () => new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    if (!(await this.access.evaluationSight(caller, caseId)).scores) throw notFound();
    if (!(await this.access.hasClosed(row)))
      throw new DomainError('BIDS_SEALED', 'bids are sealed until tendering closes');
    const bid = await this.ds.manager.findOneBy(BidEntity, { id: bidId, caseId });
    if (!bid || bid.status === 'withdrawn') throw notFound();
    const onPanel = !!caller.personId && (await this.panel.isMember(caseId, caller.personId));
    const qb = this.ds
      .getRepository(ScoreEntity)
      .createQueryBuilder('s')
      .where('s.case_id = :caseId AND s.bid_id = :bidId', { caseId, bidId })
      .orderBy('s.scored_at')
      .addOrderBy('s.id')
      .limit(q.limit + 1);
    if (onPanel) qb.andWhere('s.evaluator_id = :me', { me: caller.personId });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(s.scored_at, s.id) > (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, (x) => ({ t: x.scoredAt.toISOString(), id: x.id }));
    const names = new Map(
      (await this.directory.findPeople(page.items.map((x) => x.evaluatorId))).map((p) => [p.id, p.name]),
    );
    return {
      items: page.items.map((x) => ({
        evaluatorId: x.evaluatorId,
        evaluatorName: names.get(x.evaluatorId) ?? null,
        scores: x.scores,
        comment: x.comment,
        at: x.scoredAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  async scoringState(row: CaseEntity, tx: EntityManager = this.ds.manager): Promise<ScoringState> {
    const evaluators = await this.conflicts.unexcludedEvaluators(row.id, tx);
    const bids = await this.queries.liveBidRows(row.id, tx);
    const counted = new Set(evaluators);
    const live = new Set(bids.map((b) => b.id));
    const sheets = (await tx.find(ScoreEntity, { where: { caseId: row.id } })).filter(
      (s) => counted.has(s.evaluatorId) && live.has(s.bidId),
    );
    const have = new Set(sheets.map((s) => `${s.evaluatorId}|${s.bidId}`));
    const complete =
      evaluators.length > 0 && bids.length > 0 && evaluators.every((e) => bids.every((b) => have.has(`${e}|${b.id}`)));
    return { evaluators, bids, sheets, complete };
  }

  scoringComplete(row: CaseEntity, tx: EntityManager): Promise<boolean> {
    return this.scoringState(row, tx).then((s) => s.complete);
  }

  /** The ranking of the live bids, once every unexcluded evaluator scored every one; else null. */
  async ranking(row: CaseEntity, tx: EntityManager = this.ds.manager): Promise<RankingEntry[] | null> {
    const state = await this.scoringState(row, tx);
    if (!state.complete) return null;
    const criteria = row.context.criteria ?? [];
    const ranked = rankBids(
      criteria,
      state.sheets.map((s) => ({ bidId: s.bidId, scores: s.scores })),
      state.bids.map((b) => ({ id: b.id, providerId: b.providerId })),
    );
    const names = new Map(
      (
        await this.directory.findProviders(
          state.bids.map((b) => b.providerId),
          tx,
        )
      ).map((p) => [p.id, p.name]),
    );
    return ranked.map((r) => ({
      bidId: r.bidId,
      providerId: r.providerId,
      providerName: names.get(r.providerId) ?? '',
      weightedScore: nullableRound(r.weightedScore),
      rank: r.rank,
    }));
  }

  /**
   * The debrief of every live bid, keyed by bid id: the figures of the ranking (same sheets, same
   * weighted-score code), per criterion for the bid and for the proposed awardee's bid.
   */
  async debriefs(
    row: CaseEntity,
    standstillEndsAt: Date | null,
    tx: EntityManager = this.ds.manager,
  ): Promise<Map<string, Debrief>> {
    const out = new Map<string, Debrief>();
    const proposal = row.context.proposal;
    if (proposal?.kind !== 'buy' || !proposal.bidId) return out;
    const state = await this.scoringState(row, tx);
    const criteria = row.context.criteria ?? [];
    const ranked = rankBids(
      criteria,
      state.sheets.map((s) => ({ bidId: s.bidId, scores: s.scores })),
      state.bids.map((b) => ({ id: b.id, providerId: b.providerId })),
    );
    const scoresOf = (bidId: string): BidScores => {
      const sheets = state.sheets.filter((s) => s.bidId === bidId);
      return {
        criteria: criteria.map((c) => ({
          key: c.key,
          weight: c.weight,
          score: nullableRound(weightedScore([{ key: c.key, weight: 100 }], sheets)),
          weightedScore: nullableRound(weightedScore([c], sheets)),
        })),
        weightedScore: nullableRound(ranked.find((r) => r.bidId === bidId)?.weightedScore ?? null),
      };
    };
    const awardees = (await this.directory.findProviders(proposal.providerIds, tx)).map((p) => ({ name: p.name }));
    const awardeeScores = scoresOf(proposal.bidId);
    for (const r of ranked) {
      out.set(r.bidId, {
        awardees,
        ownScores: scoresOf(r.bidId),
        awardeeScores,
        ownRank: r.rank,
        bids: ranked.length,
        standstillEndsAt: standstillEndsAt ? standstillEndsAt.toISOString() : null,
        representationsTo: `/api/v1/cases/${row.id}/representations`,
      });
    }
    return out;
  }

  /** Sheets counted for the ranking, per live bid (for the bidders' assessment summary). */
  async countedSheets(row: CaseEntity, tx: EntityManager = this.ds.manager): Promise<ScoreEntity[]> {
    return (await this.scoringState(row, tx)).sheets;
  }
}

const nullableRound = (x: number | null): number | null => (x === null ? null : round2(x));
