import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PolicyBook } from '@makebuy/domain';
import { Clock, POLICY_BOOK } from '@makebuy/settings';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { DirectoryService } from '@makebuy/directory';
import { AnnualDeclarationStatusEntity } from './conflicts.entities';
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
    private readonly directory: DirectoryService,
    private readonly reminders: DeclarationReminders,
    private readonly clock: Clock,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  /** A declaration was just made: the person is up to date (in the declaring transaction). */
  async markDeclared(tx: EntityManager, personId: string, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO annual_declaration_status (person_id, last_declared_at, overdue_since, reminded_at, checked_at)
       VALUES ($1, $2, NULL, NULL, $2)
       ON CONFLICT (person_id) DO UPDATE SET
         last_declared_at = GREATEST(annual_declaration_status.last_declared_at, EXCLUDED.last_declared_at),
         overdue_since = NULL,
         reminded_at = NULL`,
      [personId, at],
    );
  }

  /** The annual check (safe to re-run): records who is overdue and reminds each of them once. */
  async check(): Promise<AnnualCheckResult> {
    const now = this.clock.now();
    const result = await this.ds.transaction(async (tx) => {
      // Decision makers are the people who do not act for a provider. The directory has no
      // list-everyone call, so this one read joins its table directly.
      const rows: {
        person_id: string;
        joined_at: Date;
        last_declared_at: Date | null;
        overdue_since: Date | null;
        reminded_at: Date | null;
      }[] = await tx.query(
        `SELECT p.id AS person_id, p.created_at AS joined_at,
                GREATEST(
                  (SELECT max(i.declared_at) FROM interests i WHERE i.person_id = p.id),
                  (SELECT max(n.declared_at) FROM nil_returns n WHERE n.person_id = p.id),
                  (SELECT max(d.declared_at) FROM declarations d WHERE d.person_id = p.id)
                ) AS last_declared_at,
                s.overdue_since, s.reminded_at
           FROM people p
           LEFT JOIN annual_declaration_status s ON s.person_id = p.id
          WHERE p.provider_id IS NULL
          ORDER BY p.id`,
      );
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
        await tx.query(
          `INSERT INTO annual_declaration_status (person_id, last_declared_at, overdue_since, reminded_at, checked_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (person_id) DO UPDATE SET last_declared_at = EXCLUDED.last_declared_at,
             overdue_since = EXCLUDED.overdue_since, reminded_at = EXCLUDED.reminded_at, checked_at = EXCLUDED.checked_at`,
          [r.person_id, r.last_declared_at, isOverdue ? due : null, isOverdue ? remindedAt : null, now],
        );
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
    const qb = this.ds
      .getRepository(AnnualDeclarationStatusEntity)
      .createQueryBuilder('s')
      .where('s.overdue_since IS NOT NULL')
      .orderBy('s.overdue_since', 'ASC')
      .addOrderBy('s.person_id', 'ASC')
      .limit(q.limit + 1);
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(s.overdue_since, s.person_id) > (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, (s) => ({ t: s.overdueSince!.toISOString(), id: s.personId }));
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
