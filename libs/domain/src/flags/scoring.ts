/** Weighted scores and the ranking of bids. Used by NOT_TOP_RANKED and SCORING_BIAS, and by
 * the application to show a case's `ranking`. Pure. */
import type { Criterion, CriterionKey } from '../case/case.types';
import { SCORE_EPSILON, compareStrings, mean, sum } from './facts';

/** One evaluator's scores for one bid (only `scores` is read). */
export interface ScoresOnly {
  scores: Partial<Record<CriterionKey, number>>;
}

export interface RankedBid {
  bidId: string;
  providerId: string;
  /** unrounded; null when the bid cannot be scored (nobody scored it, or a criterion has no score) */
  weightedScore: number | null;
  /** standard competition ranking (1, 1, 3): equal scores share a rank; null for unscored bids */
  rank: number | null;
}

const scoreOf = (sheet: ScoresOnly, key: CriterionKey): number | undefined => {
  const v = sheet.scores[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/**
 * Weighted score of one bid from the score sheets of the evaluators who scored it:
 * sum over criteria of (weight / 100) * (mean of that criterion's scores across those sheets).
 * Pass a single sheet to get one evaluator's weighted score.
 * Returns null when there is no sheet, or when some criterion has no score in any sheet.
 * The result does not depend on the order of the sheets or criteria.
 */
export function weightedScore(criteria: readonly Criterion[], sheets: readonly ScoresOnly[]): number | null {
  if (sheets.length === 0) return null;
  const terms: number[] = [];
  for (const c of criteria) {
    const values = sheets.map((s) => scoreOf(s, c.key)).filter((v): v is number => v !== undefined);
    if (values.length === 0) return null;
    terms.push((c.weight / 100) * mean(values));
  }
  return sum(terms);
}

/** Two weighted scores equal within floating-point tolerance. */
export const sameScore = (a: number, b: number): boolean => Math.abs(a - b) <= SCORE_EPSILON;

/**
 * Ranks bids by weighted score, highest first. Equal scores (within SCORE_EPSILON) share a
 * rank; ties are listed by bid id. Unscored bids come last with rank null. Score sheets for
 * bids not in `bids` are ignored.
 */
export function rankBids(
  criteria: readonly Criterion[],
  scores: readonly { bidId: string; scores: Partial<Record<CriterionKey, number>> }[],
  bids: readonly { id: string; providerId: string }[],
): RankedBid[] {
  const scored = bids.map((b) => ({
    bidId: b.id,
    providerId: b.providerId,
    weightedScore: weightedScore(
      criteria,
      scores.filter((s) => s.bidId === b.id),
    ),
  }));
  // A total order first (exact score, then id) so the result never depends on input order...
  scored.sort(
    (a, b) =>
      (b.weightedScore ?? Number.NEGATIVE_INFINITY) - (a.weightedScore ?? Number.NEGATIVE_INFINITY) ||
      compareStrings(a.bidId, b.bidId) ||
      compareStrings(a.providerId, b.providerId),
  );
  // ...then groups of equal scores (within SCORE_EPSILON of the group's first) share a rank.
  const ranked: RankedBid[] = [];
  let i = 0;
  while (i < scored.length) {
    const first = scored[i].weightedScore;
    let j = i + 1;
    if (first === null) j = scored.length;
    else
      while (
        j < scored.length &&
        scored[j].weightedScore !== null &&
        sameScore(first, scored[j].weightedScore as number)
      )
        j++;
    const group = scored
      .slice(i, j)
      .sort((a, b) => compareStrings(a.bidId, b.bidId) || compareStrings(a.providerId, b.providerId));
    for (const entry of group) ranked.push({ ...entry, rank: first === null ? null : i + 1 });
    i = j;
  }
  return ranked;
}
