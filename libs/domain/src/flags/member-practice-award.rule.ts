/** MEMBER_PRACTICE_AWARD (blocking): an awardee is a practice inside the commissioning consortium. */
import { indexFacts, makeFlag } from './facts';
import type { AwardFacts, MemberPracticeAwardEvidence, RaisedFlag } from './flag.types';

export function checkMemberPracticeAward(facts: AwardFacts): RaisedFlag[] {
  const ix = indexFacts(facts);
  return ix.awardeeIds
    .filter((id) => ix.isMemberPractice(id))
    .map((id) => {
      const provider = ix.provider(id);
      const evidence: MemberPracticeAwardEvidence = {
        providerId: provider.id,
        providerName: provider.name,
        consortiumId: facts.consortiumId,
        proposalSeq: facts.proposal.seq,
        proposalKind: facts.proposal.kind,
        bidId: ix.proposedBid?.id ?? null,
      };
      return makeFlag(
        'MEMBER_PRACTICE_AWARD',
        evidence,
        `The proposed awardee ${provider.name} is a member practice of the commissioning consortium ${facts.consortiumId}.`,
      );
    });
}
