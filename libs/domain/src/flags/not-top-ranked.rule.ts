/** NOT_TOP_RANKED (blocking, buy route only): the proposed bid's weighted score is below the
 * highest weighted score. A tie for first (within SCORE_EPSILON) is not flagged. A proposed bid
 * without a weighted score, when other bids have one, is flagged too: it cannot be shown top-ranked. */
import { CRITERION_KEYS } from '../case/case.types';
import { indexFacts, makeFlag, round, roundOrNull } from './facts';
import type { AwardFacts, NotTopRankedEvidence, RaisedFlag, RankedBidEvidence } from './flag.types';
import { rankBids, sameScore } from './scoring';
import type { RankedBid } from './scoring';

export function checkNotTopRanked(facts: AwardFacts): RaisedFlag[] {
  const ix = indexFacts(facts);
  if (facts.proposal.kind !== 'buy' || !ix.proposedBid) return [];
  const ranking = rankBids(facts.criteria, facts.scores, facts.bids);
  const scored = ranking.filter((r) => r.weightedScore !== null);
  if (scored.length === 0) return [];
  const topScore = scored[0].weightedScore as number;
  const proposed = ranking.find((r) => r.bidId === ix.proposedBid!.id)!;
  if (
    proposed.weightedScore !== null &&
    (proposed.weightedScore >= topScore || sameScore(proposed.weightedScore, topScore))
  )
    return [];

  const describe = (r: RankedBid): RankedBidEvidence => ({
    bidId: r.bidId,
    providerId: r.providerId,
    providerName: ix.provider(r.providerId).name,
    weightedScore: roundOrNull(r.weightedScore),
    rank: r.rank,
  });
  const topBids = scored.filter((r) => r.rank === 1).map(describe);
  const evidence: NotTopRankedEvidence = {
    proposedBid: describe(proposed),
    topBids,
    topScore: round(topScore),
    difference: proposed.weightedScore === null ? null : round(topScore - proposed.weightedScore),
    criteria: [...facts.criteria]
      .sort((a, b) => CRITERION_KEYS.indexOf(a.key) - CRITERION_KEYS.indexOf(b.key))
      .map((c) => ({ key: c.key, weight: c.weight })),
  };
  const leaders = topBids.map((b) => `${b.providerName} (${b.bidId})`).join(' and ');
  const summary =
    proposed.weightedScore === null
      ? `The proposed bid ${proposed.bidId} from ${evidence.proposedBid.providerName} has no complete weighted score, while ${leaders} scored ${evidence.topScore.toFixed(2)}.`
      : `The proposed bid ${proposed.bidId} from ${evidence.proposedBid.providerName} scored ${(evidence.proposedBid.weightedScore as number).toFixed(2)}, ${(evidence.difference as number).toFixed(2)} below the top score of ${evidence.topScore.toFixed(2)} by ${leaders}.`;
  return [makeFlag('NOT_TOP_RANKED', evidence, summary)];
}
