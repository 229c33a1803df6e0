/**
 * Copies template cases in SQL: the case row and every row that hangs off it (found from the
 * catalogue: tables with a `case_id`, and tables with a foreign key to one of those), with new ids.
 * Column lists come from information_schema at run time, so columns added by later migrations are
 * carried without changing this file. Rows travel as JSON (`row_to_json` out,
 * `json_populate_recordset` in), so every type round-trips as PostgreSQL itself spells it.
 *
 * - Every id of a template row (primary keys, and the case id wherever it appears: ocid, job ids,
 *   JSON payloads) is replaced by the clone's own id, in every column, text and JSON alike.
 * - `worldMap` moves a clone to another world: old consortium/person/provider id -> new.
 * - The audit chain (`case_events`) is recomputed with the app's own `auditHash` (the case id is
 *   hashed), and any column of any cloned row whose value was the template's head hash (an audit
 *   head kept on the case row) gets the clone's head hash.
 * - Columns filled by a sequence (`nextval` default, identity) are left to it; a unique column that
 *   holds no remapped id is set to NULL (e.g. a feed position assigned later).
 * - `outbox` is transport, not case state: not copied. Jobs for cloned deadlines reach Redis the
 *   way lost jobs do: the app's reconciler enqueues pending deadlines whose job is missing.
 */
const { randomUUID } = require('node:crypto');
const { join } = require('node:path');

