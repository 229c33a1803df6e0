import { execFileSync } from 'node:child_process';
import { heapPolicyFlag } from './heap-policy';

// Allocates 1.5 million small objects keeping up to 200,000 alive (about 30 MB), as a storm's
// batches keep theirs across awaits; prints the largest heap it saw, in MiB.
const CHURN = `
  const flag = process.argv[1];
  if (flag) require('node:v8').setFlagsFromString(flag);
  let keep = [];
  let peak = 0;
  for (let r = 0; r < 1500; r++) {
    for (let i = 0; i < 1000; i++) keep.push({ a: 'x'.repeat(50) + i, b: [i, i + 1] });
    if (keep.length > 200000) keep = keep.slice(100000);
    peak = Math.max(peak, process.memoryUsage().heapTotal);
  }
  process.stdout.write(String(Math.round(peak / 1048576)));
`;
const peakMiB = (flag: string | null) =>
  Number(execFileSync(process.execPath, ['-e', CHURN, flag ?? ''], { encoding: 'utf8' }));

describe('heap policy', () => {
  it('is V8 heap-growing-percent, or nothing for 0', () => {
    expect(heapPolicyFlag(50)).toBe('--heap-growing-percent=50');
    expect(heapPolicyFlag(0)).toBeNull();
    expect(() => heapPolicyFlag(-1)).toThrow(RangeError);
    expect(() => heapPolicyFlag(1.5)).toThrow(RangeError);
  });

  // the premise: this Node's V8 still honours the flag when set at run time, after start. Without
  // a flag V8 picks its own growth factor from the allocation rate it sees, which moves with the
  // machine's load (238-313 MiB here; 238 and 247 in two loaded CI runs, against 193 and 198 with
  // the flag): the baseline is V8's own largest factor (4x, 300%) set the same way, and each side
  // the median of three runs taken in turn
  it('set at run time, keeps a fast-allocating heap well below what V8 lets it grow to alone', () => {
    const own: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < 3; i++) {
      own.push(peakMiB(heapPolicyFlag(300)));
      held.push(peakMiB(heapPolicyFlag(50)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    expect(median(held)).toBeLessThan(median(own) * 0.8);
  });
});
