import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeadlineKind, isDomainError, SnapshotRestoreError } from '@makebuy/domain';
import { CaseEngine, EventInput } from '@makebuy/cases';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { londonInstant, NotificationsService } from '@makebuy/notifications';
import { Metrics } from '@makebuy/metrics';
import { OcdsReleaseService } from '@makebuy/ocds';
import { DeferredWrites } from '@makebuy/queue';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlineEntity, DeadlineStatus } from './deadline.entity';
import { fenceDeadline, FenceVerdict } from './deadline-fencing';
import { DEADLINE_ACTOR, isSlaKind, remindedKind, SLA_STAGE } from './deadline-kinds';

export type FireOutcome =
  | { outcome: 'fired'; deadlineId: string; fromState?: string; toState?: string }
  /** not due yet by this process's clock: try again in waitMs */
  | { outcome: 'early'; deadlineId: string; dueAt: Date; waitMs: number }
  | { outcome: 'superseded'; deadlineId: string; reason: string }
  | { outcome: 'settled'; deadlineId: string; status: DeadlineStatus }
  | { outcome: 'missing'; deadlineId: string }
  /** the close failed: recorded on the row (attempts, last error) and held back until its retry instant */
  | { outcome: 'failed'; deadlineId: string; error: string }
  /** a job's deadline that another batch (another worker, or a retry's back-off) holds: nothing to do here */
  | { outcome: 'elsewhere'; deadlineId: string };

/** Thrown inside the batch's transaction when the fence says no (before the close wrote anything). */
class Fenced extends Error {
  constructor(readonly verdict: Exclude<FenceVerdict, { action: 'fire' }>) {
    super(`deadline fenced: ${verdict.action}`);
  }
}

/** A close failed after it wrote (or the database refused a statement): the batch without savepoints is void. */
class Poisoned extends Error {
  constructor(readonly failure: unknown) {
    super(`batch needs savepoints: ${(failure as Error)?.message ?? String(failure)}`);
  }
}

/** A writer that can hold its writes in a transaction and make them later, in set form. */
interface WriteHolder {
  holdWrites(tx: EntityManager): void;
  flushHeld(tx: EntityManager): Promise<void>;
}

/** Back-off for a deadline whose firing failed (the reconciler retries it after this). */
export const retryDelayMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);

/** How long a batch's claim on a due deadline lasts (efficiency only: closing is fenced). */
export const CLAIM_LEASE_MS = 5_000;
/** Deadlines this process settled, remembered so a job that wakes for one costs no statement. */
const REMEMBERED = 20_000;

/** What one batch did, in claim order. */
interface BatchRun {
  outcomes: Map<string, FireOutcome>;
  transitions: number;
  wrote: boolean;
  migrate: { caseId: string; reason: string }[];
}

/** Counts statements per close in tests and the bench: how many batches ran, and in which mode. */
export interface BatchCounters {
  batches: number;
  withSavepoints: number;
  closes: number;
}

/**
 * Closes due deadlines in batches: one path for the BullMQ job, the reconciler and a direct
 * `fire`. A batch is one transaction: each deadline is applied with `CaseEngine.applyIn`
 * (its case locked, fenced on `stageSeq` and revision under the lock, the transition, audit row
 * and effects, and the deadline row marked fired in the same transaction), in case-id order so
 * two batches never wait on each other's case locks in opposite orders. Stale deadlines and
 * refused ones (EVENT_NOT_ALLOWED) are superseded, failures recorded with back-off, both in one
 * set-form UPDATE at the end of the batch. Fenced and refused closes are found before they
 * write, so the batch runs without savepoints; if a close fails after it wrote, the batch is
 * rolled back and run again with a savepoint per deadline, so one failure never costs the others.
 * Safe to run any number of times in any number of workers.
 */
@Injectable()
export class DeadlineFiring {
  private readonly log = new Logger(DeadlineFiring.name);
  private readonly settled = new Map<string, DeadlineStatus>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  readonly counters: BatchCounters = { batches: 0, withSavepoints: 0, closes: 0 };

