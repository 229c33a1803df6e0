import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { Clock } from '@makebuy/settings';
import { NotificationEntity } from './notification.entity';
import { NotificationRow, NotificationsRepository } from './notifications.repository';
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

/** The ids that can be people, lower-cased, once each. */
const people = (personIds: readonly string[]) => [
  ...new Set(personIds.filter((p) => UUID.test(p)).map((p) => p.toLowerCase())),
];

/** People's reminders and notices (GET /notifications). */
@Injectable()
export class NotificationsService {
  /** Notifications held by a transaction until its holder flushes them (a batch of deadline closes). */
  private readonly held = new WeakMap<EntityManager, { personIds: string[]; n: NotificationRow }[]>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly repo: NotificationsRepository,
  ) {}

  /**
   * Writes one notification per person in the caller's transaction. Idempotent per
   * (person, dedupeKey). Ids that are not people in the directory (system actors, admin
   * tokens) are skipped rather than failing the caller's transaction. Returns how many were new.
   */
  async notify(tx: EntityManager, personIds: readonly string[], n: NotificationInput, now?: Date): Promise<number> {
    const ids = people(personIds);
    if (ids.length === 0) return 0;
    return this.repo.insertForPeople(tx, ids, this.row(n, now));
  }

  /**
   * `notify` when the caller needs no count: in a transaction that holds its writes (a batch of
   * deadline closes), the notification is written with the batch's others in one statement, at
   * `flushHeld`, still in that transaction; in the case engine's, it rides with the next statement.
   */
  async deliver(tx: EntityManager, personIds: readonly string[], n: NotificationInput, now?: Date): Promise<void> {
    const ids = people(personIds);
    if (ids.length === 0) return;
    const held = this.held.get(tx);
    if (held) held.push({ personIds: ids, n: this.row(n, now) });
    else await this.repo.deferForPeople(tx, ids, this.row(n, now));
  }

  /** From now until `flushHeld`, what `deliver` writes through `tx` is held (see DeadlineFiring). */
  holdWrites(tx: EntityManager): void {
    this.held.set(tx, []);
  }

  /** Writes the held notifications of `tx` (one statement), and holds again from empty. */
  async flushHeld(tx: EntityManager): Promise<void> {
    const held = this.held.get(tx);
    if (!held?.length) return;
    this.held.set(tx, []);
    await this.repo.insertMany(tx, held);
  }

  private row(n: NotificationInput, now?: Date): NotificationRow {
    return {
      caseId: n.caseId ?? null,
      kind: n.kind,
      title: n.title,
      body: n.body,
      data: n.data ?? {},
      dedupeKey: n.dedupeKey,
      createdAt: now ?? this.clock.now(),
    };
  }

  /** The person's own notifications, newest first. */
  async list(
    personId: string,
    q: { limit: number; cursor?: string; unreadOnly?: boolean },
  ): Promise<Page<NotificationView>> {
    const rows = await this.repo.page(personId, {
      limit: q.limit,
      after: decodeCursor(q.cursor),
      unreadOnly: q.unreadOnly,
    });
    const page = pageOf(rows, q.limit, (n) => ({ t: n.createdAt.toISOString(), id: n.id }));
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
