import { AwardFactsError } from './facts';
import { checkMemberPracticeAward } from './member-practice-award.rule';
import { buyFacts, makeFacts } from './testing/award-facts.fixture';

describe('MEMBER_PRACTICE_AWARD', () => {
  it('is silent when the awardee is outside the consortium', () => {
    expect(checkMemberPracticeAward(buyFacts())).toEqual([]);
  });

  it('fires when the proposed bid is from a member practice, naming the practice and consortium', () => {
    const f = buyFacts();
    f.proposal = { ...f.proposal, bidId: 'B-PM1', awardeeProviderIds: ['PM1'] };
    const flags = checkMemberPracticeAward(f);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      code: 'MEMBER_PRACTICE_AWARD',
      severity: 'blocking',
      evidence: {
        providerId: 'PM1',
        providerName: 'Riverside Surgery',
        consortiumId: 'C1',
        proposalKind: 'buy',
        bidId: 'B-PM1',
        proposalSeq: 1,
      },
    });
    expect(flags[0].summary).toContain('Riverside Surgery');
  });

  it('takes the awardee from the proposed bid even when awardeeProviderIds omits it', () => {
    const f = buyFacts();
    f.proposal = { ...f.proposal, bidId: 'B-PM1', awardeeProviderIds: [] };
    expect(checkMemberPracticeAward(f).map((x) => x.evidence.providerId)).toEqual(['PM1']);
  });

  it('is silent for a practice that belongs to another consortium', () => {
    const f = buyFacts();
    f.bids.push({ id: 'B-S1', providerId: 'S1', price: 1 });
    f.proposal = { ...f.proposal, bidId: 'B-S1', awardeeProviderIds: ['S1'] };
    expect(checkMemberPracticeAward(f)).toEqual([]);
  });

  it('raises one flag per member-practice awardee on the make route', () => {
    const flags = checkMemberPracticeAward(makeFacts());
    expect(flags.map((x) => x.evidence.providerId)).toEqual(['PM1', 'PM2']);
    expect(flags[1].evidence).toMatchObject({ providerName: 'Hillview Practice', proposalKind: 'make', bidId: null });
  });

  it('fails closed when an awardee is missing from the facts', () => {
    const f = makeFacts();
    f.proposal.awardeeProviderIds = ['GHOST'];
    expect(() => checkMemberPracticeAward(f)).toThrow(AwardFactsError);
  });
});
