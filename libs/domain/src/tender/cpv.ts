/**
 * Common Procurement Vocabulary codes (Regulation (EC) 213/2008): eight digits, a hyphen and a
 * check digit, e.g. `85121200-5`. The check digit is the one TED validates: the eight digits are
 * weighted 3, 7, 1, 3, 7, 1, 3, 7 and the sum is taken modulo 10.
 */
export const CPV_PATTERN = /^\d{8}-\d$/;

const WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7] as const;

/** The check digit of eight CPV digits. */
export function cpvCheckDigit(digits: string): number {
  if (!/^\d{8}$/.test(digits)) throw new Error(`a CPV code has eight digits before its check digit, got ${digits}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * WEIGHTS[i];
  return sum % 10;
}

/** Why a CPV code is not acceptable, or null when it is. */
export function cpvProblem(code: unknown): string | null {
  if (typeof code !== 'string' || !CPV_PATTERN.test(code)) return 'a CPV code looks like 85121200-5 (dddddddd-d)';
  const expected = cpvCheckDigit(code.slice(0, 8));
  return Number(code[9]) === expected ? null : `the check digit of ${code.slice(0, 8)} is ${expected}, not ${code[9]}`;
}
