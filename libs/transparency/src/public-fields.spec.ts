import fc from 'fast-check';
import {
  INTENTION_CONTENT,
  list,
  nullable,
  object,
  optional,
  PrivacyRuleError,
  PUBLIC_DECISION_RECORD,
  redactEmails,
  REDACTED_EMAIL,
  toPublic,
} from './public-fields';

describe('the privacy rule (toPublic)', () => {
  it('keeps only the listed fields, at every depth', () => {
    const rule = object({ name: 'name', items: list(object({ weight: 'number' })) });
    expect(
      toPublic(rule, {
        name: 'Hillview Surgery',
        email: 'x@y.org',
        bidId: '6f1c3c7e-1111-4111-8111-111111111111',
        items: [{ weight: 30, price: 190000 }],
      }),
    ).toEqual({ name: 'Hillview Surgery', items: [{ weight: 30 }] });
  });

  it('redacts e-mail addresses from names and free text', () => {
    const rule = object({ person: 'name', note: 'freeText' });
    expect(toPublic(rule, { person: 'Dr A (a.b@nhs.net)', note: 'write to Cancel.Me+x@example.org today' })).toEqual({
      person: `Dr A ${REDACTED_EMAIL}`,
      note: `write to ${REDACTED_EMAIL} today`,
    });
  });

  it('no text survives with an e-mail address in it', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (a, email, b) => {
        expect(redactEmails(`${a} ${email} ${b}`)).not.toContain(email);
      }),
    );
  });

  it('refuses a value of the wrong kind rather than publishing it', () => {
    expect(() => toPublic(object({ value: 'contractValue' }), { value: 190000 })).toThrow(PrivacyRuleError);
    expect(() => toPublic(object({ id: 'publicId' }), { id: 'bid-123' })).toThrow(PrivacyRuleError);
    expect(() => toPublic(object({ at: 'instant' }), { at: 'yesterday' })).toThrow(PrivacyRuleError);
    expect(() => toPublic(object({ code: 'code' }), { code: 'two words' })).toThrow(/\$\.code/);
  });

  it('nullable and optional fields', () => {
    const rule = object({ a: nullable('number'), b: optional('number') });
    expect(toPublic(rule, {})).toEqual({ a: null });
    expect(toPublic(rule, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
  });

  it('no public document has a field for a price, a bid, an e-mail address or bid responses', () => {
    const keys = (r: unknown): string[] =>
      typeof r === 'string'
        ? []
        : Object.entries(r as Record<string, unknown>).flatMap(([k, v]) =>
            k === 'object' ? Object.entries(v as object).flatMap(([f, fr]) => [f, ...keys(fr)]) : keys(v),
          );
    for (const rule of [INTENTION_CONTENT, PUBLIC_DECISION_RECORD]) {
      const fields = keys(rule).map((k) => k.toLowerCase());
      for (const banned of ['price', 'bidid', 'bid', 'email', 'responses', 'text', 'evaluatorid', 'personid'])
        expect(fields).not.toContain(banned);
    }
  });
});
