import { Injectable, Logger } from '@nestjs/common';
import { canRestore, CaseContext, CaseStateMapping, migrateCaseSnapshot, topLevelState } from '@makebuy/domain';
import { Clock } from '@makebuy/settings';
import { CasesRepository } from './cases.repository';
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
    private readonly repo: CasesRepository,
    private readonly engine: CaseEngine,
    private readonly clock: Clock,
  ) {}

  /** Marks every case whose snapshot does not restore on its own version; returns their ids. */
  async scan(): Promise<string[]> {
    const rows = await this.repo.snapshots();
    const broken = rows.filter((r) => !canRestore(r.machineVersion, r.snapshot)).map((r) => r.id);
    if (broken.length) {
      await this.repo.markBroken(broken);
      this.log.warn(`${broken.length} case(s) need a machine migration: ${broken.join(', ')}`);
    }
    return broken;
  }

  /** Moves the given cases (default: every case not on `toVersion`) to `toVersion`. */
  async migrate(toVersion: number, mapping?: CaseStateMapping, caseIds?: string[]): Promise<MigrationReport> {
    const ids = await this.repo.idsToMigrate(toVersion, caseIds);
    const report: MigrationReport = { migrated: [], failed: [] };
    for (const id of ids) {
      try {
        const done = await this.repo.transaction(async (tx) => {
          const row = await this.engine.lock(tx, id);
          const snapshot = migrateCaseSnapshot(row.machineVersion, toVersion, row.snapshot, mapping);
          const fromState = row.state;
          const toState = topLevelState(snapshot.value);
          const now = this.clock.now();
          await this.repo.update(tx, id, {
            snapshot,
            machineVersion: toVersion,
            state: toState,
            stateValue: snapshot.value,
            context: snapshot.context as CaseContext,
            needsMigration: false,
            migrationError: null,
            version: row.version + 1,
            updatedAt: now,
          });
          await this.engine.appendAudit(tx, id, {
            at: now,
            actor: { id: 'system:migration', roles: [] },
            type: 'MACHINE_MIGRATED',
            fromState,
            toState,
            payload: { fromVersion: row.machineVersion, toVersion, mapping: mapping ?? null },
          });
          // a mapping may move the case to another state: whom it waits on follows
          await this.repo.refreshWaits(tx, id);
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
