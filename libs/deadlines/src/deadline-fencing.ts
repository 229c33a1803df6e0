import type { CaseContext, DeadlineKind } from '@makebuy/domain';
import type { DeadlinePurpose, DeadlineStatus } from './deadline.entity';

export interface FencedDeadline {
  kind: string;
  purpose: DeadlinePurpose;
  status: DeadlineStatus;
  stageSeq: number;
  revision: number;
  dueAt: Date;
}

export type FenceVerdict =
  /** apply it now */
  | { action: 'fire' }
  /** not due yet (a job woke early, e.g. clock skew): wait until dueAt */
  | { action: 'wait'; dueAt: Date }
  /** already fired, cancelled or superseded: nothing to do, nothing to write */
  | { action: 'skip'; status: Exclude<DeadlineStatus, 'pending'> }
  /** the case has moved on from the stage entry (or revision) it was set for */
  | { action: 'supersede'; reason: string };

/**
 * Decides what to do with a deadline, read under the case lock. A deadline belongs to one
 * stage entry (`stageSeq`, which grows on every entry to a top-level state), not to a case
 * version: events inside the stage (a declaration, a bid, a score) do not stop it firing.
 */
export function fenceDeadline(
  d: FencedDeadline,
  context: Pick<CaseContext, 'stageSeq' | 'deadlineRevisions'>,
  now: Date,
): FenceVerdict {
  if (d.status !== 'pending') return { action: 'skip', status: d.status };
  if (d.stageSeq !== context.stageSeq) {
    return { action: 'supersede', reason: `stage ${d.stageSeq} ended (case is at stage ${context.stageSeq})` };
  }
  if (d.purpose === 'transition') {
    const current = context.deadlineRevisions[d.kind as DeadlineKind] ?? 0;
    if (d.revision !== current) {
      return { action: 'supersede', reason: `revision ${d.revision} was replaced by revision ${current}` };
    }
  }
  if (d.dueAt.getTime() > now.getTime()) return { action: 'wait', dueAt: d.dueAt };
  return { action: 'fire' };
}
