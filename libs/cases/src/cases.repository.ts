import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DeferredWrite, DeferredWrites, queryInOrder } from '@makebuy/queue';
import { CaseEntity, CaseEventEntity } from './case.entities';

/** What a transition or a migration rewrites on the case row. */
export type CaseRowChange = Partial<
  Pick<
    CaseEntity,
    | 'snapshot'
    | 'state'
    | 'stateValue'
    | 'context'
    | 'version'
    | 'updatedAt'
    | 'machineVersion'
    | 'needsMigration'
    | 'migrationError'
  >
>;

/** Every column of `cases`, as the raw reads select them. */
const CASE_COLUMNS = `id, ocid, title, service_name, description, cpv_code, consortium_id, from_setting, to_setting,
  estimated_annual_value, currency, term_months, track, created_by, state, state_value, context, snapshot,
  machine_version, version, needs_migration, migration_error, created_at, updated_at, audit_seq, audit_head_hash`;

/** `case_waits` rebuilt for the listed cases in one statement (migration 1737500000000). */
const REFRESH_WAITS = `SELECT case_waits_refresh_all($1::uuid[])`;

interface CaseRowSql {
  id: string;
  ocid: string;
  title: string;
  service_name: string;
  description: string | null;
  cpv_code: string | null;
  consortium_id: string;
  from_setting: string;
  to_setting: string;
  estimated_annual_value: string;
  currency: string;
  term_months: number;
  track: CaseEntity['track'];
  created_by: string;
  state: CaseEntity['state'];
  state_value: unknown;
  context: CaseEntity['context'];
  snapshot: unknown;
  machine_version: number;
  version: number;
  needs_migration: boolean;
  migration_error: string | null;
  created_at: Date;
  updated_at: Date;
  audit_seq: number;
  audit_head_hash: string;
}

