import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { Clock } from '@makebuy/settings';
import { NotificationEntity } from './notification.entity';
import type { NotificationKind } from './notices';

export interface NotificationInput {
  kind: NotificationKind;
  caseId?: string | null;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  /** one notification per person and key: a retried or repeated notice is not sent twice */
  dedupeKey: string;
}

/** A notification as its recipient sees it. */
export interface NotificationView {
  id: string;
  kind: string;
  caseId: string | null;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
  read: boolean;
}

export const toNotificationView = (n: NotificationEntity): NotificationView => ({
  id: n.id,
  kind: n.kind,
  caseId: n.caseId,
  title: n.title,
  body: n.body,
  data: n.data,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt ? n.readAt.toISOString() : null,
  read: n.readAt !== null,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** People's reminders and notices (GET /notifications). */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes one notification per person in the caller's transaction. Idempotent per
   * (person, dedupeKey). Ids that are not people in the directory (system actors, admin
   * tokens) are skipped rather than failing the caller's transaction. Returns how many were new.
   */
  async notify(tx: EntityManager, personIds: readonly string[], n: NotificationInput, now?: Date): Promise<number> {
    const ids = [...new Set(personIds.filter((p) => UUID.test(p)).map((p) => p.toLowerCase()))];
    if (ids.length === 0) return 0;
    const rows: unknown[] = await tx.query(
      `INSERT INTO notifications (person_id, case_id, kind, title, body, data, dedupe_key, created_at)
       SELECT p.id, $2, $3, $4, $5, $6::jsonb, $7, $8 FROM people p WHERE p.id = ANY($1::uuid[])
       ON CONFLICT (person_id, dedupe_key) DO NOTHING
       RETURNING id`,
      [
        ids,
        n.caseId ?? null,
        n.kind,
        n.title,
        n.body,
        JSON.stringify(n.data ?? {}),
        n.dedupeKey,
        now ?? this.clock.now(),
      ],
    );
    return rows.length;
  }

  /** The person's own notifications, newest first. */
  async list(
    personId: string,
    q: { limit: number; cursor?: string; unreadOnly?: boolean },
  ): Promise<Page<NotificationView>> {
    const qb = this.ds
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.person_id = :personId', { personId })
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(q.limit + 1);
    if (q.unreadOnly) qb.andWhere('n.read_at IS NULL');
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(n.created_at, n.id) < (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, (n) => ({ t: n.createdAt.toISOString(), id: n.id }));
    return { items: page.items.map(toNotificationView), nextCursor: page.nextCursor };
  }

  /** Marks one of the person's notifications read (again: unchanged). Someone else's: NOT_FOUND. */
  async markRead(personId: string, id: string): Promise<NotificationView> {
    return this.ds.transaction(async (tx) => {
      const n = await tx.findOneBy(NotificationEntity, { id, personId });
      if (!n) throw new DomainError('NOT_FOUND', `notification ${id} not found`);
      if (!n.readAt) {
        n.readAt = this.clock.now();
        await tx.update(NotificationEntity, { id }, { readAt: n.readAt });
      }
      return toNotificationView(n);
    });
  }
}
