/** SCORING_BIAS (advisory): for a bid by a member practice of the case's consortium, an
 * evaluator's weighted score exceeds the mean of the other evaluators' weighted scores for it by
 * more than policy.scoringBiasMargin (needs at least one other evaluator). One flag per
 * (evaluator, bid). Evaluators without a complete score sheet are left out of the comparison. */
import {
  SCORE_EPSILON,
  assertFlagPolicy,
  canonicalScores,
  indexFacts,
  makeFlag,
  mean,
  round,
  sortedUnique,
} from './facts';
import type { AwardFacts, FlagPolicy, RaisedFlag, ScoringBiasEvidence } from './flag.types';
import { weightedScore } from './scoring';

export function checkScoringBias(facts: AwardFacts, policy: FlagPolicy): RaisedFlag[] {
  assertFlagPolicy(policy);
  const ix = indexFacts(facts);
  const margin = policy.scoringBiasMargin;
  const flags: RaisedFlag[] = [];
  for (const bidId of sortedUnique(ix.sheetsByBid.keys())) {
    const bid = ix.bids.get(bidId)!;
    if (!ix.isMemberPractice(bid.providerId)) continue;
    const provider = ix.provider(bid.providerId);
    const sheets = ix.sheetsByBid
      .get(bidId)!
      .map((s) => ({ sheet: s, score: weightedScore(facts.criteria, [s]) }))
      .filter((x): x is { sheet: (typeof x)['sheet']; score: number } => x.score !== null);
    for (const { sheet, score } of sheets) {
      const others = sheets.filter((o) => o.sheet.evaluatorId !== sheet.evaluatorId);
      if (others.length === 0) continue;
      const othersMean = mean(others.map((o) => o.score));
      const difference = score - othersMean;
      if (!(difference > margin + SCORE_EPSILON)) continue;
      const evidence: ScoringBiasEvidence = {
        evaluatorId: sheet.evaluatorId,
        evaluatorName: ix.personName(sheet.evaluatorId),
        bidId,
        providerId: provider.id,
        providerName: provider.name,
        consortiumId: facts.consortiumId,
        evaluatorScore: round(score),
        evaluatorScores: canonicalScores(sheet.scores),
        othersMean: round(othersMean),
        otherEvaluatorIds: others.map((o) => o.sheet.evaluatorId),
        otherEvaluatorCount: others.length,
        difference: round(difference),
        margin,
      };
      flags.push(
        makeFlag(
          'SCORING_BIAS',
          evidence,
          `${evidence.evaluatorName ?? sheet.evaluatorId} scored the bid ${bidId} from member practice ${provider.name} at ${evidence.evaluatorScore.toFixed(2)}, ${evidence.difference.toFixed(2)} above the other evaluators' mean of ${evidence.othersMean.toFixed(2)} (margin ${margin}).`,
        ),
      );
    }
  }
  return flags;
}
