import fc from 'fast-check';
import { fenceDeadline, FencedDeadline } from './deadline-fencing';

const now = new Date('2025-03-10T12:00:00Z');
const base: FencedDeadline = {
  kind: 'tender_close',
  purpose: 'transition',
  status: 'pending',
  stageSeq: 4,
  revision: 0,
  dueAt: new Date('2025-03-10T11:59:59Z'),
};
const ctx = { stageSeq: 4, deadlineRevisions: {} };

describe('fenceDeadline', () => {
  it('fires a pending deadline of the current stage entry once it is due', () => {
    expect(fenceDeadline(base, ctx, now)).toEqual({ action: 'fire' });
    expect(fenceDeadline({ ...base, dueAt: now }, ctx, now)).toEqual({ action: 'fire' });
  });

  it('waits when the job woke before the due instant (clock skew)', () => {
    const dueAt = new Date(now.getTime() + 5000);
    expect(fenceDeadline({ ...base, dueAt }, ctx, now)).toEqual({ action: 'wait', dueAt });
  });

  it.each(['fired', 'cancelled', 'superseded'] as const)('does nothing for a %s deadline', (status) => {
    expect(fenceDeadline({ ...base, status }, ctx, now)).toEqual({ action: 'skip', status });
  });

  it('supersedes a deadline whose stage entry is over, even when the case is in the same state again', () => {
    expect(fenceDeadline(base, { ...ctx, stageSeq: 5 }, now)).toMatchObject({ action: 'supersede' });
    // re-entered evaluation after a rejected award: a new stage entry, a new deadline
    expect(fenceDeadline({ ...base, kind: 'evaluation_sla' }, { ...ctx, stageSeq: 7 }, now)).toMatchObject({
      action: 'supersede',
    });
  });

  it('supersedes a transition deadline replaced by a later revision (tender extended)', () => {
    const v = fenceDeadline(base, { stageSeq: 4, deadlineRevisions: { tender_close: 1 } }, now);
    expect(v).toMatchObject({ action: 'supersede' });
    expect(
      fenceDeadline({ ...base, revision: 1 }, { stageSeq: 4, deadlineRevisions: { tender_close: 1 } }, now),
    ).toEqual({ action: 'fire' });
  });

  it('supersedes a stale deadline at once rather than waiting for it', () => {
    const dueAt = new Date(now.getTime() + 60_000);
    expect(fenceDeadline({ ...base, dueAt }, { ...ctx, stageSeq: 9 }, now)).toMatchObject({ action: 'supersede' });
  });

  it('a reminder is fenced on the stage entry only', () => {
    const reminder: FencedDeadline = { ...base, kind: 'evaluation_sla.reminder', purpose: 'reminder' };
    expect(fenceDeadline(reminder, { stageSeq: 4, deadlineRevisions: { evaluation_sla: 3 } }, now)).toEqual({
      action: 'fire',
    });
    expect(fenceDeadline(reminder, { stageSeq: 5, deadlineRevisions: {} }, now)).toMatchObject({
      action: 'supersede',
    });
  });

  it('fires only when pending, same stage entry, same revision and due (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('pending', 'fired', 'cancelled', 'superseded' as const),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: -10_000, max: 10_000 }),
        (status, dSeq, cSeq, dRev, cRev, offset) => {
          const d = { ...base, status, stageSeq: dSeq, revision: dRev, dueAt: new Date(now.getTime() + offset) };
          const v = fenceDeadline(d, { stageSeq: cSeq, deadlineRevisions: { tender_close: cRev } }, now);
          const shouldFire = status === 'pending' && dSeq === cSeq && dRev === cRev && offset <= 0;
          expect(v.action === 'fire').toBe(shouldFire);
          if (status !== 'pending') expect(v.action).toBe('skip');
        },
      ),
    );
  });
});
