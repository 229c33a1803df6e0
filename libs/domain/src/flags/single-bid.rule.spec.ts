import { checkSingleBid } from './single-bid.rule';
import { buyFacts, makeFacts } from './testing/award-facts.fixture';

describe('SINGLE_BID', () => {
  it('fires on the buy route with exactly one bid', () => {
    const f = buyFacts();
    f.bids = f.bids.filter((b) => b.id === 'B-T1');
    const flags = checkSingleBid(f);
    expect(flags).toEqual([
      {
        code: 'SINGLE_BID',
        severity: 'advisory',
        evidence: { bidCount: 1, bidId: 'B-T1', providerId: 'T1', providerName: 'City Hospitals Trust' },
        summary: expect.stringContaining('Only one bid'),
      },
    ]);
  });

  it('is silent with two or more bids', () => {
    const f = buyFacts();
    expect(checkSingleBid(f)).toEqual([]);
    f.bids = f.bids.slice(0, 2);
    expect(checkSingleBid(f)).toEqual([]);
  });

  it('is silent on the make route', () => {
    expect(checkSingleBid(makeFacts())).toEqual([]);
  });
});
