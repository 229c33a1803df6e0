import 'reflect-metadata';
import { validateSync } from 'class-validator';
import { HasAtMostTwoDecimals } from './validation';

class Amount {
  @HasAtMostTwoDecimals() amount: unknown;
}
const valid = (amount: unknown) => validateSync(Object.assign(new Amount(), { amount })).length === 0;

describe('HasAtMostTwoDecimals', () => {
  it('accepts pence and refuses finer or non-finite amounts without throwing', () => {
    expect([250000, 0, 12.5, 12.34, -3.2].every(valid)).toBe(true);
    expect([12.345, 6e-323, -6e-323, 1e-7, NaN, Infinity, '12', null].some(valid)).toBe(false);
  });
});
