import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DeferredWrites } from '@makebuy/queue';
import { DeadlineEntity, DeadlinePurpose, DeadlineStatus, EscalationEntity } from './deadline.entity';

interface RawDeadline {
  id: string;
  case_id: string;
  kind: string;
  purpose: DeadlinePurpose;
  stage_seq: number;
  revision: number;
  due_at: Date;
  status: DeadlineStatus;
  job_id: string;
  created_at: Date;
  settled_at: Date | null;
  enqueued_at: Date | null;
  outcome: string | null;
  claimed_until: Date | null;
  attempts: number;
  last_error: string | null;
}

const fromRaw = (r: RawDeadline): DeadlineEntity =>
  Object.assign(new DeadlineEntity(), {
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    purpose: r.purpose,
    stageSeq: r.stage_seq,
    revision: r.revision,
    dueAt: r.due_at,
    status: r.status,
    jobId: r.job_id,
    createdAt: r.created_at,
    settledAt: r.settled_at,
    enqueuedAt: r.enqueued_at,
    outcome: r.outcome,
    claimedUntil: r.claimed_until,
    attempts: r.attempts,
    lastError: r.last_error,
  });

/** A deadline to insert with its `deadline.fire` job (the id is chosen here, so the job can name it). */
export interface ScheduledDeadline extends NewDeadline {
  id: string;
  /** the outbox row of its job, written only if the deadline is inserted */
  job: { topic: string; payload: Record<string, unknown> };
}

/** A newer schedule of `kind` replaces the case's older pending ones (once a deadline of the kind is inserted). */
export interface Supersede {
  caseId: string;
  kind: string;
  at: Date;
  outcome: string;
}

interface Cancel {
  caseId: string;
  kinds: string[] | null;
  at: Date;
  outcome: string;
}

/** The writes a batch of closes holds until its end, to make them in set form. */
interface HeldWrites {
  cancels: Cancel[];
  schedules: { rows: ScheduledDeadline[]; supersede: Supersede | null }[];
  escalations: Omit<EscalationEntity, 'id'>[];
  /** cases with a held write */
  cases: Set<string>;
}

export interface NewDeadline {
  caseId: string;
  kind: string;
  purpose: DeadlinePurpose;
  stageSeq: number;
  revision: number;
  dueAt: Date;
  jobId: string;
  createdAt: Date;
}

/** Queries on deadlines and escalations. No rules here: callers decide, this reads and writes. */
@Injectable()
export class DeadlinesRepository {
  /** The rows a batch of closes claimed, by its transaction (their identity fields never change). */
  private readonly claimedIn = new WeakMap<EntityManager, Map<string, DeadlineEntity>>();
  /** Writes held by a batch's transaction until `flushHeld` (only while the batch runs without savepoints). */
  private readonly held = new WeakMap<EntityManager, HeldWrites>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** One transaction over a batch of claimed rows, which `identity` answers without a read. */
  transactionOver<T>(rows: DeadlineEntity[], fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    // BEGIN rides with the batch's first statement (its locks)
    return DeferredWrites.transaction(this.ds, (tx) => {
      this.claimedIn.set(tx, new Map(rows.map((d) => [d.id, d])));
      return fn(tx);
    });
  }

  /**
   * A deadline's identity (id, case, kind, purpose, stage entry, revision, due instant: fixed when
   * it was scheduled), from the batch's claim when `tx` closes it, else read. Not its status.
   */
  async identity(id: string, tx: EntityManager): Promise<DeadlineEntity | null> {
    return this.claimedIn.get(tx)?.get(id) ?? this.find(id, tx);
  }

  /**
   * From now until `flushHeld`, the cancels, schedules and escalations written through `tx` are
   * held and then written together in set form (a batch of closes sharing one transaction). The
   * holder flushes before anything could read them: the next close of a case with a held write,
   * and the end of the batch.
   */
  holdWrites(tx: EntityManager): void {
    this.held.set(tx, { cancels: [], schedules: [], escalations: [], cases: new Set() });
  }

  /** Writes what `tx` holds (cancels first, then schedules, then escalations: the order a close makes them in). */
  async flushHeld(tx: EntityManager): Promise<void> {
    const h = this.held.get(tx);
    if (!h || !h.cases.size) return;
    this.held.set(tx, { cancels: [], schedules: [], escalations: [], cases: new Set() });
    if (h.cancels.length) await this.cancelPending(tx, h.cancels);
    if (h.schedules.length) await this.writeSchedules(tx, h.schedules);
    if (h.escalations.length) await this.writeEscalations(tx, h.escalations);
  }

