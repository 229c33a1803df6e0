import type { Route, Track } from '../case/case.types';

/** One track's policy (contract.md "Policy defaults"); periods in working days. */
export interface StagePolicy {
  quorum: number;
  declarationWindow: number;
  minimumTenderPeriod: number;
  clarificationCutoff: number;
  unansweredQuestionExtension: number;
  minimumBids: number;
  evaluationSla: number;
  governanceReviewSla: number;
  standstill: number;
  furtherStandstill: number;
  reminderLeadWorkingDays: number;
}

export interface FlagThresholds {
  scoringBiasMargin: number;
  concentrationShare: number;
  concentrationWindowMonths: number;
  concentrationMinimumEarlierAwards: number;
}

export interface PolicyBook {
  tracks: Record<Track, StagePolicy>;
  routes: Record<Route, Record<Track, Partial<StagePolicy>>>;
  flags: FlagThresholds;
  annualDeclaration: { maxAgeDays: number; newInterestDays: number };
  register: { endedInterestVisibleMonths: number };
}

/** The policy in force for a case: the track's, with the route's overrides once a route is chosen. */
export function policyFor(book: PolicyBook, track: Track, route: Route | null): StagePolicy {
  const base = book.tracks[track];
  return route ? { ...base, ...book.routes[route][track] } : base;
}
