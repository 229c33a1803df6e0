import { QueryFailedError } from 'typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

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
  /** a statement of its own (`writeApart`) */
  apart?: boolean;
}

/** The node-postgres client under a transaction's query runner (what TypeORM's runner sends through). */
interface PgClient {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
  /** node-postgres's pipeline mode (the pool's clients are made with it, DatabaseModule) */
  pipeline?: boolean;
  connection?: { stream?: { cork?: () => void; uncork?: () => void } };
}

interface Buffer {
  /** the writes of the command under way */
  writes: HeldWrite[];
  params: number;
  /** commands that ended in a batch (`batch`), one statement each, waiting to go in order */
  ended: DeferredWrite[];
  /** a batch: a command's end keeps its writes (one statement) for the next statement to take along */
  batch: boolean;
  /**
   * The transaction's BEGIN (`transaction`): `expected` until the runner sends its START
   * TRANSACTION, then `held` in `ended` (nothing of the transaction has reached PostgreSQL) until
   * the first statement takes it along; `sent` otherwise.
   */
  begin: 'expected' | 'held' | 'sent';
  /** statements made at each send from what is in hand then, sent after everything else (`trail`) */
  trailing: Map<string, () => DeferredWrite | null>;
  /** a flush under way: every statement of the transaction waits for it, so order is kept */
  flushing: Promise<unknown> | null;
  /** the query runner's own `query` */
  send: QueryRunner['query'];
  runner: QueryRunner;
}

const buffers = new WeakMap<QueryRunner, Buffer>();
const bufferOf = (tx: EntityManager): Buffer | undefined => (tx.queryRunner ? buffers.get(tx.queryRunner) : undefined);

/**
 * Writes that the transaction's own code never needs an answer from (outbox rows, feed items, the
 * snapshot and its audit row, a declaration) wait in the transaction and reach PostgreSQL together,
 * as ONE statement of data-modifying CTEs, pipelined in front of the next statement the
 * transaction sends (a read, a write that returns something, the COMMIT): both go in one socket
 * write and cost one round trip where there were several. On this 2-core machine a round trip is
 * the largest share of a case event's CPU (a socket write that also wakes PostgreSQL: `writev` was
 * a fifth of the worker's CPU in a deadline storm, docs/performance.md).
 *
 * A batch of commands in one transaction (`batch`: the deadline closes) keeps each command's
 * writes as its own statement at the command's end (one text per kind of command, so PostgreSQL
 * plans it once per connection) and sends them all, in order, at the batch's next statement: one
 * round trip for the batch instead of one per command. (One statement for the whole batch was
 * tried: 110 kB of 300 CTEs planned for 29 ms.)
 *
 * What keeps it honest:
 * - every statement sent on the transaction (TypeORM's own included, COMMIT, SAVEPOINT, RELEASE)
 *   first sends what is waiting, so anything the transaction reads sees every earlier write;
 *   PostgreSQL runs pipelined statements in the order they were sent. ROLLBACK (and ROLLBACK TO
 *   SAVEPOINT) drops it;
 * - the writes of one statement run on one snapshot: a deferred write must not depend on the rows
 *   an earlier deferred write of the same command changes (nor change the same row). The callers
 *   defer only writes of that kind: pure inserts, and updates of rows no other deferred write
 *   touches; a row that more than one change moves before the flush (a case's audit head) is ONE
 *   write whose parameters are read when it is sent, found again by its `key` (`pending`);
 * - a deferred write that fails fails the statement that took it along (at the latest the COMMIT,
 *   which PostgreSQL then answers by rolling back): that statement throws the write's error, the
 *   transaction rolls back and nothing of it is kept. So only writes whose failure is not expected
 *   (no unique violation a caller turns into a 409) are deferred.
 *
 * Only transactions that `open` it defer (the case engine's); elsewhere `write` runs at once.
 */