  /**
   * Schedules pending deadlines (a stage's deadline and its reminder) with their jobs: each unless
   * its job id exists, its outbox row only if it was inserted, and, once a deadline of the
   * superseding kind is inserted, the case's other pending deadlines of that kind superseded (the
   * UPDATE does not see the rows the INSERT adds, so the new one is never among them). One
   * statement for any number of cases.
   */
  async schedule(tx: EntityManager, rows: ScheduledDeadline[], supersede: Supersede | null): Promise<void> {
    if (!rows.length) return;
    const h = this.held.get(tx);
    if (h) {
      // a cancel held for the case runs before this schedule at the flush: the order a close makes them in
      h.schedules.push({ rows, supersede });
      h.cases.add(rows[0].caseId);
      return;
    }
    await this.writeSchedules(tx, [{ rows, supersede }]);
  }

  private async writeSchedules(
    tx: EntityManager,
    schedules: { rows: ScheduledDeadline[]; supersede: Supersede | null }[],
  ): Promise<void> {
    const rows = schedules.flatMap((s) => s.rows);
    const sup = schedules.flatMap((s) => (s.supersede ? [s.supersede] : []));
    await tx.query(
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[],
                              $7::timestamptz[], $8::text[], $9::timestamptz[], $10::text[], $11::text[])
           AS v(id, case_id, kind, purpose, stage_seq, revision, due_at, job_id, created_at, topic, payload)),
       ins AS (
         INSERT INTO deadlines (id, case_id, kind, purpose, stage_seq, revision, due_at, job_id, created_at, status)
         SELECT id, case_id, kind, purpose, stage_seq, revision, due_at, job_id, created_at, 'pending' FROM v
         ON CONFLICT (job_id) DO NOTHING
         RETURNING id, case_id, kind),
       jobs AS (
         INSERT INTO outbox (case_id, topic, job_id, payload, delay_until)
         SELECT v.case_id, v.topic, v.job_id, v.payload::jsonb, v.due_at FROM v JOIN ins ON ins.id = v.id),
       s AS (
         SELECT * FROM unnest($12::uuid[], $13::text[], $14::timestamptz[], $15::text[]) AS s(case_id, kind, at, outcome))
       UPDATE deadlines d SET status = 'superseded', settled_at = s.at, outcome = s.outcome, claimed_until = NULL
         FROM s
        WHERE d.case_id = s.case_id AND d.kind = s.kind AND d.status = 'pending'
          AND EXISTS (SELECT 1 FROM ins WHERE ins.case_id = s.case_id AND ins.kind = s.kind)`,
      [
        rows.map((d) => d.id),
        rows.map((d) => d.caseId),
        rows.map((d) => d.kind),
        rows.map((d) => d.purpose),
        rows.map((d) => d.stageSeq),
        rows.map((d) => d.revision),
        rows.map((d) => d.dueAt),
        rows.map((d) => d.jobId),
        rows.map((d) => d.createdAt),
        rows.map((d) => d.job.topic),
        rows.map((d) => JSON.stringify(d.job.payload)),
        sup.map((x) => x.caseId),
        sup.map((x) => x.kind),
        sup.map((x) => x.at),
        sup.map((x) => x.outcome.slice(0, 500)),
      ],
    );
  }

  /** One transaction on a pool connection (a batch of closes). */
  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  /** One deadline by id. Raw SQL: a job that wakes for a deadline it has not seen settled reads it. */
  async find(id: string, tx: EntityManager = this.ds.manager): Promise<DeadlineEntity | null> {
    const rows: RawDeadline[] = await tx.query(`SELECT * FROM deadlines WHERE id = $1`, [id]);
    return rows.length ? fromRaw(rows[0]) : null;
  }

  /** pending -> fired | cancelled | superseded; a settled row never changes again. Raw SQL: once per close. */
  async settle(
    tx: EntityManager,
    id: string,
    status: Exclude<DeadlineStatus, 'pending'>,
    at: Date,
    outcome: string,
  ): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, rowCount]
    const [, affected]: [unknown[], number] = await tx.query(
      `UPDATE deadlines SET status = $2, settled_at = $3, outcome = $4, claimed_until = NULL
        WHERE id = $1 AND status = 'pending'`,
      [id, status, at, outcome.slice(0, 500)],
    );
    return affected > 0;
  }

  /**
   * The status of these deadlines, their rows locked for the rest of the transaction (a batch of
   * closes, once it holds their cases' locks): a pending one stays pending until `settleLocked`.
   */
  async lockStatuses(tx: EntityManager, ids: string[]): Promise<Map<string, DeadlineStatus>> {
    const rows: { id: string; status: DeadlineStatus }[] = await tx.query(
      `SELECT id, status FROM deadlines WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Settles a deadline `lockStatuses` found pending in this transaction (nothing else can settle it
   * meanwhile): deferred, it rides with the transaction's next statement (see DeferredWrites).
   */
  async settleLocked(
    tx: EntityManager,
    id: string,
    status: Exclude<DeadlineStatus, 'pending'>,
    at: Date,
    outcome: string,
  ): Promise<void> {
    await DeferredWrites.write(
      tx,
      `UPDATE deadlines SET status = $2, settled_at = $3, outcome = $4, claimed_until = NULL
        WHERE id = $1 AND status = 'pending'`,
      [id, status, at, outcome.slice(0, 500)],
    );
  }

