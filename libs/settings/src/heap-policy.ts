import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag for HEAP_GROWTH_PERCENT, or null for V8's own rule (0).
 *
 * After each full collection V8 sets the next one's threshold at the surviving heap times a
 * factor it chooses from how fast the process allocates: up to 4 when it allocates fast. A worker
 * closing 10,000 tenders keeps about 60 MB alive but promotes some 25 MB a second of
 * batch-lived objects (rows, snapshots, releases a batch holds across its awaits), so its heap
 * climbed to 237 MB before each full collection (327 MB RSS; docs/performance.md). A fixed
 * factor (1.5 by default) collects at about 90 MB instead, a full collection about every second
 * of a storm at some 8 ms each.
 */
export function heapPolicyFlag(growthPercent: number): string | null {
  if (!Number.isInteger(growthPercent) || growthPercent < 0) {
    throw new RangeError(`not a heap growth percentage: ${growthPercent}`);
  }
  return growthPercent === 0 ? null : `--heap-growing-percent=${growthPercent}`;
}

/** Sets the process's heap growth (see heapPolicyFlag); call first thing at start. */
export function applyHeapPolicy(growthPercent: number): void {
  const flag = heapPolicyFlag(growthPercent);
  if (flag) setFlagsFromString(flag);
}
