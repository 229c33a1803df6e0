import type { ClientBase } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { textDigest } from '@makebuy/database';
import type { CaseEntity } from './case.entities';

/**
 * The case view (GET /cases/{id}, and the body a case write answers with) is read in ONE
 * statement: each part of the view declares what it reads as a SQL expression returning json, and
 * the case workflow puts them side by side in one SELECT. An expression reads the case through the
 * alias `c` (columns `id`, `consortium_id`, `state`, `context`): the case row itself for GET, the
 * row in hand for a write's answer. Values go in as parameters through `bind`, never into the text.
 */
export interface CaseViewSql {
  /**
   * The row in hand when the statement answers a write (a part may leave out what this row cannot
   * show, e.g. bids before a tender); null when the statement reads the row itself (GET).
   */
  readonly row: CaseEntity | null;
  /** Binds a value as a parameter of the statement; returns its placeholder (`$n`). */
  bind(value: unknown): string;
}

/** The view's reads, one json column each (`{ part: expression }`). */
export type CaseViewReads = Record<string, string>;

/**
 * An instant as the API shows it (`Date.toISOString()`: UTC, milliseconds), in SQL. node-postgres
 * keeps the milliseconds of a `timestamptz` and drops the microseconds, as `MS` does, so this is
 * the string the hydrated `Date` would have given.
 */
export const isoSql = (expr: string): string => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** `json_agg(item)` of a query's rows, `[]` when there are none. `rest`: FROM, WHERE... of the query. */
export const jsonListSql = (item: string, rest: string): string =>
  `coalesce((SELECT json_agg(${item}) ${rest}), '[]'::json)`;

/** One statement's parameters: the fixed ones first (`$1`...), then whatever the parts bind. */
export class CaseViewStatement implements CaseViewSql {
  readonly params: unknown[];

  constructor(
    readonly row: CaseEntity | null,
    fixed: unknown[],
  ) {
    this.params = [...fixed];
  }

  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The select list: each read as a column named after its part. */
  static columns(reads: CaseViewReads): string {
    return Object.entries(reads)
      .map(([name, sql]) => `${sql} AS "${name}"`)
      .join(',\n  ');
  }
}

/**
 * Runs a case view statement as a named prepared statement on the connection of `tx` (or on one
 * pool connection taken for it). PostgreSQL then plans it once per connection: planning its
 * twenty-odd subqueries costs about as much as running them, on every read. The name is derived
 * from the text (its digest, remembered per text: hashing the 4 kB text on every read was 1.3% of
 * the API's CPU under GET /cases/{id}), so each shape of the statement (GET, a write's answer...)
 * is prepared once; its prefix keeps it apart from the pool's own `mb_` names, which
 * DATABASE_PREPARED_STATEMENTS bounds (and 0 turns off: this one stays named).
 */
export async function queryCaseView(
  ds: DataSource,
  tx: EntityManager | undefined,
  text: string,
  values: unknown[],
): Promise<Record<string, unknown> | undefined> {
  const runner = tx?.queryRunner ?? ds.createQueryRunner();
  try {
    const client = (await runner.connect()) as ClientBase;
    const name = `case-view-${textDigest(text).slice(0, 20)}`;
    const res = await client.query<Record<string, unknown>>({ name, text, values });
    return res.rows[0];
  } finally {
    if (!tx?.queryRunner) await runner.release();
  }
}
