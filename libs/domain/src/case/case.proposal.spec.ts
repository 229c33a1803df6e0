import { decideCase } from './case.runtime';
import { ev, given, route } from './testing/case-events';

describe('the buy-route proposal names its awardee', () => {
  it('takes the proposed bid provider from the facts', () => {
    const d = given(route.evaluation);
    const next = decideCase(1, d.snapshot, ev.proposeAward({ bidProviderId: 'provider-7' }));
    expect(next.state).toBe('award_checks');
    expect(next.context.proposal).toMatchObject({ kind: 'buy', bidId: 'bid-1', providerIds: ['provider-7'] });
  });
});
