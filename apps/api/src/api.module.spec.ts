import { safeError, sealedUrl } from './api.module';

describe('log hygiene', () => {
  it('masks the tender in bid URLs', () => {
    expect(sealedUrl('/api/v1/tenders/6f1c3c7e-1111-4111-8111-111111111111/bids')).toBe(
      '/api/v1/tenders/[sealed]/bids',
    );
    expect(sealedUrl('/api/v1/tenders/6f1c/bids/abc/withdraw')).toBe('/api/v1/tenders/[sealed]/bids/abc/withdraw');
    expect(sealedUrl('/api/v1/tenders/6f1c')).toBe('/api/v1/tenders/6f1c');
  });
  it('drops SQL parameters from logged errors', () => {
    const e = Object.assign(new Error('duplicate key'), {
      parameters: ['secret price 123'],
      query: 'INSERT INTO bids ...',
    });
    expect(JSON.stringify(safeError(e))).not.toContain('secret price');
    expect(JSON.stringify(safeError(e))).not.toContain('INSERT');
  });
});
