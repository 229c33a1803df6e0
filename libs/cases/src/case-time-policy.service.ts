import { Inject, Injectable } from '@nestjs/common';
import {
  accelerate,
  acceleratedGapBefore,
  PolicyBook,
  policyFor,
  StagePolicy,
  WorkingDayCalendar,
} from '@makebuy/domain';
import { APP_CONFIG, AppConfig, POLICY_BOOK } from '@makebuy/settings';
import type { CaseEntity } from './case.entities';

export type PolicyPeriodKey =
  | 'declarationWindow'
  | 'minimumTenderPeriod'
  | 'evaluationSla'
  | 'governanceReviewSla'
  | 'standstill'
  | 'furtherStandstill'
  | 'unansweredQuestionExtension';

/**
 * Turns policy periods (working days) into instants: the contract's working-day counting, then
 * TIME_ACCELERATION (the distance from now to the computed instant is divided by it).
 */
@Injectable()
export class CaseTimePolicy {
  readonly calendar = new WorkingDayCalendar();

  constructor(
    @Inject(POLICY_BOOK) private readonly book: PolicyBook,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get acceleration(): number {
    return this.config.timeAcceleration;
  }

  policy(row: Pick<CaseEntity, 'track' | 'context'>): StagePolicy {
    return policyFor(this.book, row.track, row.context.route);
  }

  /** end of the Nth working day after `from`, accelerated relative to `now` */
  dueAfter(from: Date, workingDays: number, now: Date = from): Date {
    return accelerate(now, this.calendar.endOfWorkingDay(from, workingDays), this.config.timeAcceleration);
  }

  dueFor(key: PolicyPeriodKey, row: Pick<CaseEntity, 'track' | 'context'>, from: Date, now: Date = from): Date {
    return this.dueAfter(from, this.policy(row)[key], now);
  }

  /** The earliest instant tendering may close, for a tender published at `now`. */
  minimumTenderClose(
    row: Pick<CaseEntity, 'track' | 'context'>,
    now: Date,
    route = row.context.route ?? 'competitive',
  ): Date {
    return this.dueAfter(now, policyFor(this.book, row.track, route).minimumTenderPeriod, now);
  }

  /** Clarification questions close N working days before tendering closes; under acceleration the gap is scaled. */
  clarificationCutoff(row: Pick<CaseEntity, 'track' | 'context'>, closesAt: Date): Date {
    const n = this.policy(row).clarificationCutoff;
    if (n === 0) return closesAt;
    return acceleratedGapBefore(closesAt, this.calendar.workingDaysBefore(closesAt, n), this.config.timeAcceleration);
  }

  /** A reminder before a human deadline: the policy's lead time before it, scaled like the deadline. */
  reminderBefore(row: Pick<CaseEntity, 'track' | 'context'>, dueAt: Date, now: Date): Date | null {
    const n = this.policy(row).reminderLeadWorkingDays;
    if (n <= 0) return null;
    const at = acceleratedGapBefore(dueAt, this.calendar.workingDaysBefore(dueAt, n), this.config.timeAcceleration);
    return at.getTime() > now.getTime() ? at : null;
  }
}