export const DeferredWrites = {
  /** Lets `write` defer on this transaction from now on (idempotent). */
  open(tx: EntityManager): void {
    const qr = tx.queryRunner;
    if (!qr || buffers.has(qr)) return;
    const send = qr.query.bind(qr) as QueryRunner['query'];
    const buffer: Buffer = {
      writes: [],
      params: 0,
      ended: [],
      batch: false,
      begin: 'sent',
      trailing: new Map(),
      flushing: null,
      send,
      runner: qr,
    };
    buffers.set(qr, buffer);
    qr.query = (async (query: string, parameters?: unknown[], structured?: boolean) => {
      if (/^\s*ROLLBACK\b/i.test(query)) {
        const unsent = buffer.begin === 'held';
        drop(buffer);
        // a transaction that never reached PostgreSQL has nothing to roll back
        if (unsent) return [];
        return send(query, parameters, structured as never);
      }
      if (buffer.begin === 'expected' && /^START TRANSACTION$/.test(query)) {
        buffer.ended.push({ sql: query, params: [] });
        buffer.begin = 'held';
        return [];
      }
      return flushNow(buffer, () => send(query, parameters, structured as never));
    }) as QueryRunner['query'];
  },

  /**
   * `ds.transaction(fn)`, open for deferred writes from its start, with its BEGIN held back too:
   * it goes on the socket with the transaction's first statement (one round trip for both), and a
   * transaction that sends nothing before it fails is never begun.
   */
  async transaction<T>(ds: DataSource, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    const qr = ds.createQueryRunner();
    try {
      // the pool connection first: the held BEGIN is pipelined on the transaction's own client
      await qr.connect();
      DeferredWrites.open(qr.manager);
      buffers.get(qr)!.begin = 'expected';
      return await qr.manager.transaction(fn);
    } finally {
      await qr.release();
    }
  },

  /**
   * Makes the transaction a batch of commands (opening it): from now on a command's end (`end`)
   * keeps its writes for the next statement instead of sending them. For a caller that voids the
   * whole transaction when one command fails after it wrote (the deadline batch without savepoints).
   */
  batch(tx: EntityManager): void {
    DeferredWrites.open(tx);
    const buffer = bufferOf(tx);
    if (buffer) buffer.batch = true;
  },

  /**
   * The write, deferred when the transaction is open for it, else sent now. `params` may be a
   * function: it is called when the write is sent, so it sends the state in hand at that moment
   * (always the same number of parameters). `key` names the write while it waits (`pending`).
   */
  async write(tx: EntityManager, sql: string, params: unknown[] | (() => unknown[]), key?: string): Promise<void> {
    const buffer = bufferOf(tx);
    if (!buffer) {
      await tx.query(sql, typeof params === 'function' ? params() : params);
      return;
    }
    buffer.writes.push({ sql, params, key });
    buffer.params += (typeof params === 'function' ? params() : params).length;
    if (buffer.params > MAX_PARAMS) await DeferredWrites.flush(tx);
  },

  /**
   * A write of the command that must be a statement of its own, run after the command's writes
   * before it and before those after it: the parts of one statement share one snapshot, and run in
   * no set order, so a write that a later one depends on (an UPDATE that a later INSERT's unique
   * index must see) cannot be a part of theirs. It still waits with them and goes pipelined with
   * them (no round trip of its own); a discard or ROLLBACK drops it with the command.
   */
  async writeApart(tx: EntityManager, sql: string, params: unknown[]): Promise<void> {
    const buffer = bufferOf(tx);
    if (!buffer) {
      await tx.query(sql, params);
      return;
    }
    buffer.writes.push({ sql, params, apart: true });
    buffer.params += params.length;
    if (buffer.params > MAX_PARAMS) await DeferredWrites.flush(tx);
  },

  /** Whether the write named `key` still waits in the command under way (not sent, not ended). */
  pending(tx: EntityManager, key: string): boolean {
    const buffer = bufferOf(tx);
    return !!buffer?.writes.some((w) => w.key === key);
  },

  /**
   * A command's end. In a batch its writes become one statement of their own (parameters read
   * now) for the batch's next statement. Otherwise they wait for the transaction's next statement,
   * which for a command is the COMMIT of its own transaction or the RELEASE of its savepoint: a
   * failure is still the command's, and costs no round trip of its own.
   */
  end(tx: EntityManager): void {
    const buffer = bufferOf(tx);
    if (!buffer?.batch) return;
    buffer.ended.push(...takeCommand(buffer));
  },

  /** Sends what is waiting now (every ended command and the one under way, pipelined). */
  async flush(tx: EntityManager): Promise<void> {
    const buffer = bufferOf(tx);
    if (buffer) await flushNow(buffer);
  },

  /**
   * Drops what the command under way holds (it failed; the caller rolls back to before it, or
   * voids the batch). Commands that ended before it keep theirs.
   */
  discard(tx: EntityManager): void {
    const buffer = bufferOf(tx);
    if (buffer) clearCommand(buffer);
  },

  /**
   * A statement that must see every write sent before it (derived rows rebuilt from them: whom a
   * case waits on): `make` is called at each send of what is waiting and its statement, if any,
   * goes last, on its own, so it runs after every write of the commands before it. One `make` per
   * `key` per transaction (a later one replaces it); it gathers what it needs between sends.
   * ROLLBACK calls it and drops its statement. False when the transaction does not defer (the
   * caller sends its statement itself).
   */
  trail(tx: EntityManager, key: string, make: () => DeferredWrite | null): boolean {
    const buffer = bufferOf(tx);
    if (!buffer) return false;
    buffer.trailing.set(key, make);
    return true;
  },

  /**
   * Runs `fn` (a statement sent past TypeORM's runner, on the transaction's own client) after
   * what is waiting, pipelined with it when the client pipelines: as TypeORM's runner would.
   */
  after<T>(tx: EntityManager, fn: () => Promise<T>): Promise<T> {
    const buffer = bufferOf(tx);
    return buffer ? flushNow(buffer, fn) : fn();
  },
};

