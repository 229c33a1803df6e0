import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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

/** The SQL of the case aggregate: the case row, its lock, and the audit chain's head and rows. */
@Injectable()
export class CasesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  /** The case row, locked for the rest of the transaction (serialises every writer of one case). */
  lock(tx: EntityManager, caseId: string): Promise<CaseEntity | null> {
    return tx
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .where('c.id = :id', { id: caseId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async insert(tx: EntityManager, row: CaseEntity): Promise<void> {
    await tx.insert(CaseEntity, row as never);
  }

  async update(tx: EntityManager, caseId: string, change: CaseRowChange): Promise<void> {
    await tx.update(CaseEntity, { id: caseId }, change as never);
  }

  /** The last audit row of the case (the chain's head), or null before the first. */
  auditHead(tx: EntityManager, caseId: string): Promise<CaseEventEntity | null> {
    return tx
      .getRepository(CaseEventEntity)
      .createQueryBuilder('e')
      .where('e.case_id = :caseId', { caseId })
      .orderBy('e.seq', 'DESC')
      .limit(1)
      .getOne();
  }

  async appendAudit(tx: EntityManager, entry: CaseEventEntity): Promise<void> {
    await tx.insert(CaseEventEntity, entry as never);
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