  /** Cancels the pending deadlines of a case, of these kinds (all kinds when null): held while `tx` holds writes. */
  async cancelPendingOfCase(
    tx: EntityManager,
    caseId: string,
    kinds: string[] | null,
    at: Date,
    outcome: string,
  ): Promise<void> {
    const h = this.held.get(tx);
    if (h) {
      // a schedule of the case already held must not be cancelled by a cancel that came after it
      if (h.schedules.some((s) => s.rows[0].caseId === caseId)) await this.flushHeld(tx);
      const now = this.held.get(tx)!;
      now.cancels.push({ caseId, kinds, at, outcome });
      now.cases.add(caseId);
      return;
    }
    await this.cancelPending(tx, [{ caseId, kinds, at, outcome }]);
  }

  /** One statement for any number of cases' cancels; a cancel with null kinds cancels every kind. */
  private async cancelPending(tx: EntityManager, cancels: Cancel[]): Promise<void> {
    // one (case, kind) pair per line; a null kind: every kind of the case
    const lines = cancels.flatMap((c): (Cancel & { kind: string | null })[] =>
      c.kinds ? c.kinds.map((k) => ({ ...c, kind: k })) : [{ ...c, kind: null }],
    );
    if (!lines.length) return;
    await tx.query(
      `UPDATE deadlines d SET status = 'cancelled', settled_at = c.at, outcome = c.outcome, claimed_until = NULL
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS c(case_id, kind, at, outcome)
        WHERE d.case_id = c.case_id AND d.status = 'pending' AND (c.kind IS NULL OR d.kind = c.kind)`,
      [
        lines.map((c) => c.caseId),
        lines.map((c) => c.kind),
        lines.map((c) => c.at),
        lines.map((c) => c.outcome.slice(0, 500)),
      ],
    );
  }

  /** The transition deadline a reminder belongs to. */
  async parentOf(tx: EntityManager, reminder: DeadlineEntity, kind: string): Promise<DeadlineEntity | null> {
    // in the batch's claim when both fell due together (its due instant never changes)
    for (const d of this.claimedIn.get(tx)?.values() ?? [])
      if (
        d.caseId === reminder.caseId &&
        d.kind === kind &&
        d.purpose === 'transition' &&
        d.stageSeq === reminder.stageSeq &&
        d.revision === reminder.revision
      )
        return d;
    return tx.findOneBy(DeadlineEntity, {
      caseId: reminder.caseId,
      kind,
      purpose: 'transition',
      stageSeq: reminder.stageSeq,
      revision: reminder.revision,
    });
  }

  /** Records a failed attempt and holds the row back from the reconciler for `retryInMs`. */
  async recordFailure(id: string, message: string, retryAt: Date): Promise<void> {
    await this.ds
      .createQueryBuilder()
      .update(DeadlineEntity)
      .set({ attempts: () => 'attempts + 1', lastError: message.slice(0, 1000), claimedUntil: retryAt })
      .where('id = :id AND status = :pending', { id, pending: 'pending' })
      .execute();
  }

