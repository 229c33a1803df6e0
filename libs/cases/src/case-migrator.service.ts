import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canRestore, CaseContext, CaseStateMapping, migrateCaseSnapshot, topLevelState } from '@makebuy/domain';
import { Clock } from '@makebuy/settings';
import { CaseEntity } from './case.entities';
import { CaseEngine } from './case-engine.service';

export interface MigrationReport {
  migrated: { caseId: string; fromVersion: number; toVersion: number; fromState: string; toState: string }[];
  failed: { caseId: string; error: string }[];
}

/**
 * The explicit step that moves cases between statechart versions. A case whose snapshot no
 * longer restores is marked `needs_migration` by the engine (never a crash); this moves it,
 * one transaction and one audit row per case.
 */
@Injectable()
export class CaseMigrator {
  private readonly log = new Logger(CaseMigrator.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
  ) {}

  /** Marks every case whose snapshot does not restore on its own version; returns their ids. */
  async scan(): Promise<string[]> {
    const rows = await this.ds
      .getRepository(CaseEntity)
      .find({ select: { id: true, machineVersion: true, snapshot: true, needsMigration: true } });
    const broken = rows.filter((r) => !canRestore(r.machineVersion, r.snapshot)).map((r) => r.id);
    if (broken.length) {
      await this.ds.query(
        `UPDATE cases SET needs_migration = true, migration_error = coalesce(migration_error, 'snapshot does not restore on its machine version') WHERE id = ANY($1)`,
        [broken],
      );
      this.log.warn(`${broken.length} case(s) need a machine migration: ${broken.join(', ')}`);
    }
    return broken;
  }

  /** Moves the given cases (default: every case not on `toVersion`) to `toVersion`. */
  async migrate(toVersion: number, mapping?: CaseStateMapping, caseIds?: string[]): Promise<MigrationReport> {
    const qb = this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.machine_version <> :v OR c.needs_migration', { v: toVersion });
    if (caseIds?.length) qb.andWhere('c.id IN (:...ids)', { ids: caseIds });
    const ids: string[] = (await qb.getRawMany()).map((r: { id: string }) => r.id);
    const report: MigrationReport = { migrated: [], failed: [] };
    for (const id of ids) {
      try {
        const done = await this.ds.transaction(async (tx) => {
          const row = await this.engine.lock(tx, id);
          const snapshot = migrateCaseSnapshot(row.machineVersion, toVersion, row.snapshot, mapping);
          const fromState = row.state;
          const toState = topLevelState(snapshot.value);
          const now = this.clock.now();
          await tx.update(
            CaseEntity,
            { id },
            {
              snapshot: snapshot as object,
              machineVersion: toVersion,
              state: toState,
              stateValue: snapshot.value as object,
              context: snapshot.context as CaseContext as object,
              needsMigration: false,
              migrationError: null,
              version: row.version + 1,
              updatedAt: now,
            },
          );
          await this.engine.appendAudit(tx, id, {
            at: now,
            actor: { id: 'system:migration', roles: [] },
            type: 'MACHINE_MIGRATED',
            fromState,
            toState,
            payload: { fromVersion: row.machineVersion, toVersion, mapping: mapping ?? null },
          });
          return { caseId: id, fromVersion: row.machineVersion, toVersion, fromState, toState };
        });
        report.migrated.push(done);
      } catch (e) {
        report.failed.push({ caseId: id, error: (e as Error).message });
      }
    }
    return report;
  }
}
