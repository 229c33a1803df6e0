import fc from 'fast-check';
import { cpvCheckDigit, cpvProblem } from './cpv';

describe('CPV codes', () => {
  it.each([
    '85121200-5', // medical specialist services
    '45000000-7', // construction work
    '03000000-1', // agricultural, farming, fishing, forestry and related products
    '85000000-9', // health and social work services
    '85121100-4', // general practitioner services
    '72212000-4',
    '79710000-4',
    '33600000-6',
    '30200000-1',
  ])('accepts %s', (code) => expect(cpvProblem(code)).toBeNull());

  it.each(['85121200-4', '45000000-1', '8512120-5', '85121200', '85121200_5', 'abcdefgh-1', ''])('refuses %s', (code) =>
    expect(cpvProblem(code)).not.toBeNull(),
  );

  it('refuses every code whose last digit is not the check digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), fc.integer({ min: 0, max: 9 }), (digits, d) => {
        const ok = cpvProblem(`${digits}-${d}`) === null;
        return ok === (d === cpvCheckDigit(digits));
      }),
    );
  });
});
