import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationKind, NotificationsService } from '@makebuy/notifications';

export const ANNUAL_DECLARATION_NOTICE: NotificationKind = 'annual_declaration_due';

/** The annual-declaration reminder, sent through the person's notifications (GET /notifications). */
@Injectable()
export class DeclarationReminders {
  constructor(private readonly notifications: NotificationsService) {}

  /** In the caller's transaction; one reminder per overdue period (the dedupe key), so a re-run is harmless. */
  async remind(
    tx: EntityManager,
    personId: string,
    facts: { overdueSince: Date; lastDeclaredAt: Date | null },
    now: Date,
  ): Promise<void> {
    const since = facts.lastDeclaredAt
      ? `Your last declaration was on ${facts.lastDeclaredAt.toISOString().slice(0, 10)}.`
      : 'You have not made a declaration yet.';
    await this.notifications.notify(
      tx,
      [personId],
      {
        kind: ANNUAL_DECLARATION_NOTICE,
        caseId: null,
        title: 'Your declaration of interests is due',
        body: `${since} Please declare your interests, or make a nil return, in the register of interests.`,
        data: {
          overdueSince: facts.overdueSince.toISOString(),
          lastDeclaredAt: facts.lastDeclaredAt?.toISOString() ?? null,
        },
        dedupeKey: `annual-declaration-${facts.overdueSince.toISOString()}`,
      },
      now,
    );
  }
}
