import { Injectable, OnModuleInit } from '@nestjs/common';
import { CasePanel, EffectRegistry } from '@makebuy/cases';
import { AudienceRegistry } from './audience.registry';
import { CaseGovernance } from './case-governance.service';
import { noticeText } from './notices';
import { NotificationsService } from './notifications.service';

/**
 * Carries out the `notify` effect: one notification per person, in the command's transaction,
 * to the case's panel and creator plus every registered audience (bidders, governance...).
 */
@Injectable()
export class NoticeDispatcher implements OnModuleInit {
  constructor(
    private readonly effects: EffectRegistry,
    private readonly audiences: AudienceRegistry,
    private readonly panel: CasePanel,
    private readonly governance: CaseGovernance,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    // governance officers must act on these
    this.audiences.register(['governance_review_needed', 'standstill_paused'], (tx, row) =>
      this.governance.officers(tx, row.id),
    );
    this.effects.register('notify', async (effect, { tx, row, now }) => {
      const people = new Set<string>([row.createdBy]);
      for (const m of await this.panel.members(row.id, tx)) people.add(m.personId);
      for (const p of await this.audiences.resolve(tx, row, effect.notice)) people.add(p);
      const text = noticeText(effect.notice, row);
      await this.notifications.notify(
        tx,
        [...people],
        {
          kind: effect.notice,
          caseId: row.id,
          ...text,
          // row.version is the case's version after this transition: unique per transition
          dedupeKey: `${effect.notice}:${row.id}:v${row.version}`,
        },
        now,
      );
    });
  }
}
