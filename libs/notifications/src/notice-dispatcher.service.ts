import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NoticeKind } from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { noticeText } from './notices';
import { NotificationsService } from './notifications.service';

/**
 * Carries out the `notify` effect: one notification per person, in the command's transaction.
 * Who receives it is the case workflow's decision (its notice audiences).
 */
@Injectable()
export class NoticeDispatcher {
  /** Consortium names by id: a consortium is never renamed, and every notice names its own. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly notifications: NotificationsService,
    private readonly directory: DirectoryService,
  ) {}

  async send(tx: EntityManager, row: CaseEntity, notice: NoticeKind, people: readonly string[], now: Date) {
    await this.notifications.deliver(
      tx,
      people,
      {
        kind: notice,
        caseId: row.id,
        ...noticeText(notice, { ...row, consortiumName: await this.consortiumName(tx, row.consortiumId) }),
        // row.version is the case's version after this transition: unique per transition
        dedupeKey: `${notice}:${row.id}:v${row.version}`,
      },
      now,
    );
  }

  private async consortiumName(tx: EntityManager, id: string): Promise<string | null> {
    const known = this.names.get(id);
    if (known !== undefined) return known;
    const name = await this.directory.consortiumName(id, tx);
    if (name !== null) {
      if (this.names.size >= 10_000) this.names.delete(this.names.keys().next().value as string);
      this.names.set(id, name);
    }
    return name;
  }
}
