/** SINGLE_BID (advisory): buy route and exactly one bid. */
import { indexFacts, makeFlag } from './facts';
import type { AwardFacts, RaisedFlag, SingleBidEvidence } from './flag.types';

export function checkSingleBid(facts: AwardFacts): RaisedFlag[] {
  const ix = indexFacts(facts);
  if (facts.proposal.kind !== 'buy' || facts.bids.length !== 1) return [];
  const bid = facts.bids[0];
  const evidence: SingleBidEvidence = {
    bidCount: 1,
    bidId: bid.id,
    providerId: bid.providerId,
    providerName: ix.provider(bid.providerId).name,
  };
  return [
    makeFlag(
      'SINGLE_BID',
      evidence,
      `Only one bid was received, from ${evidence.providerName}, so the award was not tested by competition.`,
    ),
  ];
}
