import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CursorKey } from '@makebuy/database';
import { DeferredWrites } from '@makebuy/queue';
import { NotificationEntity } from './notification.entity';

export interface NotificationRow {
  caseId: string | null;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  dedupeKey: string;
  createdAt: Date;
}

/** One notification to each listed id that is a person; (person, dedupe key) once. */
const INSERT_FOR_PEOPLE = `INSERT INTO notifications (person_id, case_id, kind, title, body, data, dedupe_key, created_at)
  SELECT p.id, $2, $3, $4, $5, $6::jsonb, $7, $8 FROM people p WHERE p.id = ANY($1::uuid[])
  ON CONFLICT (person_id, dedupe_key) DO NOTHING`;

const forPeople = (personIds: string[], n: NotificationRow): unknown[] => [
  personIds,
  n.caseId,
  n.kind,
  n.title,
  n.body,
  JSON.stringify(n.data),
  n.dedupeKey,
  n.createdAt,
];

/** The SQL of notifications, and of who governs a case. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** One row per listed id that is a person; (person, dedupe key) once. Returns how many were new. */
  async insertForPeople(tx: EntityManager, personIds: string[], n: NotificationRow): Promise<number> {
    const rows: unknown[] = await tx.query(`${INSERT_FOR_PEOPLE} RETURNING id`, forPeople(personIds, n));
    return rows.length;
  }

  /** `insertForPeople` when nobody needs the count: deferred in the case engine's transaction. */
  async deferForPeople(tx: EntityManager, personIds: string[], n: NotificationRow): Promise<void> {
    await DeferredWrites.write(tx, INSERT_FOR_PEOPLE, forPeople(personIds, n));
  }

  /** Many notices at once, each to its people (ids that are not people skipped; (person, dedupe key) once). */
  async insertMany(tx: EntityManager, notices: { personIds: string[]; n: NotificationRow }[]): Promise<void> {
    const lines = notices.flatMap(({ personIds, n }) => personIds.map((p) => ({ p, n })));
    if (!lines.length) return;
    // one JSON parameter for the lot (one native stringify; text arrays would be escaped element by element)
    await tx.query(
      `INSERT INTO notifications (person_id, case_id, kind, title, body, data, dedupe_key, created_at)
       SELECT p.id, (v.e->>'caseId')::uuid, v.e->>'kind', v.e->>'title', v.e->>'body', v.e->'data', v.e->>'dedupeKey',
              (v.e->>'createdAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS v(e, i)
         JOIN people p ON p.id = (v.e->>'personId')::uuid
        ORDER BY v.i
       ON CONFLICT (person_id, dedupe_key) DO NOTHING`,
      [JSON.stringify(lines.map(({ p, n }) => ({ ...n, personId: p })))],
    );
  }

  /** A page of the person's notifications, newest first (limit + 1 rows: the caller pages). */
  page(personId: string, q: { limit: number; after: CursorKey | null; unreadOnly?: boolean }) {
    const qb = this.ds
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.person_id = :personId', { personId })
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(q.limit + 1);
    if (q.unreadOnly) qb.andWhere('n.read_at IS NULL');
    if (q.after) qb.andWhere('(n.created_at, n.id) < (:t, :id)', { t: q.after.t, id: q.after.id });
    return qb.getMany();
  }

  /** People the directory grants `governance` who serve the case's consortium (or every consortium). */
  async governanceOfCase(tx: EntityManager, caseId: string): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT p.id FROM people p, cases c
        WHERE c.id = $1 AND 'governance' = ANY(p.roles)
          AND (p.consortium_id IS NULL OR p.consortium_id = c.consortium_id)
        ORDER BY p.created_at, p.id`,
      [caseId],
    );
    return rows.map((r) => r.id);
  }
}