function clearCommand(buffer: Buffer): void {
  buffer.writes = [];
  buffer.params = 0;
}

function drop(buffer: Buffer): void {
  clearCommand(buffer);
  buffer.ended = [];
  if (buffer.begin === 'held') buffer.begin = 'sent';
  for (const make of buffer.trailing.values()) make();
}

/** The trailing statements of this send (each `make` hands over what it gathered). */
function trailingOf(buffer: Buffer): DeferredWrite[] {
  const out: DeferredWrite[] = [];
  for (const make of buffer.trailing.values()) {
    const s = make();
    if (s) out.push(s);
  }
  return out;
}

/**
 * The command under way as statements (their parameters read now): one for its writes, or, around
 * a write apart, one for those before it, the write itself and one for those after. None when it
 * wrote nothing.
 */
function takeCommand(buffer: Buffer): DeferredWrite[] {
  const out: DeferredWrite[] = [];
  let run: DeferredWrite[] = [];
  const close = () => {
    if (run.length) out.push(combine(run));
    run = [];
  };
  for (const w of buffer.writes) {
    const write = { sql: w.sql, params: typeof w.params === 'function' ? w.params() : w.params };
    if (!w.apart) {
      run.push(write);
      continue;
    }
    close();
    out.push(write);
  }
  close();
  clearCommand(buffer);
  return out;
}

/**
 * Sends what is waiting, then `next` (the statement that needs it sent) without waiting for the
 * answers in between when the client pipelines (one socket write for all of them). A waiting
 * write's failure is what `next` throws: `next` ran in an aborted transaction and means nothing.
 */
