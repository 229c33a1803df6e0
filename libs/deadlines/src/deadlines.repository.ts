import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** One transaction over a batch of claimed rows, which `identity` answers without a read. */
  transactionOver<T>(rows: DeadlineEntity[], fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction((tx) => {
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
   * Inserts pending deadlines (a stage's deadline and its reminder), each unless its job id exists,
   * and, when `supersede` names a kind and a deadline of that kind was inserted, settles the case's
   * other pending deadlines of that kind as superseded: one statement (the UPDATE does not see the
   * rows the INSERT adds, so the new one is never among them). Answers the rows inserted.
   */
  async insertPending(
    tx: EntityManager,
    rows: NewDeadline[],
    supersede: { caseId: string; kind: string; at: Date; outcome: string } | null,
  ): Promise<{ id: string; jobId: string; dueAt: Date }[]> {
    if (!rows.length) return [];
    const inserted: { id: string; job_id: string; due_at: Date }[] = await tx.query(
      `WITH ins AS (
         INSERT INTO deadlines (case_id, kind, purpose, stage_seq, revision, due_at, job_id, created_at, status)
         SELECT v.case_id, v.kind, v.purpose, v.stage_seq, v.revision, v.due_at, v.job_id, v.created_at, 'pending'
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::int[], $6::timestamptz[], $7::text[],
                       $8::timestamptz[]) AS v(case_id, kind, purpose, stage_seq, revision, due_at, job_id, created_at)
         ON CONFLICT (job_id) DO NOTHING
         RETURNING id, kind, job_id, due_at),
       superseded AS (
         UPDATE deadlines d SET status = 'superseded', settled_at = $10, outcome = $11, claimed_until = NULL
          WHERE $9::uuid IS NOT NULL AND d.case_id = $9 AND d.status = 'pending' AND d.kind = $12
            AND EXISTS (SELECT 1 FROM ins WHERE ins.kind = $12))
       SELECT id, job_id, due_at FROM ins`,
      [
        rows.map((d) => d.caseId),
        rows.map((d) => d.kind),
        rows.map((d) => d.purpose),
        rows.map((d) => d.stageSeq),
        rows.map((d) => d.revision),
        rows.map((d) => d.dueAt),
        rows.map((d) => d.jobId),
        rows.map((d) => d.createdAt),
        supersede?.caseId ?? null,
        supersede?.at ?? null,
        supersede?.outcome.slice(0, 500) ?? null,
        supersede?.kind ?? null,
      ],
    );
    return inserted.map((r) => ({ id: r.id, jobId: r.job_id, dueAt: r.due_at }));
  }

  /** One transaction on a pool connection (a batch of closes). */
  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  find(id: string, tx: EntityManager = this.ds.manager): Promise<DeadlineEntity | null> {
    return tx.findOneBy(DeadlineEntity, { id });
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

  /** Settles the pending deadlines of a case, of these kinds (all kinds when null). Raw SQL: once per close. */
  async settlePendingOfCase(
    tx: EntityManager,
    caseId: string,
    kinds: string[] | null,
    status: 'cancelled' | 'superseded',
    at: Date,
    outcome: string,
    exceptIds: string[] = [],
  ): Promise<number> {
    // TypeORM answers an UPDATE with [rows, rowCount]
    const [, affected]: [unknown[], number] = await tx.query(
      `UPDATE deadlines SET status = $2, settled_at = $3, outcome = $4, claimed_until = NULL
        WHERE case_id = $1 AND status = 'pending' AND ($5::text[] IS NULL OR kind = ANY($5::text[]))
          AND NOT (id = ANY($6::uuid[]))`,
      [caseId, status, at, outcome.slice(0, 500), kinds, exceptIds],
    );
    return affected;
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

  /** Pending deadlines not yet due, in (dueAt, id) order after a key. */
  pendingFuture(
    now: Date,
    limit: number,
    after: { dueAt: Date; id: string } | null,
  ): Promise<Pick<DeadlineEntity, 'id' | 'caseId' | 'kind' | 'jobId' | 'dueAt'>[]> {
    const qb = this.ds
      .getRepository(DeadlineEntity)
      .createQueryBuilder('d')
      .select(['d.id', 'd.caseId', 'd.kind', 'd.jobId', 'd.dueAt'])
      .where(`d.status = 'pending' AND d.due_at > :now`, { now })
      .orderBy('d.due_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit);
    if (after) qb.andWhere('(d.due_at, d.id) > (:t, :id)', { t: after.dueAt, id: after.id });
    return qb.getMany();
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

  /** The earliest pending stage deadline (not a reminder) of each case. */
  /** One escalation per deadline (a second firing of the same deadline cannot add another). */
  async insertEscalation(tx: EntityManager, e: Omit<EscalationEntity, 'id'>): Promise<void> {
    await tx.createQueryBuilder().insert().into(EscalationEntity).values(e).orIgnore().execute();
  }

  escalationsOf(caseId: string, tx: EntityManager = this.ds.manager): Promise<EscalationEntity[]> {
    return tx.find(EscalationEntity, { where: { caseId }, order: { breachedAt: 'ASC' } });
  }
}