  /**
   * Claims a batch of due pending deadlines in one statement: rows another worker is claiming
   * right now are skipped (SKIP LOCKED), the oldest due first, and a claim lasts `leaseMs` (or
   * until the row settles), so several workers and jobs share the work. The claim commits on its
   * own: no row lock is held while the batch closes (closing takes the case locks first, then the
   * deadline rows, the one lock order). Answers the rows as the batch needs them.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<DeadlineEntity[]> {
    // TypeORM answers an UPDATE with [rows, rowCount]
    const [rows]: [RawDeadline[], number] = await this.ds.query(
      `UPDATE deadlines d SET claimed_until = $2
         FROM (SELECT id FROM deadlines
                WHERE status = 'pending' AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
                ORDER BY due_at, id
                LIMIT $3
                FOR UPDATE SKIP LOCKED) due
        WHERE d.id = due.id
        RETURNING d.*`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(fromRaw);
  }

  /**
   * After a batch: the deadlines it superseded and the ones that failed, in one statement (set
   * form, same transaction when there is one). A settled row never changes again; a failed one
   * keeps `pending`, counts the attempt and is held back from claims until its retry instant.
   */
  async settleBatch(
    tx: EntityManager,
    at: Date,
    superseded: { id: string; reason: string }[],
    failed: { id: string; error: string; retryAt: Date }[],
  ): Promise<void> {
    if (superseded.length) {
      await tx.query(
        `UPDATE deadlines d SET status = 'superseded', settled_at = $1, outcome = v.outcome, claimed_until = NULL
           FROM unnest($2::uuid[], $3::text[]) AS v(id, outcome)
          WHERE d.id = v.id AND d.status = 'pending'`,
        [at, superseded.map((s) => s.id), superseded.map((s) => s.reason.slice(0, 500))],
      );
    }
    if (failed.length) {
      await tx.query(
        `UPDATE deadlines d SET attempts = d.attempts + 1, last_error = v.error, claimed_until = v.retry_at
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS v(id, error, retry_at)
          WHERE d.id = v.id AND d.status = 'pending'`,
        [failed.map((f) => f.id), failed.map((f) => f.error.slice(0, 1000)), failed.map((f) => f.retryAt)],
      );
    }
  }

  /**
   * A page of the pending deadlines not yet due, in (due_at, id) order after `after`: the
   * reconciler's pass over every one of them. Plain rows, no entity hydration (a pass reads them all).
   */
  async pendingFuture(
    now: Date,
    limit: number,
    after: { dueAt: Date; id: string } | null,
  ): Promise<Pick<DeadlineEntity, 'id' | 'caseId' | 'kind' | 'jobId' | 'dueAt'>[]> {
    const rows: { id: string; case_id: string; kind: string; job_id: string; due_at: Date }[] = await this.ds.query(
      `SELECT id, case_id, kind, job_id, due_at FROM deadlines
        WHERE status = 'pending' AND due_at > $1 ${after ? 'AND (due_at, id) > ($3, $4)' : ''}
        ORDER BY due_at, id
        LIMIT $2`,
      after ? [now, limit, after.dueAt, after.id] : [now, limit],
    );
    return rows.map((r) => ({ id: r.id, caseId: r.case_id, kind: r.kind, jobId: r.job_id, dueAt: r.due_at }));
  }

  async markEnqueued(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.ds
      .createQueryBuilder()
      .update(DeadlineEntity)
      .set({ enqueuedAt: at })
      .where('id IN (:...ids)', { ids })
      .execute();
  }

  forCase(caseId: string, tx: EntityManager = this.ds.manager): Promise<DeadlineEntity[]> {
    return tx.find(DeadlineEntity, { where: { caseId }, order: { dueAt: 'ASC', createdAt: 'ASC' } });
  }

  /** One escalation per deadline (a second firing of the same deadline cannot add another); held while `tx` holds writes. */
  async insertEscalation(tx: EntityManager, e: Omit<EscalationEntity, 'id'>): Promise<void> {
    const h = this.held.get(tx);
    if (h) {
      h.escalations.push(e);
      h.cases.add(e.caseId);
      return;
    }
    await this.writeEscalations(tx, [e]);
  }

  private async writeEscalations(tx: EntityManager, rows: Omit<EscalationEntity, 'id'>[]): Promise<void> {
    await tx.query(
      `INSERT INTO escalations (case_id, deadline_id, stage, due_at, breached_at, escalated_to)
       SELECT case_id, deadline_id, stage, due_at, breached_at, ARRAY(SELECT jsonb_array_elements_text(escalated_to::jsonb))::uuid[]
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[])
           AS v(case_id, deadline_id, stage, due_at, breached_at, escalated_to)
       ON CONFLICT (deadline_id) DO NOTHING`,
      [
        rows.map((e) => e.caseId),
        rows.map((e) => e.deadlineId),
        rows.map((e) => e.stage),
        rows.map((e) => e.dueAt),
        rows.map((e) => e.breachedAt),
        rows.map((e) => JSON.stringify(e.escalatedTo)),
      ],
    );
  }

  escalationsOf(caseId: string, tx: EntityManager = this.ds.manager): Promise<EscalationEntity[]> {
    return tx.find(EscalationEntity, { where: { caseId }, order: { breachedAt: 'ASC' } });
  }
}
