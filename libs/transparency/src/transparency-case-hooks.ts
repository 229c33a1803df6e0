import { Injectable, OnModuleInit } from '@nestjs/common';
import { EffectRegistry } from '@makebuy/cases';
import { NoticesService, UNANSWERED_QUESTION_EXTENSION } from './notices.service';

/**
 * The one place the case engine reaches this feature: the transitions' `notify` effects that
 * publish something, carried out in the transaction of the transition.
 */
@Injectable()
export class TransparencyCaseHooks implements OnModuleInit {
  constructor(
    private readonly effects: EffectRegistry,
    private readonly notices: NoticesService,
  ) {}

  onModuleInit(): void {
    this.effects.register('notify', async (effect, { tx, row, decision, now }) => {
      switch (effect.notice) {
        case 'tender_published':
          await this.notices.publishTenderNotice(tx, row, now);
          return;
        case 'tender_extended':
          await this.notices.publishTenderNotice(tx, row, now, UNANSWERED_QUESTION_EXTENSION);
          return;
        case 'tender_unsuccessful':
          await this.notices.markDecided(tx, row, now);
          return;
        case 'intention_to_award':
          await this.notices.publishIntention(tx, row, now, { debrief: true });
          return;
        case 'standstill_paused':
        case 'standstill_resumed':
          await this.notices.publishIntention(tx, row, now, { debrief: false });
          return;
        case 'awarded':
          await this.notices.publishAwardConfirmation(tx, row, now);
          return;
        case 'cancelled':
          await this.notices.publishCancellation(tx, row, decision.fromState ?? row.state, now);
          return;
        case 'award_rejected':
          // an upheld representation withdrew a published intention: the register records it
          if (decision.fromState === 'standstill') await this.notices.markDecided(tx, row, now);
          return;
        case 'tender_closed':
        case 'governance_review_needed':
          return;
      }
    });
  }
}
