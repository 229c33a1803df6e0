import { londonInstant, noticeText } from './notices';

describe('notice texts', () => {
  it('give instants in Europe/London (GMT and BST) with the ISO 8601 instant beside them', () => {
    expect(londonInstant('2026-12-01T14:00:00Z')).toBe(
      '14:00 GMT on Tuesday 1 December 2026 (2026-12-01T14:00:00.000Z)',
    );
    expect(londonInstant('2026-06-30T23:30:00Z')).toBe('00:30 BST on Wednesday 1 July 2026 (2026-06-30T23:30:00.000Z)');
  });

  it('name the consortium and give the closing instant as a person reads it', () => {
    const t = noticeText('tender_published', {
      id: 'c1',
      title: 'Community dermatology',
      serviceName: 'Dermatology',
      consortiumName: 'Riverside GP Consortium',
      state: 'tendering',
      context: { tenderClosesAt: '2026-12-15T12:00:00.000Z', stageSeq: 4, cancellation: null },
    });
    expect(t.body).toBe(
      'The tender for "Community dermatology" (Dermatology, Riverside GP Consortium) is open for bids until 12:00 GMT on Tuesday 15 December 2026 (2026-12-15T12:00:00.000Z).',
    );
  });
});