async function flushNow<T>(buffer: Buffer, next?: () => Promise<T>): Promise<T> {
  while (buffer.flushing) await buffer.flushing.catch(() => undefined);
  const statements = [...buffer.ended, ...takeCommand(buffer), ...trailingOf(buffer)];
  buffer.ended = [];
  if (buffer.begin === 'held') buffer.begin = 'sent';
  if (!statements.length) return (next ? next() : undefined) as T;
  const run = sendAll(buffer, statements, next);
  buffer.flushing = run;
  try {
    return await run;
  } finally {
    buffer.flushing = null;
  }
}

async function sendAll<T>(buffer: Buffer, statements: DeferredWrite[], next?: () => Promise<T>): Promise<T> {
  const client = clientOf(buffer.runner);
  const stream = client?.connection?.stream;
  if (!client?.pipeline || !stream?.cork || !stream.uncork) {
    // no pipeline: one round trip each, in order
    for (const s of statements) await buffer.send(s.sql, s.params);
    return (next ? next() : undefined) as T;
  }
  // pipelined: every statement is on the (corked) socket before the first answer is read; the
  // client answers each in order. `next` goes through TypeORM's runner (a few promise turns before
  // it reaches the client), so the socket is uncorked on the next turn of the event loop.
  stream.cork();
  const uncork = () => stream.uncork!();
  let sent: Promise<unknown>[];
  let after: Promise<T> | undefined;
  try {
    sent = sendEach(client, statements);
    after = next?.();
  } finally {
    if (next) setImmediate(uncork);
    else uncork();
  }
  const results = await Promise.allSettled(sent);
  const outcome = after ? await Promise.allSettled([after]) : [];
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (outcome.length && outcome[0].status === 'rejected') throw outcome[0].reason;
  return (outcome.length ? (outcome[0] as PromiseFulfilledResult<T>).value : undefined) as T;
}

/** Each statement given to the client now, in order; a failure is its own statement's QueryFailedError. */
function sendEach(client: PgClient, statements: DeferredWrite[]): Promise<{ rows: unknown[] }>[] {
  return statements.map((s) =>
    client.query(s.sql, s.params).catch((e: unknown) => {
      throw e instanceof Error && !(e instanceof QueryFailedError) ? new QueryFailedError(s.sql, s.params, e) : e;
    }),
  );
}

function clientOf(runner: QueryRunner): PgClient | undefined {
  const r = runner as QueryRunner & { databaseConnection?: PgClient };
  return !r.isReleased ? r.databaseConnection : undefined;
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

/**
 * Statements sent back to back on the transaction's own connection (after what is waiting, in the
 * same socket write when the client pipelines), answered in order: a read that must run after a
 * lock, on the lock's connection, costs no round trip of its own (PostgreSQL runs each after the
 * one before it has finished, so the read's snapshot is taken once the lock is held). A failed
 * statement throws its own error; the ones after it ran in an aborted transaction. Outside a
 * transaction's runner, one after the other.
 */
export async function queryInOrder(tx: EntityManager, statements: DeferredWrite[]): Promise<unknown[][]> {
  const client = tx.queryRunner ? clientOf(tx.queryRunner) : undefined;
  if (!client) {
    const out: unknown[][] = [];
    for (const s of statements) out.push(await tx.query(s.sql, s.params));
    return out;
  }
  return DeferredWrites.after(tx, async () => {
    // every statement reaches the client before the first answer is awaited
    const settled = await Promise.allSettled(sendEach(client, statements));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows);
  });
}

/**
 * A statement on the transaction's own connection, as a named prepared statement: PostgreSQL plans
 * it once per connection instead of at every call (for the tender close's and the OCDS release's
 * reads planning cost several times their execution). Outside a transaction's runner, an ordinary
 * query. Sent past TypeORM's runner, so the transaction's deferred writes go first, as the runner
 * would send them.
 */
export async function preparedQuery<T>(tx: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = tx.queryRunner ? clientOf(tx.queryRunner) : undefined;
  if (!client) return tx.query(text, values);
  // what the transaction holds back (the engine's deferred writes) goes first, as before any statement
  return DeferredWrites.after(tx, async () => (await client.query({ name, text, values })).rows as T[]);
}
