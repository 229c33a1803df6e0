import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DeferredWrites } from '@makebuy/queue';
import { DataSource, EntityManager } from 'typeorm';
import type { CursorKey } from '@makebuy/database';
import { AnnualDeclarationStatusEntity } from './conflicts.entities';

/** What the annual check reads of each decision maker. */
export interface AnnualCandidate {
  person_id: string;
  joined_at: Date;
  last_declared_at: Date | null;
  overdue_since: Date | null;
  reminded_at: Date | null;
}

/** The SQL of the conflicts feature that is more than a find by key (the annual declaration check). */
@Injectable()
export class ConflictsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The person declared at `at`: up to date (one row per person, shared by every case they sit on).
   * The row is written only when the declaration changes what it records: the person has no row
   * yet, or is recorded overdue or reminded. A person already up to date (every declaration of a
   * panel member after their first) leaves it alone, so concurrent declarations of the same people
   * on many cases do not queue on this row's lock (the bench measured 110 ms of lock wait per
   * declaration at 32 clients when every declaration upserted it). Its `last_declared_at` is read
   * only for overdue people, and the annual check recomputes it from the declarations themselves.
   * Deferred where the transaction allows: when written, the row is locked only by the command's
   * last statement before COMMIT.
   */
  async markDeclared(tx: EntityManager, personId: string, at: Date): Promise<void> {
    await DeferredWrites.write(
      tx,
      `INSERT INTO annual_declaration_status (person_id, last_declared_at, overdue_since, reminded_at, checked_at)
       SELECT $1::uuid, $2::timestamptz, NULL::timestamptz, NULL::timestamptz, $2::timestamptz
        WHERE NOT EXISTS (SELECT 1 FROM annual_declaration_status s
                           WHERE s.person_id = $1::uuid AND s.overdue_since IS NULL AND s.reminded_at IS NULL)
       ON CONFLICT (person_id) DO UPDATE SET
         last_declared_at = GREATEST(annual_declaration_status.last_declared_at, EXCLUDED.last_declared_at),
         overdue_since = NULL,
         reminded_at = NULL`,
      [personId, at],
    );
  }

  /**
   * Decision makers (people who do not act for a provider) with their last declaration of any kind
   * and their recorded status. The directory has no list-everyone call, so this joins its table.
   */
  annualCandidates(tx: EntityManager): Promise<AnnualCandidate[]> {
    return tx.query(
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
  }

  async saveAnnualStatus(
    tx: EntityManager,
    s: {
      personId: string;
      lastDeclaredAt: Date | null;
      overdueSince: Date | null;
      remindedAt: Date | null;
      checkedAt: Date;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO annual_declaration_status (person_id, last_declared_at, overdue_since, reminded_at, checked_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (person_id) DO UPDATE SET last_declared_at = EXCLUDED.last_declared_at,
         overdue_since = EXCLUDED.overdue_since, reminded_at = EXCLUDED.reminded_at, checked_at = EXCLUDED.checked_at`,
      [s.personId, s.lastDeclaredAt, s.overdueSince, s.remindedAt, s.checkedAt],
    );
  }

  /** A page of overdue people, longest overdue first (limit + 1 rows: the caller pages). */
  overduePage(q: { limit: number; after: CursorKey | null }): Promise<AnnualDeclarationStatusEntity[]> {
    const qb = this.ds
      .getRepository(AnnualDeclarationStatusEntity)
      .createQueryBuilder('s')
      .where('s.overdue_since IS NOT NULL')
      .orderBy('s.overdue_since', 'ASC')
      .addOrderBy('s.person_id', 'ASC')
      .limit(q.limit + 1);
    if (q.after) qb.andWhere('(s.overdue_since, s.person_id) > (:t, :id)', { t: q.after.t, id: q.after.id });
    return qb.getMany();
  }
}
