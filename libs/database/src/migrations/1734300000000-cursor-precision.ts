import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * List cursors carry an instant in milliseconds (ISO 8601, as JavaScript keeps time), but
 * PostgreSQL keeps microseconds: a row stamped by the database (`DEFAULT now()`) at
 * 12:00:00.123456 was handed back as a cursor of 12:00:00.123, and `(at, id) > (cursor)` then
 * matched that row again on the next page. Every instant a list pages on is stored in
 * milliseconds instead, whoever writes it, so a cursor always names a row exactly and the
 * indexes on those columns serve the keyset condition as written.
 */
const CURSOR_INSTANTS: [table: string, column: string][] = [
  ['consortia', 'created_at'],
  ['providers', 'created_at'],
  ['people', 'created_at'],
  ['affiliations', 'created_at'],
  ['cases', 'created_at'],
  ['cases', 'updated_at'],
  ['interests', 'declared_at'],
  ['annual_declaration_status', 'overdue_since'],
  ['bids', 'submitted_at'],
  ['scores', 'scored_at'],
  ['representations', 'lodged_at'],
  ['notices', 'published_at'],
  ['decision_records', 'decided_at'],
  ['notifications', 'created_at'],
  ['flags', 'created_at'],
  ['webhook_endpoints', 'created_at'],
  ['webhook_deliveries', 'created_at'],
  ['deadlines', 'due_at'],
];

export class CursorPrecision1734300000000 implements MigrationInterface {
  name = 'CursorPrecision1734300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, column] of CURSOR_INSTANTS) await this.retype(q, table, column, 'timestamptz(3)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, column] of CURSOR_INSTANTS) await this.retype(q, table, column, 'timestamptz');
  }

  /** Only columns that exist (a table of a later feature may be absent on an old schema). */
  private async retype(q: QueryRunner, table: string, column: string, type: string): Promise<void> {
    const found = (await q.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
      [table, column],
    )) as unknown[];
    if (found.length) await q.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE ${type}`);
  }
}
