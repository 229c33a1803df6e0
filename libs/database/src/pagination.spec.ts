import { configureCursorKey, decodeCursor, encodeCursor, verifyCursor } from './pagination';

describe('cursors', () => {
  const key = { t: '2026-12-01T09:00:00.000Z', id: '9b1c6a3e-6f0e-4a57-9b35-0f4c0d1e2a3b' };
  beforeAll(() => configureCursorKey('test-secret-for-cursors'));

  it('round-trips a cursor this API issued', () => {
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(undefined)).toBeNull();
  });

  it('refuses forged, edited and foreign cursors with VALIDATION_FAILED', () => {
    const good = encodeCursor(key);
    const [payload, sig] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ t: '2020-01-01T00:00:00+99:00', id: 'x' })).toString(
      'base64url',
    );
    const bad = [
      'garbage',
      payload,
      `${forgedPayload}.${sig}`,
      `${payload}.${sig.slice(0, -1)}A`,
      `${payload}.${sig}.x`,
      '.',
      `${'a'.repeat(2000)}.${sig}`,
    ];
    for (const c of bad) expect(() => decodeCursor(c)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    configureCursorKey('another-deployment-secret');
    expect(() => verifyCursor(good)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    configureCursorKey('test-secret-for-cursors');
    expect(verifyCursor(good)).toEqual(key);
  });
});