// case_search is kept by a trigger on cases (the clone's row is written when its case is inserted)
const NOT_CLONED = new Set(['outbox', 'idempotency_keys', 'case_search']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function auditHashFn() {
  // the app's own function (built output), so the chain is what the app verifies
  return require(join(__dirname, '..', 'dist', 'libs', 'cases', 'src', 'audit-chain.js')).auditHash;
}

/** The tables below `cases`, parents first: [{ table, via: 'case_id' | { column, parent } }]. */
async function caseTables(pg) {
  const direct = (
    await pg.query(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'case_id' AND data_type = 'uuid'
          AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
        ORDER BY table_name`,
    )
  ).rows
    .map((r) => r.table_name)
    .filter((t) => !NOT_CLONED.has(t));
  const fks = (
    await pg.query(
      `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent,
              (SELECT attname FROM pg_attribute WHERE attrelid = conrelid AND attnum = conkey[1]) AS col
         FROM pg_constraint WHERE contype = 'f' AND array_length(conkey, 1) = 1`,
    )
  ).rows;
  const order = [];
  const seen = new Set(['cases']);
  // parents first: a table whose FK parents (among the cloned tables) are already placed
  const pending = new Set(direct);
  for (const f of fks) if (direct.includes(f.parent) && !NOT_CLONED.has(f.child)) pending.add(f.child);
  const cloned = new Set(pending);
  const parentsOf = (t) =>
    fks.filter((f) => f.child === t && f.parent !== t && (cloned.has(f.parent) || f.parent === 'cases'));
  for (let guard = 0; pending.size && guard < 100; guard++)
    for (const t of [...pending])
      if (parentsOf(t).every((f) => seen.has(f.parent))) {
        const hasCaseId = direct.includes(t);
        const via = hasCaseId ? 'case_id' : parentsOf(t).map((f) => ({ column: f.col, parent: f.parent }))[0];
        order.push({ table: t, via });
        seen.add(t);
        pending.delete(t);
      }
  return order;
}

/** Columns to insert (not sequence-filled, not generated), and unique single columns. */
async function columnsOf(pg, table) {
  const cols = (
    await pg.query(
      `SELECT column_name, is_nullable, column_default, is_identity, is_generated
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    )
  ).rows;
  const unique = (
    await pg.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indnatts = 1 AND i.indexprs IS NULL`,
      [table],
    )
  ).rows.map((r) => r.attname);
  return {
    insert: cols
      .filter(
        (c) =>
          c.is_identity !== 'YES' &&
          c.is_generated !== 'ALWAYS' &&
          !String(c.column_default ?? '').startsWith('nextval('),
      )
      .map((c) => c.column_name),
    nullable: new Set(cols.filter((c) => c.is_nullable === 'YES').map((c) => c.column_name)),
    unique,
  };
}

const q = (id) => `"${id.replace(/"/g, '""')}"`;

/** Reads one template case: { tables: [{ table, cols, rows }], ids, headHash }. */
async function readTemplate(pg, caseId) {
  const tables = [];
  const ids = new Set([caseId]);
  const cases = await columnsOf(pg, 'cases');
  const caseRows = (await pg.query(`SELECT row_to_json(t) AS j FROM cases t WHERE id = $1`, [caseId])).rows.map(
    (r) => r.j,
  );
  if (!caseRows.length) throw new Error(`template case ${caseId} not found`);
  tables.push({ table: 'cases', cols: cases, rows: caseRows });
  const byTable = { cases: caseRows };
  for (const { table, via } of await caseTables(pg)) {
    const cols = await columnsOf(pg, table);
    let rows;
    if (via === 'case_id')
      rows = (await pg.query(`SELECT row_to_json(t) AS j FROM ${q(table)} t WHERE case_id = $1`, [caseId])).rows;
    else {
      const parentIds = (byTable[via.parent] ?? []).map((r) => r.id).filter(Boolean);
      rows = parentIds.length
        ? (
            await pg.query(`SELECT row_to_json(t) AS j FROM ${q(table)} t WHERE ${q(via.column)} = ANY($1)`, [
              parentIds,
            ])
          ).rows
        : [];
    }
    rows = rows.map((r) => r.j);
    byTable[table] = rows;
    for (const r of rows) if (typeof r.id === 'string' && UUID_RE.test(r.id)) ids.add(r.id);
    if (rows.length) tables.push({ table, cols, rows });
  }
  const events = (byTable.case_events ?? []).slice().sort((a, b) => a.seq - b.seq);
  return { caseId, tables, ids: [...ids], headHash: events.length ? events[events.length - 1].hash : null };
}

function replacer(pairs) {
  if (!pairs.length) return (s) => s;
  const map = new Map(pairs);
  const re = new RegExp([...map.keys()].map((k) => k.replace(/[-]/g, '\\-')).join('|'), 'gi');
  return (s) => s.replace(re, (m) => map.get(m.toLowerCase()) ?? m);
}

/**
 * Inserts `count` clones of the template. `mutate(table, row, i)` may change a clone's row (after
 * the id remap, before the audit rehash); `worldOf(i)` gives an id map moving clone i to another
 * world; `auditHash` defaults to the built app's. Returns the new case ids. Batches of `batch`
 * clones, one transaction each.
 */
async function cloneCases(pg, template, count, { mutate, worldOf, batch = 1000, auditHash = auditHashFn() } = {}) {
  const GENESIS = '0'.repeat(64);
  const newIds = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const out = new Map(template.tables.map((t) => [t.table, []]));
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const pairs = template.ids.map((id) => [id.toLowerCase(), randomUUID()]);
      const world = worldOf ? worldOf(i) : null;
      if (world) for (const [from, to] of Object.entries(world)) if (from !== to) pairs.push([from.toLowerCase(), to]);
      const remap = replacer(pairs);
      const caseId = pairs[0][1];
      newIds.push(caseId);
      const cloned = template.tables.map((t) => ({
        t,
        rows: JSON.parse(remap(JSON.stringify(t.rows))).map((row) => (mutate ? mutate(t.table, row, i) : row)),
      }));
      // recompute the audit chain for the clone's id (and payloads remapped above)
      let head = null;
      const ev = cloned.find((c) => c.t.table === 'case_events');
      if (ev) {
        let prev = GENESIS;
        for (const row of ev.rows.sort((a, b) => a.seq - b.seq)) {
          row.prev_hash = prev;
          row.hash = auditHash(prev, {
            caseId: row.case_id,
            seq: row.seq,
            at: new Date(row.at).toISOString(),
            actor: row.actor,
            type: row.type,
            fromState: row.from_state,
            toState: row.to_state,
            payload: row.payload,
          });
          prev = row.hash;
        }
        head = prev;
      }
      for (const { t, rows } of cloned) {
        for (const row of rows) {
          for (const col of t.cols.unique)
            if (
              col !== 'id' &&
              t.cols.nullable.has(col) &&
              row[col] !== null &&
              !pairs.some(([, v]) => String(row[col]).includes(v))
            )
              row[col] = null;
          if (template.headHash && head && t.table !== 'case_events')
            for (const col of Object.keys(row)) if (row[col] === template.headHash) row[col] = head;
        }
        out.get(t.table).push(...rows);
      }
    }
    await pg.query('BEGIN');
    try {
      for (const t of template.tables) {
        const rows = out.get(t.table);
        if (!rows.length) continue;
        const cols = t.cols.insert.map(q).join(', ');
        for (let i = 0; i < rows.length; i += 5000)
          await pg.query(
            `INSERT INTO ${q(t.table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${q(t.table)}, $1::json)`,
            [JSON.stringify(rows.slice(i, i + 5000))],
          );
      }
      await pg.query('COMMIT');
    } catch (e) {
      await pg.query('ROLLBACK');
      throw e;
    }
  }
  return newIds;
}

module.exports = { caseTables, readTemplate, cloneCases };