const INSERT_AUDIT = `INSERT INTO case_events (case_id, seq, at, actor, type, from_state, to_state, payload, prev_hash, hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

/** Names the deferred write that moves a case's audit head (DeferredWrites.pending). */
const headKey = (caseId: string) => `case-head:${caseId}`;

function auditParams(e: CaseEventEntity): unknown[] {
  return [
    e.caseId,
    e.seq,
    e.at,
    e.actor,
    e.type,
    e.fromState,
    e.toState,
    JSON.stringify(e.payload),
    e.prevHash,
    e.hash,
  ];
}

/** A raw `cases` row as the entity (what TypeORM would hydrate, without its per-row cost). */
function caseOf(r: CaseRowSql): CaseEntity {
  return Object.assign(new CaseEntity(), {
    id: r.id,
    ocid: r.ocid,
    title: r.title,
    serviceName: r.service_name,
    description: r.description,
    cpvCode: r.cpv_code,
    consortiumId: r.consortium_id,
    fromSetting: r.from_setting,
    toSetting: r.to_setting,
    estimatedAnnualValue: Number(r.estimated_annual_value),
    currency: r.currency,
    termMonths: r.term_months,
    track: r.track,
    createdBy: r.created_by,
    state: r.state,
    stateValue: r.state_value,
    context: r.context,
    snapshot: r.snapshot,
    machineVersion: r.machine_version,
    version: r.version,
    needsMigration: r.needs_migration,
    migrationError: r.migration_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    auditSeq: r.audit_seq,
    auditHeadHash: r.audit_head_hash,
  });
}

/** The SQL of the case aggregate: the case row, its lock, and the audit chain's head and rows. */
@Injectable()
export class CasesRepository {
  /** cases whose `case_waits` a transaction rebuilds after its writes (`refreshWaits`) */
  private readonly waits = new WeakMap<object, Set<string>>();

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Rebuilds whom the case waits on (`case_waits`, GET /cases?awaiting=me) from its rows as the
   * transaction leaves them: called at the end of every change of the case, under its lock. In a
   * deferring transaction it goes after every write waiting, with the next statement (the COMMIT,
   * or a batch's next one: one statement for all the batch's cases); elsewhere at once.
   */
  async refreshWaits(tx: EntityManager, caseId: string): Promise<void> {
    const owner = tx.queryRunner ?? tx;
    let cases = this.waits.get(owner);
    if (!cases) {
      const gathered = new Set<string>();
      const deferred = DeferredWrites.trail(tx, 'case_waits', () => {
        if (!gathered.size) return null;
        const ids = [...gathered];
        gathered.clear();
        return { sql: REFRESH_WAITS, params: [ids] };
      });
      if (!deferred) {
        await tx.query(REFRESH_WAITS, [[caseId]]);
        return;
      }
      this.waits.set(owner, (cases = gathered));
    }
    cases.add(caseId);
  }

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  /**
   * The case row, locked for the rest of the transaction (serialises every writer of one case), and
   * its panel (member ids, oldest seat first) in the same statement. Raw SQL: this runs on every
   * write, and a QueryBuilder `getOne` costs about three times the CPU.
   *
   * `panel` is null when it may be stale: the subquery reads the statement's snapshot, taken before
   * the lock was granted; when a writer committed in between (the locked row's version is not the
   * snapshot's), the panel must be read again. Every panel change moves the case version.
   */
  async lock(tx: EntityManager, caseId: string): Promise<{ row: CaseEntity; panel: string[] | null } | null> {
    return (await this.lockWith(tx, caseId, null)).locked;
  }

  /**
   * `lock`, with a read the command needs under the lock (`along`) sent right behind it on the
   * same connection, in the same round trip (`queryInOrder`); its rows are `along`'s answer.
   */
  async lockWith(
    tx: EntityManager,
    caseId: string,
    along: DeferredWrite | null,
  ): Promise<{ locked: { row: CaseEntity; panel: string[] | null } | null; along: unknown[] }> {
    const lock = {
      sql: `SELECT ${CASE_COLUMNS},
         (SELECT s.version FROM cases s WHERE s.id = $1) AS seen_version,
         ARRAY(SELECT p.person_id::text FROM case_panel p WHERE p.case_id = $1 ORDER BY p.added_at, p.person_id) AS panel
       FROM cases WHERE id = $1 FOR UPDATE`,
      params: [caseId],
    };
    const [rows, alongRows] = (
      along ? await queryInOrder(tx, [lock, along]) : [await tx.query(lock.sql, lock.params)]
    ) as [(CaseRowSql & { seen_version: number; panel: string[] })[], unknown[] | undefined];
    if (!rows.length) return { locked: null, along: [] };
    const r = rows[0];
    return { locked: { row: caseOf(r), panel: r.seen_version === r.version ? r.panel : null }, along: alongRows ?? [] };
  }

  /**
   * Several cases locked in one statement, in id order (the order every batch locks in), each with
   * its panel as `lock` reads it. Missing ids are absent from the answer.
   */
  async lockMany(
    tx: EntityManager,
    caseIds: string[],
  ): Promise<Map<string, { row: CaseEntity; panel: string[] | null }>> {
    const rows: (CaseRowSql & { seen_version: number; panel: string[] })[] = await tx.query(
      `SELECT ${CASE_COLUMNS},
         (SELECT s.version FROM cases s WHERE s.id = cases.id) AS seen_version,
         ARRAY(SELECT p.person_id::text FROM case_panel p WHERE p.case_id = cases.id ORDER BY p.added_at, p.person_id) AS panel
       FROM cases WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [caseIds],
    );
    return new Map(
      rows.map((r) => [r.id, { row: caseOf(r), panel: r.seen_version === r.version ? r.panel : null }] as const),
    );
  }

  /** The case row, unlocked (the read-only paths: GET, the access guard). */
  async find(tx: EntityManager, caseId: string): Promise<CaseEntity | null> {
    const rows: CaseRowSql[] = await tx.query(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [caseId]);
    return rows.length ? caseOf(rows[0]) : null;
  }

  /** The case row and whether `personId` sits on its panel, in one statement. */
  async findWithPanelSeat(
    tx: EntityManager,
    caseId: string,
    personId: string | null,
  ): Promise<{ row: CaseEntity; onPanel: boolean } | null> {
    const rows: (CaseRowSql & { on_panel: boolean })[] = await tx.query(
      `SELECT ${CASE_COLUMNS},
         EXISTS (SELECT 1 FROM case_panel p WHERE p.case_id = cases.id AND p.person_id = $2) AS on_panel
       FROM cases WHERE id = $1`,
      [caseId, personId],
    );
    return rows.length ? { row: caseOf(rows[0]), onPanel: rows[0].on_panel } : null;
  }

  /** A new case row: deferred (rides with the transaction's next statement, see DeferredWrites). */
  async insert(tx: EntityManager, row: CaseEntity): Promise<void> {
    await DeferredWrites.write(
      tx,
      `INSERT INTO cases (id, ocid, title, service_name, description, cpv_code, consortium_id, from_setting, to_setting,
         estimated_annual_value, currency, term_months, track, created_by, state, state_value, context, snapshot,
         machine_version, version, needs_migration, migration_error, created_at, updated_at, audit_seq, audit_head_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
         $24, $25, $26)`,
      [
        row.id,
        row.ocid,
        row.title,
        row.serviceName,
        row.description ?? null,
        row.cpvCode ?? null,
        row.consortiumId,
        row.fromSetting,
        row.toSetting,
        row.estimatedAnnualValue,
        row.currency,
        row.termMonths,
        row.track,
        row.createdBy,
        row.state,
        JSON.stringify(row.stateValue),
        JSON.stringify(row.context),
        JSON.stringify(row.snapshot),
        row.machineVersion,
        row.version,
        row.needsMigration,
        row.migrationError,
        row.createdAt,
        row.updatedAt,
        row.auditSeq,
        row.auditHeadHash,
      ],
    );
  }

  /**
   * A transition: the locked row's new snapshot and audit head, and the audit row itself. Both
   * deferred: they ride with the transaction's next statement (one round trip where there were three).
   */
  async saveTransition(tx: EntityManager, row: CaseEntity, audit: CaseEventEntity): Promise<void> {
    const fixed = [
      row.id,
      JSON.stringify(row.snapshot),
      row.state,
      JSON.stringify(row.stateValue),
      JSON.stringify(row.context),
      row.version,
      row.updatedAt,
    ];
    // the audit head is read when the write is sent: an audit row an effect chains on the row in
    // hand before then (appendAuditInHand) moves it in the same statement
    await DeferredWrites.write(
      tx,
      `UPDATE cases SET snapshot = $2, state = $3, state_value = $4, context = $5, version = $6, updated_at = $7,
         audit_seq = $8, audit_head_hash = $9 WHERE id = $1`,
      () => [...fixed, row.auditSeq, row.auditHeadHash],
      headKey(row.id),
    );
    await DeferredWrites.write(tx, INSERT_AUDIT, auditParams(audit));
  }

  /**
   * A further audit row chained on the case row in hand (its head already moved in memory by the
   * caller): deferred, with the head itself. While the row's own write still waits, that write
   * carries the new head; else one head update waits for it (read when sent, so rows chained after
   * it ride with it too). A fork (a seq taken meanwhile) is refused by the key (case_id, seq).
   */
  async appendAuditInHand(tx: EntityManager, row: CaseEntity, e: CaseEventEntity): Promise<void> {
    if (!DeferredWrites.pending(tx, headKey(row.id)))
      await DeferredWrites.write(
        tx,
        `UPDATE cases SET audit_seq = $2, audit_head_hash = $3 WHERE id = $1`,
        () => [row.id, row.auditSeq, row.auditHeadHash],
        headKey(row.id),
      );
    await DeferredWrites.write(tx, INSERT_AUDIT, auditParams(e));
  }

  async update(tx: EntityManager, caseId: string, change: CaseRowChange): Promise<void> {
    await tx.update(CaseEntity, { id: caseId }, change as never);
  }

  /**
   * Moves the audit head of a case whose row the caller has not got in hand (an audit row without
   * a transition): the new seq and the previous hash, with the row locked by the UPDATE itself.
   */
  async advanceAuditSeq(tx: EntityManager, caseId: string): Promise<{ seq: number; prevHash: string } | null> {
    const [rows] = (await tx.query(
      `UPDATE cases SET audit_seq = audit_seq + 1 WHERE id = $1 RETURNING audit_seq AS seq, audit_head_hash AS "prevHash"`,
      [caseId],
    )) as [{ seq: number; prevHash: string }[], number];
    return rows[0] ?? null;
  }

  /** An audit row (the first of a new case, inserted with its head): deferred. */
  async appendAudit(tx: EntityManager, e: CaseEventEntity): Promise<void> {
    await DeferredWrites.write(tx, INSERT_AUDIT, auditParams(e));
  }

  /** An audit row after `advanceAuditSeq`, moving the head's hash with it (one statement). */
  async appendAuditAsHead(tx: EntityManager, e: CaseEventEntity): Promise<void> {
    await tx.query(
      `WITH head AS (UPDATE cases SET audit_head_hash = $10 WHERE id = $1 AND audit_seq = $2) ${INSERT_AUDIT}`,
      auditParams(e),
    );
  }

  /** Marks one case as needing a machine migration, in its own statement (the command was rolled back). */
  async markNeedsMigration(caseId: string, reason: string): Promise<void> {
    await this.ds.query(`UPDATE cases SET needs_migration = true, migration_error = $2 WHERE id = $1`, [
      caseId,
      reason,
    ]);
  }

  /** Every case's machine version and snapshot (the migrator's scan). */
  snapshots(): Promise<Pick<CaseEntity, 'id' | 'machineVersion' | 'snapshot' | 'needsMigration'>[]> {
    return this.ds
      .getRepository(CaseEntity)
      .find({ select: { id: true, machineVersion: true, snapshot: true, needsMigration: true } });
  }

  async markBroken(caseIds: string[]): Promise<void> {
    await this.ds.query(
      `UPDATE cases SET needs_migration = true, migration_error = coalesce(migration_error, 'snapshot does not restore on its machine version') WHERE id = ANY($1)`,
      [caseIds],
    );
  }

  /** Cases not on `version` or marked for migration (optionally among `caseIds`). */
  async idsToMigrate(version: number, caseIds?: string[]): Promise<string[]> {
    const qb = this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.machine_version <> :v OR c.needs_migration', { v: version });
    if (caseIds?.length) qb.andWhere('c.id IN (:...ids)', { ids: caseIds });
    return (await qb.getRawMany()).map((r: { id: string }) => r.id);
  }
}
