import { redactError, redactText, redactUrl, sealPath } from './log-redaction';

const TENDER = '6f1c3c7e-1111-4111-8111-111111111111';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZXMiOlsiYWRtaW4iXX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('log redaction', () => {
  it('masks the tender in bid URLs, in any case and encoding', () => {
    expect(redactUrl(`/api/v1/tenders/${TENDER}/bids`)).toBe('/api/v1/tenders/[sealed]/bids');
    expect(redactUrl('/api/v1/tenders/6f1c/bids/abc/withdraw')).toBe('/api/v1/tenders/[sealed]/bids/abc/withdraw');
    expect(redactUrl(`/api/v1/Tenders/${TENDER}/Bids`)).toBe('/api/v1/Tenders/[sealed]/Bids');
    expect(redactUrl(`/API/V1/TENDERS/${TENDER}/BIDS/`)).toBe('/API/V1/TENDERS/[sealed]/BIDS/');
    expect(redactUrl(`/api/v1/%74enders/${TENDER}/%42ids`)).not.toContain(TENDER);
    expect(sealPath('/api/v1/tenders/6f1c')).toBe('/api/v1/tenders/6f1c');
    expect(sealPath('/api/v1/bids')).toBe('/api/v1/bids');
  });

  it('masks every query value, keeping plausible names', () => {
    expect(redactUrl(`/api/v1/cases?access_token=${JWT}&limit=5`)).toBe(
      '/api/v1/cases?access_token=[redacted]&limit=[redacted]',
    );
    expect(redactUrl(`/api/v1/cases?${JWT}`)).not.toContain(JWT);
    expect(redactUrl(`/api/v1/tenders/${TENDER}/bids?token=x`)).toBe('/api/v1/tenders/[sealed]/bids?token=[redacted]');
  });

  it('masks tokens, query values and sealed tenders in error text', () => {
    const text = `failed GET /api/v1/TENDERS/${TENDER}/bids?access_token=${JWT} with Bearer ${JWT}`;
    const out = redactText(text)!;
    expect(out).not.toContain(TENDER);
    expect(out).not.toContain(JWT);
    expect(out).not.toContain(JWT.split('.')[2]);
  });

  it('drops SQL text and parameters from logged errors', () => {
    const e = Object.assign(new Error(`duplicate key for /tenders/${TENDER}/bids`), {
      parameters: ['secret price 123'],
      query: 'INSERT INTO bids ...',
      code: '23505',
    });
    const logged = JSON.stringify(redactError(e));
    expect(logged).not.toContain('secret price');
    expect(logged).not.toContain('INSERT');
    expect(logged).not.toContain(TENDER);
    expect(logged).toContain('23505');
  });
});
