import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PolicyBook } from '@makebuy/domain';
import { Clock, POLICY_BOOK } from '@makebuy/settings';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { DirectoryService } from '@makebuy/directory';
import { ConflictsRepository } from './conflicts.repository';
import { annualDeclarationDue } from './conflict.rules';
import { DeclarationReminders } from './declaration-reminders';

export interface OverdueDeclarationView {
  personId: string;
  name: string | null;
  /** null: never declared */
  lastDeclaredAt: string | null;
  overdueSince: string;
  remindedAt: string | null;
  checkedAt: string;
}

export interface AnnualCheckResult {
  checked: number;
  overdue: number;
  reminded: number;
}

/**
 * Decision makers declare (an interest, a nil return or a case declaration) at least once every
 * `annualDeclaration.maxAgeDays`; someone who never declared is due `newInterestDays` after joining.
 * A maintenance job records who is overdue and reminds them once per overdue period.
 */
@Injectable()
export class AnnualDeclarationsService {
  private readonly log = new Logger(AnnualDeclarationsService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: ConflictsRepository,
    private readonly directory: DirectoryService,
    private readonly reminders: DeclarationReminders,
    private readonly clock: Clock,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  /** A declaration was just made: the person is up to date (in the declaring transaction). */
  async markDeclared(tx: EntityManager, personId: string, at: Date): Promise<void> {
    await this.repo.markDeclared(tx, personId, at);
  }

  /** The annual check (safe to re-run): records who is overdue and reminds each of them once. */
  async check(): Promise<AnnualCheckResult> {
    const now = this.clock.now();
    const result = await this.ds.transaction(async (tx) => {
      const rows = await this.repo.annualCandidates(tx);
      let overdue = 0;
      let reminded = 0;
      for (const r of rows) {
        const due = annualDeclarationDue(r.last_declared_at, r.joined_at, this.policy.annualDeclaration);
        const isOverdue = due.getTime() <= now.getTime();
        // a reminder belongs to one overdue period: a new period (after a declaration) reminds again
        const samePeriod = isOverdue && r.overdue_since?.getTime() === due.getTime();
        let remindedAt = samePeriod ? r.reminded_at : null;
        if (isOverdue) {
          overdue++;
          if (!remindedAt) {
            await this.reminders.remind(
              tx,
              r.person_id,
              { overdueSince: due, lastDeclaredAt: r.last_declared_at },
              now,
            );
            remindedAt = now;
            reminded++;
          }
        }
        await this.repo.saveAnnualStatus(tx, {
          personId: r.person_id,
          lastDeclaredAt: r.last_declared_at,
          overdueSince: isOverdue ? due : null,
          remindedAt: isOverdue ? remindedAt : null,
          checkedAt: now,
        });
      }
      return { checked: rows.length, overdue, reminded };
    });
    this.log.log(
      `annual declarations: ${result.checked} checked, ${result.overdue} overdue, ${result.reminded} reminded`,
    );
    return result;
  }

  /** People whose annual declaration is overdue (as of the last check), longest overdue first. */
  async overdue(q: { limit: number; cursor?: string }): Promise<Page<OverdueDeclarationView>> {
    const rows = await this.repo.overduePage({ limit: q.limit, after: decodeCursor(q.cursor) });
    const page = pageOf(rows, q.limit, (s) => ({ t: s.overdueSince!.toISOString(), id: s.personId }));
    const people = await this.directory.findPeople(page.items.map((s) => s.personId));
    const names = new Map(people.map((p) => [p.id, p.name]));
    return {
      items: page.items.map((s) => ({
        personId: s.personId,
        name: names.get(s.personId) ?? null,
        lastDeclaredAt: s.lastDeclaredAt?.toISOString() ?? null,
        overdueSince: s.overdueSince!.toISOString(),
        remindedAt: s.remindedAt?.toISOString() ?? null,
        checkedAt: s.checkedAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