  constructor(
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
    private readonly repo: DeadlinesRepository,
    private readonly notifications: NotificationsService,
    private readonly releases: OcdsReleaseService,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Due deadlines claimed and closed together. */
  get batchSize(): number {
    return this.config.deadlineBatchSize;
  }

  /**
   * Batches this process closes at the same time (each holds one connection and its cases'
   * locks): half the processor's concurrency (4 by default), so half the job slots stay free to
   * find their deadline already closed. A batch waits on PostgreSQL round trips most of its time;
   * on the 2-core bench machine a 2,000-close storm took 35 s with two side by side and 24 s with
   * four (same build, back to back), and less CPU per close.
   */
  get parallelBatches(): number {
    return Math.max(1, Math.ceil(this.config.deadlineConcurrency / 2));
  }

  /**
   * Applies one deadline now (a batch of one). `via`: what woke it, for the lag figures.
   * Throws when the close failed (the failure is recorded on the row with a back-off).
   */
  async fire(deadlineId: string, via: 'job' | 'reconciler' = 'job'): Promise<FireOutcome> {
    const d = await this.repo.find(deadlineId);
    const before = this.precheck(deadlineId, d);
    if (before) return before;
    const r = (await this.limited(() => this.close([d!], via))).get(deadlineId)!;
    if (r.outcome === 'failed') throw new Error(r.error);
    return r;
  }

  /**
   * A `deadline.fire` job woke: if its deadline is still pending and due, close a batch of due
   * deadlines (the oldest due first, its own among them or already claimed by another batch).
   * A job whose deadline this process already settled costs nothing; one settled elsewhere, one read.
   */
  async wake(deadlineId: string): Promise<FireOutcome> {
    const known = this.settled.get(deadlineId);
    if (known) return { outcome: 'settled', deadlineId, status: known };
    const before = this.precheck(deadlineId, await this.repo.find(deadlineId));
    if (before) return before;
    for (;;) {
      const out = await this.closeDue('job');
      const own = out.outcomes.get(deadlineId) ?? this.rememberedOutcome(deadlineId);
      if (own) return own;
      if (out.claimed < this.batchSize) return { outcome: 'elsewhere', deadlineId };
    }
  }

  /** Claims up to one batch of due deadlines (one statement) and closes them (one transaction). */
  async closeDue(via: 'job' | 'reconciler'): Promise<{ claimed: number; outcomes: Map<string, FireOutcome> }> {
    return this.limited(async () => {
      const claimed = await this.repo.claimDue(this.clock.now(), this.batchSize, CLAIM_LEASE_MS);
      return { claimed: claimed.length, outcomes: claimed.length ? await this.close(claimed, via) : new Map() };
    });
  }

  private rememberedOutcome(deadlineId: string): FireOutcome | null {
    const status = this.settled.get(deadlineId);
    return status ? { outcome: 'settled', deadlineId, status } : null;
  }

  private precheck(deadlineId: string, d: DeadlineEntity | null): FireOutcome | null {
    if (!d) return { outcome: 'missing', deadlineId };
    if (d.status !== 'pending') {
      this.remember(d.id, d.status);
      return { outcome: 'settled', deadlineId, status: d.status };
    }
    const now = this.clock.now();
    if (d.dueAt.getTime() > now.getTime()) return this.early(d, now);
    return null;
  }

  /** At most `parallelBatches` batches at once in this process; the rest wait their turn. */
  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    while (this.running >= this.parallelBatches) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Closes these deadlines in one transaction; answers each one's outcome. */
  private async close(claimed: DeadlineEntity[], via: 'job' | 'reconciler'): Promise<Map<string, FireOutcome>> {
    // one lock order for every batch: by case, then as they fell due
    const order = [...claimed].sort(
      (a, b) =>
        (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) ||
        a.dueAt.getTime() - b.dueAt.getTime() ||
        (a.id < b.id ? -1 : 1),
    );
    let run: BatchRun;
    try {
      try {
        run = await this.run(order, false);
      } catch (e) {
        if (!(e instanceof Poisoned)) throw e;
        run = await this.run(order, true);
      }
    } catch (e) {
      // the transaction itself failed (connection lost, commit refused): nothing of it was written
      const message = (e as Error)?.message ?? String(e);
      const at = this.clock.now();
      await this.repo
        .transaction((tx) =>
          this.repo.settleBatch(
            tx,
            at,
            [],
            order.map((d) => ({
              id: d.id,
              error: message,
              retryAt: new Date(at.getTime() + retryDelayMs(d.attempts + 1)),
            })),
          ),
        )
        .catch(() => undefined);
      this.log.warn(`a batch of ${order.length} deadline closes failed: ${message}`);
      return new Map(order.map((d) => [d.id, { outcome: 'failed', deadlineId: d.id, error: message }]));
    }
    if (run.wrote) this.engine.committed('DEADLINE_DUE', run.transitions);
    for (const m of run.migrate) await this.engine.markNeedsMigration(m.caseId, m.reason).catch(() => undefined);
    const appliedAt = this.clock.now().getTime();
    for (const d of order) {
      const r = run.outcomes.get(d.id)!;
      if (r.outcome === 'fired') {
        this.metrics.deadlineLag.observe({ kind: d.kind, via }, (appliedAt - d.dueAt.getTime()) / 1000);
        this.remember(d.id, 'fired');
      } else if (r.outcome === 'superseded') this.remember(d.id, 'superseded');
      else if (r.outcome === 'settled') this.remember(d.id, r.status);
      else if (r.outcome === 'failed')
        this.log.warn(`deadline ${d.id} (${d.kind}, case ${d.caseId}) failed, attempt ${d.attempts + 1}: ${r.error}`);
    }
    return run.outcomes;
  }

  private remember(id: string, status: DeadlineStatus): void {
    if (status === 'pending') return;
    this.settled.set(id, status);
    if (this.settled.size > REMEMBERED) this.settled.delete(this.settled.keys().next().value as string);
  }

  /** One transaction over the batch; `savepoints`: one per deadline, so a failed close rolls back alone. */
  private async run(order: DeadlineEntity[], savepoints: boolean): Promise<BatchRun> {
    this.counters.batches++;
    if (savepoints) this.counters.withSavepoints++;
    return this.repo.transactionOver(order, async (tx) => {
      const run: BatchRun = { outcomes: new Map(), transitions: 0, wrote: false, migrate: [] };
      const superseded: { id: string; reason: string }[] = [];
      const failed: { id: string; error: string; retryAt: Date }[] = [];
      // without savepoints the closes' inserts and cancels are held and written in set form (a
      // close that fails voids the batch anyway); with savepoints each close writes its own
      if (!savepoints) this.holdWrites(tx);
      // the batch's cases, then its deadline rows, locked and read in two statements (case id
      // order, as every batch locks): each case's first close takes its row from there, and a
      // deadline found pending under its case's lock stays so until this transaction settles it
      await this.engine.lockAll(
        tx,
        order.map((d) => ({ caseId: d.caseId, actor: DEADLINE_ACTOR, event: this.dueEvent(d) })),
      );
      const statuses = await this.repo.lockStatuses(
        tx,
        order.map((d) => d.id),
      );
      /** cases a close of this batch has run for (a later close of one re-reads what it wrote) */
      const seen = new Set<string>();
      /** cases whose transition's writes are held (a reminder writes its own at once) */
      const held = new Set<string>();
      for (const d of order) {
        // a case closed again in this batch reads what the close before it wrote
        if (held.has(d.caseId)) {
          await this.flushHeld(tx);
          held.clear();
        }
        const first = !seen.has(d.caseId);
        seen.add(d.caseId);
        const status = statuses.get(d.id) ?? 'cancelled';
        if (status !== 'pending') {
          // settled since its claim (a settled row never changes again)
          run.outcomes.set(d.id, { outcome: 'settled', deadlineId: d.id, status });
          continue;
        }
        if (!savepoints && d.purpose === 'transition') held.add(d.caseId);
        const step = { wrote: false };
        if (savepoints) await tx.query('SAVEPOINT deadline_close');
        try {
          const r =
            d.purpose === 'reminder' ? await this.remind(tx, d, step) : await this.transition(tx, d, step, first);
          if (savepoints) await tx.query('RELEASE SAVEPOINT deadline_close');
          run.outcomes.set(d.id, r);
          this.counters.closes++;
          if (step.wrote) run.wrote = true;
          if (r.outcome === 'fired' && d.purpose === 'transition') run.transitions++;
        } catch (e) {
          const refusal = e instanceof Fenced || e instanceof SnapshotRestoreError || isDomainError(e);
          // without savepoints only a close refused before it wrote anything can be passed over
          if (!savepoints && (step.wrote || !refusal)) throw new Poisoned(e);
          if (savepoints) await tx.query('ROLLBACK TO SAVEPOINT deadline_close; RELEASE SAVEPOINT deadline_close');
          if (e instanceof Fenced) {
            const v = e.verdict;
            if (v.action === 'skip') run.outcomes.set(d.id, { outcome: 'settled', deadlineId: d.id, status: v.status });
            else if (v.action === 'wait') run.outcomes.set(d.id, this.early(d, this.clock.now()));
            else {
              superseded.push({ id: d.id, reason: v.reason });
              run.outcomes.set(d.id, { outcome: 'superseded', deadlineId: d.id, reason: v.reason });
            }
          } else if (isDomainError(e) && e.code === 'EVENT_NOT_ALLOWED') {
            // the machine says the deadline is stale or foreign to the case's state
            const reason = `refused by the case: ${e.message}`;
            superseded.push({ id: d.id, reason });
            run.outcomes.set(d.id, { outcome: 'superseded', deadlineId: d.id, reason });
          } else {
            const error = (e as Error)?.message ?? String(e);
            if (e instanceof SnapshotRestoreError) run.migrate.push({ caseId: d.caseId, reason: error });
            failed.push({
              id: d.id,
              error,
              retryAt: new Date(this.clock.now().getTime() + retryDelayMs(d.attempts + 1)),
            });
            run.outcomes.set(d.id, { outcome: 'failed', deadlineId: d.id, error });
          }
        }
      }
      if (!savepoints) await this.flushHeld(tx);
      if (superseded.length) run.wrote = true;
      await this.repo.settleBatch(tx, this.clock.now(), superseded, failed);
      return run;
    });
  }

  /**
   * The closes' pure inserts and cancels (deadlines with their jobs, escalations, notifications,
   * OCDS releases) are held by their writers and written per batch in set form, one statement per
   * table. Nothing a close reads is held: the writers flush before the next close of the same case.
   */
  private holdWrites(tx: EntityManager): void {
    // each close's own writes (snapshot, audit rows, feed items...) stay one statement per close,
    // all sent pipelined with the batch's next statement: one round trip for the closes between two
    DeferredWrites.batch(tx);
    for (const h of this.holders) h.holdWrites(tx);
  }

  /**
   * Writes what the batch holds (the closes' own statements go in front of the first); a refusal
   * by the database voids the batch (run again with savepoints).
   */
  private async flushHeld(tx: EntityManager): Promise<void> {
    try {
      for (const h of this.holders) await h.flushHeld(tx);
      await DeferredWrites.flush(tx);
    } catch (e) {
      throw new Poisoned(e);
    }
  }

  /** Cancels and schedules first (deadlines), in the order a close makes them in; the rest are pure inserts. */
  private get holders(): WriteHolder[] {
    return [this.repo, this.notifications, this.releases];
  }

  /**
   * DEADLINE_DUE through the engine, inside the batch's transaction. `lockedPending`: the batch
   * found the row pending under the case's lock and holds it locked, so its settle needs no answer
   * and rides with the close's deferred writes (one statement at the close's end).
   */
  private async transition(
    tx: EntityManager,
    d: DeadlineEntity,
    step: { wrote: boolean },
    lockedPending: boolean,
  ): Promise<FireOutcome> {
    const { decision } = await this.engine.applyIn(tx, {
      caseId: d.caseId,
      actor: DEADLINE_ACTOR,
      event: this.dueEvent(d),
      // the fence runs under the case lock, before the machine decides; the row's stage entry and
      // revision never change, and whether it is still pending is settled below
      facts: async (_tx, row, now) => {
        const verdict = fenceDeadline({ ...d, status: 'pending' }, row.context, now);
        if (verdict.action !== 'fire') throw new Fenced(verdict);
        return {};
      },
      // the first write of the close: marks it fired, or finds it settled meanwhile (nothing written)
      within: async (tx, _row, decision, now) => {
        const moved = decision.fromState !== decision.toState;
        const outcome = moved ? `${decision.fromState} -> ${decision.toState}` : `accepted in ${decision.toState}`;
        if (lockedPending) await this.repo.settleLocked(tx, d.id, 'fired', now, outcome);
        else if (!(await this.repo.settle(tx, d.id, 'fired', now, outcome))) throw await this.settledMeanwhile(tx, d);
        step.wrote = true;
      },
      audit: () => ({
        deadlineId: d.id,
        kind: d.kind,
        stageSeq: d.stageSeq,
        revision: d.revision,
        dueAt: d.dueAt.toISOString(),
      }),
    });
    return {
      outcome: 'fired',
      deadlineId: d.id,
      fromState: decision.fromState ?? undefined,
      toState: decision.toState,
    };
  }

  private dueEvent(d: DeadlineEntity): EventInput {
    return {
      type: 'DEADLINE_DUE',
      deadlineId: d.id,
      kind: d.kind as DeadlineKind,
      stageSeq: d.stageSeq,
      revision: d.revision,
    };
  }

  private async settledMeanwhile(tx: EntityManager, d: DeadlineEntity): Promise<Fenced> {
    const now = await this.repo.find(d.id, tx);
    const status = now && now.status !== 'pending' ? now.status : 'cancelled';
    return new Fenced({ action: 'skip', status });
  }

  /** A reminder before a human stage's deadline: notify who is being waited on; no transition. */
  private async remind(tx: EntityManager, d: DeadlineEntity, step: { wrote: boolean }): Promise<FireOutcome> {
    const kind = remindedKind(d.kind);
    if (!kind || !isSlaKind(kind))
      throw new Fenced({ action: 'supersede', reason: `no reminder is defined for ${d.kind}` });
    const row = await this.engine.lock(tx, d.caseId);
    const now = this.clock.now();
    // fenced on the stage entry under the case lock; whether it is still pending, by the settle below
    const verdict = fenceDeadline({ ...d, status: 'pending' }, row.context, now);
    if (verdict.action !== 'fire') throw new Fenced(verdict);
    step.wrote = true;
    const parent = await this.repo.parentOf(tx, d, kind);
    const people = await this.engine.waitingOn(tx, row, kind);
    const stage = SLA_STAGE[kind].replace(/_/g, ' ');
    const dueAt = parent?.dueAt.toISOString() ?? null;
    const sent = await this.notifications.notify(
      tx,
      people,
      {
        kind: 'deadline_reminder',
        caseId: row.id,
        title: `Reminder: ${stage} on ${row.title}`,
        body: `The ${stage} stage of "${row.title}" is waiting on you${dueAt ? `; its service-level deadline is ${londonInstant(dueAt)}` : ''}.`,
        data: { caseId: row.id, stage: SLA_STAGE[kind], deadlineKind: kind, dueAt },
        dedupeKey: `reminder:${d.id}`,
      },
      now,
    );
    // settled meanwhile by another batch (its lease ran out): this one's notifications were
    // deduplicated, and the batch is run again with savepoints to drop them
    if (!(await this.repo.settle(tx, d.id, 'fired', now, `reminded ${sent} of ${people.length}`)))
      throw await this.settledMeanwhile(tx, d);
    return { outcome: 'fired', deadlineId: d.id };
  }

  private early(d: DeadlineEntity, now: Date): FireOutcome {
    return { outcome: 'early', deadlineId: d.id, dueAt: d.dueAt, waitMs: d.dueAt.getTime() - now.getTime() };
  }
}
