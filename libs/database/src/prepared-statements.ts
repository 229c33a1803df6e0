import { createHash } from 'node:crypto';
import { Client, QueryResult } from 'pg';
import { DataSource, QueryFailedError, QueryRunner } from 'typeorm';

/**
 * A pg Client that sends parameterised statements as named (server-side prepared) statements, so
 * PostgreSQL parses each statement text once per connection and can reuse its plan, instead of
 * parsing and planning it on every execution as it does for node-postgres's unnamed statements.
 *
 * Why: `pg_stat_statements` (with `track_planning`) during the bench's P1 showed PostgreSQL
 * planning the app's statements for about as long as it executed them: 3.3 ms of planning per
 * write; the case list page took 4.2 ms to plan against 0.5 ms to run, and each write path CTE
 * about 1 ms to plan (docs/performance.md, fourth pass).
 *
 * - Only statements with parameters are named: a statement without them goes as a simple query
 *   (which may hold several commands, as migrations send).
 * - At most `maxPerConnection` names per connection: a statement text seen after that goes
 *   unnamed, so texts built with a varying number of parameters (`IN (...)` lists) cannot grow
 *   the server's memory without bound.
 * - The name is a digest of the text, so the same text always has the same name and a name never
 *   stands for two texts (node-postgres refuses that).
 * - PostgreSQL chooses between a custom and a generic plan for each execution (`plan_cache_mode`).
 * - Behind a pooler in transaction mode (pgbouncer before 1.21), where a session's statements may
 *   run on another server connection, set DATABASE_PREPARED_STATEMENTS=0. Three hot reads name
 *   their statements themselves and stay named then (the case view, the OCDS release read, the
 *   tender-close bids read: `queryCaseView`, `preparedQuery`).
 */
export function preparingClient(maxPerConnection: number): typeof Client {
  class PreparingClient extends Client {
    private readonly named = new Set<string>();

    constructor(...args: ConstructorParameters<typeof Client>) {
      super(...args);
      // A connection the server ends (a restart: 57P01) reports it as an 'error' event, and an
      // EventEmitter's 'error' with no listener throws and ends the process. The pool listens
      // while the client is idle, TypeORM while a query runner holds it; one such event arrived
      // with neither (test/e2e/faults-postgres-restart, once in many runs). The client is
      // unusable from then on whoever hears it, and the pool drops it when it is released.
      this.on('error', () => undefined);
    }

    // node-postgres's own overloads: (text | config, values?, callback?)
    override query(...args: unknown[]): never {
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && text.length <= MAX_NAMED_TEXT) {
        const name = statementName(text);
        if (this.named.has(name) || this.named.size < maxPerConnection) {
          this.named.add(name);
          args = [{ name, text, values }, ...(typeof callback === 'function' ? [callback] : [])];
        }
      }
      return (Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
    }
  }
  return PreparingClient;
}

/**
 * Longer texts go unnamed: a text that long is built (a flush of many deferred writes, a long
 * list), rarely repeats, and kept per connection (its digest kept here) would cost more memory
 * than planning it again saves. A trial that sent a batch's 50 tender closes' deferred writes as
 * one statement (110 kB, 300 CTEs) spent 29 ms planning each, more than the round trips it saved.
 * The longest statement the app repeats is about 4 kB (the case view).
 */
const MAX_NAMED_TEXT = 16_384;

/** Digests of the statement texts seen (bounded: past the bound a digest is computed each time). */
const DIGESTS = new Map<string, string>();
const DIGESTS_MAX = 4096;

/** A statement text's SHA-1 in hex, remembered per text (a 4 kB text costs a hash per call otherwise). */
export function textDigest(text: string): string {
  let digest = DIGESTS.get(text);
  if (digest === undefined) {
    digest = createHash('sha1').update(text).digest('hex');
    if (DIGESTS.size < DIGESTS_MAX) DIGESTS.set(text, digest);
  }
  return digest;
}

/** `mb_` and the text's SHA-1 in hex: 43 characters, under PostgreSQL's 63 for a name. */
export function statementName(text: string): string {
  return 'mb_' + textDigest(text);
}

/**
 * A read under a plan cache mode of its own: `generic`, planned once per connection; `custom`,
 * planned for its values at every call. The statement runs in a read-only transaction of its own
 * sent with it in one round trip (`BEGIN READ ONLY; SET LOCAL plan_cache_mode = ...`, the
 * statement, `COMMIT`), so the setting ends with it.
 *
 * PostgreSQL builds a custom plan for a prepared statement's first five executions, then keeps
 * the generic one only if its estimated cost is not higher, and guesses wrong both ways:
 * - `generic`, for statements whose plan does not depend on their values that it would plan at
 *   every call. The estimates of a generic plan use average selectivities (a person's cases, a
 *   consortium's, a range around a consortium id), and for the case list they came out at twice
 *   the custom plans' cost, so each page was planned again at every request: 0.46-0.76 ms of
 *   planning against 0.09-0.19 ms of execution, 1.7 ms for awaiting=me (`pg_stat_statements`
 *   with `track_planning` on the bench's P3 data). The generic plan is the same index walk and
 *   executes as fast.
 * - `custom`, for statements whose best plan depends on their values, which it may settle on a
 *   generic plan for: a words search (its words may match a few cases or thousands), whose
 *   generic plan read 36 ms where a plan made for its words reads under 1 ms.
 * (docs/performance.md, eleventh pass.)
 */
export async function readWithPlan<T>(
  ds: DataSource,
  plan: 'generic' | 'custom',
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const runner = ds.createQueryRunner();
  // a pool checkout as any read's (its wait bounded by the pool's timeout: 503 OVERLOADED)
  await runner.connect();
  try {
    const client = (runner as QueryRunner & { databaseConnection: Client }).databaseConnection;
    // all three on the wire before the first answer is awaited (the pool's clients pipeline)
    const [begin, read, commit] = await Promise.allSettled([
      client.query(`BEGIN READ ONLY; SET LOCAL plan_cache_mode = ${PLAN_CACHE_MODE[plan]}`),
      client.query(sql, params),
      client.query('COMMIT'),
    ]);
    for (const r of [read, begin, commit])
      if (r.status === 'rejected') {
        const e: unknown = r.reason;
        throw e instanceof Error ? new QueryFailedError(sql, params, e) : e;
      }
    return (read as PromiseFulfilledResult<QueryResult>).value.rows as T[];
  } finally {
    await runner.release();
  }
}

const PLAN_CACHE_MODE = { generic: 'force_generic_plan', custom: 'force_custom_plan' } as const;
