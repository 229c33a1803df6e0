import type { EntityManager, QueryRunner } from 'typeorm';

/** One data-modifying statement (INSERT, UPDATE or DELETE, no WITH of its own), numbered from $1. */
export interface DeferredWrite {
  sql: string;
  params: unknown[];
}

/** PostgreSQL takes at most 65,535 parameters per statement; a flush larger than this is split. */
const MAX_PARAMS = 30000;

/** A deferred write whose parameters are read when it is sent (so a later change in hand rides with it). */
interface HeldWrite {
  sql: string;
  params: unknown[] | (() => unknown[]);
  key?: string;
}

interface Buffer {
  writes: HeldWrite[];
  params: number;
  /** a flush under way: every statement of the transaction waits for it, so order is kept */
  flushing: Promise<unknown> | null;
  /** the query runner's own `query` */
  send: QueryRunner['query'];
}

const buffers = new WeakMap<QueryRunner, Buffer>();

/**
 * Writes that the transaction's own code never needs an answer from (outbox rows, feed items, the
 * snapshot and its audit row, a declaration) wait in the transaction and reach PostgreSQL together,
 * as ONE statement of data-modifying CTEs, right before the next statement the transaction sends
 * (a read, a write that returns something, the COMMIT): one round trip where there were several.
 * On this 2-core machine a round trip is the largest share of a case event's CPU (a socket write
 * that also wakes PostgreSQL).
 *
 * What keeps it honest:
 * - every statement sent on the transaction (TypeORM's own included, COMMIT, SAVEPOINT, RELEASE)
 *   first sends what is waiting, so anything the transaction reads sees every earlier write;
 *   ROLLBACK (and ROLLBACK TO SAVEPOINT) drops it;
 * - the writes of one flush run on one snapshot: a deferred write must not depend on the rows an
 *   earlier deferred write of the same flush changes (nor change the same row). The callers defer
 *   only writes of that kind: pure inserts, and updates of rows no other deferred write touches;
 *   a row that more than one change moves before the flush (a case's audit head) is ONE write whose
 *   parameters are read when it is sent, found again by its `key` (`pending`);
 * - a deferred write that fails fails the flush, i.e. the statement that triggered it (at the
 *   latest the COMMIT): the transaction rolls back and nothing of it is kept. So only writes whose
 *   failure is not expected (no unique violation a caller turns into a 409) are deferred.
 *
 * Only transactions that `open` it defer (the case engine's); elsewhere `write` runs at once.
 */
export const DeferredWrites = {
  /** Lets `write` defer on this transaction from now on (idempotent). */
  open(tx: EntityManager): void {
    const qr = tx.queryRunner;
    if (!qr || buffers.has(qr)) return;
    const send = qr.query.bind(qr) as QueryRunner['query'];
    const buffer: Buffer = { writes: [], params: 0, flushing: null, send };
    buffers.set(qr, buffer);
    qr.query = (async (query: string, parameters?: unknown[], structured?: boolean) => {
      if (/^\s*ROLLBACK\b/i.test(query)) DeferredWrites.discard(tx);
      else await flushNow(buffer);
      return send(query, parameters, structured as never);
    }) as QueryRunner['query'];
  },

  /**
   * The write, deferred when the transaction is open for it, else sent now. `params` may be a
   * function: it is called when the write is sent, so it sends the state in hand at that moment
   * (always the same number of parameters). `key` names the write while it waits (`pending`).
   */
  async write(tx: EntityManager, sql: string, params: unknown[] | (() => unknown[]), key?: string): Promise<void> {
    const buffer = tx.queryRunner ? buffers.get(tx.queryRunner) : undefined;
    if (!buffer) {
      await tx.query(sql, typeof params === 'function' ? params() : params);
      return;
    }
    buffer.writes.push({ sql, params, key });
    buffer.params += (typeof params === 'function' ? params() : params).length;
    if (buffer.params > MAX_PARAMS) await DeferredWrites.flush(tx);
  },

  /** Whether the write named `key` still waits in the transaction (not sent yet). */
  pending(tx: EntityManager, key: string): boolean {
    const buffer = tx.queryRunner ? buffers.get(tx.queryRunner) : undefined;
    return !!buffer?.writes.some((w) => w.key === key);
  },

  /** Sends what is waiting now (a command's end, so a failure is its own). */
  async flush(tx: EntityManager): Promise<void> {
    const buffer = tx.queryRunner ? buffers.get(tx.queryRunner) : undefined;
    if (buffer) await flushNow(buffer);
  },

  /** Drops what is waiting (the command failed; the caller rolls back to before it). */
  discard(tx: EntityManager): void {
    const buffer = tx.queryRunner ? buffers.get(tx.queryRunner) : undefined;
    if (buffer) {
      buffer.writes = [];
      buffer.params = 0;
    }
  },
};

async function flushNow(buffer: Buffer): Promise<void> {
  while (buffer.flushing) await buffer.flushing.catch(() => undefined);
  if (!buffer.writes.length) return;
  const { sql, params } = combine(
    buffer.writes.map((w) => ({ sql: w.sql, params: typeof w.params === 'function' ? w.params() : w.params })),
  );
  buffer.writes = [];
  buffer.params = 0;
  const sent = buffer.send(sql, params);
  buffer.flushing = sent;
  try {
    await sent;
  } finally {
    buffer.flushing = null;
  }
}

/** `WITH w1 AS (a), w2 AS (b) c`: the writes as one statement, their parameters renumbered in order. */
export function combine(writes: DeferredWrite[]): DeferredWrite {
  if (writes.length === 1) return writes[0];
  const params: unknown[] = [];
  const parts = writes.map((w) => {
    const offset = params.length;
    params.push(...w.params);
    return offset ? w.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`) : w.sql;
  });
  const last = parts.pop()!;
  return { sql: `WITH ${parts.map((p, i) => `w${i + 1} AS (${p})`).join(', ')} ${last}`, params };
}

/** The node-postgres client under a transaction's query runner (what TypeORM's runner sends through). */
interface PgClient {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A statement on the transaction's own connection, as a named prepared statement: PostgreSQL plans
 * it once per connection instead of at every call (for the tender close's and the OCDS release's
 * reads planning cost several times their execution). Outside a transaction's runner, an ordinary
 * query. Sent past TypeORM's runner, so the transaction's deferred writes are flushed first, as the
 * runner would.
 */
export async function preparedQuery<T>(tx: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const runner = tx.queryRunner as (typeof tx.queryRunner & { databaseConnection?: PgClient }) | undefined;
  const client = runner && !runner.isReleased ? runner.databaseConnection : undefined;
  if (!client) return tx.query(text, values);
  // what the transaction holds back (the engine's deferred writes) goes first, as before any statement
  await DeferredWrites.flush(tx);
  return (await client.query({ name, text, values })).rows as T[];
}
