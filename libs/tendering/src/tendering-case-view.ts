import { CaseState, CriterionKey, Mitigation, rankBids } from '@makebuy/domain';
import { CaseEntity, CaseViewer, CaseViewSql, jsonListSql } from '@makebuy/cases';
import { exclusionFor } from '@makebuy/conflicts';
import { AFTER_CLOSE_STATES, round2 } from './tender-status';
import type { RankingEntry } from './evaluation.service';

/** What the tendering part of the case view reads (null: the tender cannot have closed). */
export interface TenderingViewRows {
  /** a cancelled case only: tendering had closed before the cancellation (left for evaluation or unsuccessful) */
  closedBeforeCancel: boolean | null;
  /** bids received when tendering closed: live ones, and those closed by a cancellation or an unsuccessful close */
  received: number;
  /** the viewer's mitigation on the case (from their current declaration) */
  viewerMitigation: Mitigation | null;
  /** the panel, each member with the mitigation of their current declaration (who may score) */
  panel: { personId: string; mitigation: Mitigation | null }[];
  /** live bids, oldest first, with their provider's name */
  liveBids: { id: string; providerId: string; providerName: string | null }[];
  /** every score sheet of the case */
  sheets: { bidId: string; evaluatorId: string; scores: Partial<Record<CriterionKey, number>> }[];
}

/**
 * Tendering may have closed: a published tender in a state after the close, or cancelled (then
 * the audit says whether it closed first; `TenderAccess.hasClosed` is the same rule).
 */
const mayHaveClosed = (row: Pick<CaseEntity, 'state' | 'context'>): boolean =>
  !!row.context.tenderPublishedAt && (AFTER_CLOSE_STATES.includes(row.state) || row.state === 'cancelled');

/**
 * The reads of the tendering part, over the case `c`, for `viewer`: nothing unless tendering may
 * have closed (for a write's answer that is known from the row in hand, and nothing is read).
 */
export function tenderingViewSql(q: CaseViewSql, viewer: Pick<CaseViewer, 'personId'>): string {
  if (q.row && !mayHaveClosed(q.row)) return 'NULL::json';
  const afterClose = q.bind(AFTER_CLOSE_STATES);
  const closedBeforeCancel =
    q.row && q.row.state !== 'cancelled'
      ? 'NULL'
      : `CASE WHEN c.state = 'cancelled' THEN EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id
           AND e.from_state = 'tendering' AND e.to_state IN ('evaluation', 'unsuccessful')) END`;
  return `CASE WHEN c.context->>'tenderPublishedAt' IS NOT NULL AND (c.state = ANY(${afterClose}::text[]) OR c.state = 'cancelled')
    THEN json_build_object(
      'closedBeforeCancel', ${closedBeforeCancel},
      'received', (SELECT count(*) FROM bids b WHERE b.case_id = c.id AND b.status IN ('submitted', 'closed')),
      'viewerMitigation', (SELECT d.mitigation FROM declarations d
        WHERE d.case_id = c.id AND d.person_id = ${q.bind(viewer.personId)}::uuid AND d.superseded_at IS NULL LIMIT 1),
      'panel', ${jsonListSql(
        `json_build_object('personId', cp.person_id, 'mitigation', d.mitigation)`,
        `FROM case_panel cp LEFT JOIN declarations d
           ON d.case_id = cp.case_id AND d.person_id = cp.person_id AND d.superseded_at IS NULL
         WHERE cp.case_id = c.id`,
      )},
      'liveBids', ${jsonListSql(
        `json_build_object('id', b.id, 'providerId', b.provider_id, 'providerName', pr.name) ORDER BY b.submitted_at, b.id`,
        `FROM bids b LEFT JOIN providers pr ON pr.id = b.provider_id WHERE b.case_id = c.id AND b.status = 'submitted'`,
      )},
      'sheets', ${jsonListSql(
        `json_build_object('bidId', s.bid_id, 'evaluatorId', s.evaluator_id, 'scores', s.scores)`,
        `FROM scores s WHERE s.case_id = c.id`,
      )}
    ) END`;
}

/**
 * GET /cases/{id}: after tendering closed, a `tenderSummary` (how many bids) and, once every
 * unexcluded evaluator scored every live bid, the `ranking`. Nothing at all before the close.
 */
export function tenderingView(
  row: CaseEntity,
  viewer: Pick<CaseViewer, 'personId'>,
  rows: TenderingViewRows | null,
): Record<string, unknown> {
  if (!rows || !mayHaveClosed(row)) return {};
  if (!AFTER_CLOSE_STATES.includes(row.state) && !rows.closedBeforeCancel) return {};
  const out: Record<string, unknown> = { tenderSummary: { bidCount: rows.received } };
  // a member excluded entirely sees no ranking (`TenderAccess.evaluationSight`)
  const seesRanking = !viewer.personId || rows.viewerMitigation !== 'exclude_entirely';
  if (!FINAL_WITHOUT_RANKING.includes(row.state) && seesRanking) {
    const ranking = rankingOf(row, rows);
    if (ranking) out.ranking = ranking;
  }
  return out;
}

const FINAL_WITHOUT_RANKING: readonly CaseState[] = ['cancelled', 'unsuccessful'];

/**
 * The ranking of the live bids, once every unexcluded evaluator scored every one; else null
 * (the rule of `EvaluationService.scoringState`).
 */
function rankingOf(row: CaseEntity, rows: TenderingViewRows): RankingEntry[] | null {
  const evaluators = rows.panel.filter((m) => !exclusionFor(m.mitigation).fromEvaluation).map((m) => m.personId);
  const bids = rows.liveBids;
  const counted = new Set(evaluators);
  const live = new Set(bids.map((b) => b.id));
  const sheets = rows.sheets.filter((s) => counted.has(s.evaluatorId) && live.has(s.bidId));
  const have = new Set(sheets.map((s) => `${s.evaluatorId}|${s.bidId}`));
  const complete =
    evaluators.length > 0 && bids.length > 0 && evaluators.every((e) => bids.every((b) => have.has(`${e}|${b.id}`)));
  if (!complete) return null;
  const ranked = rankBids(
    row.context.criteria ?? [],
    sheets.map((s) => ({ bidId: s.bidId, scores: s.scores })),
    bids.map((b) => ({ id: b.id, providerId: b.providerId })),
  );
  const names = new Map(bids.flatMap((b) => (b.providerName === null ? [] : [[b.providerId, b.providerName]])));
  return ranked.map((r) => ({
    bidId: r.bidId,
    providerId: r.providerId,
    providerName: names.get(r.providerId) ?? '',
    weightedScore: r.weightedScore === null ? null : round2(r.weightedScore),
    rank: r.rank,
  }));
}
