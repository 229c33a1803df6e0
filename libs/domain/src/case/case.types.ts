import type { OcdsReleaseTag } from '../ocds/release-tags';
/** The vocabulary of a case: states, events, facts and effects. Names from contract.md. */

export const CASE_STATES = [
  'draft',
  'conflict_check',
  'route_decision',
  'tendering',
  'evaluation',
  'award_checks',
  'governance_review',
  'standstill',
  'awarded',
  'cancelled',
  'unsuccessful',
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const FINAL_STATES: readonly CaseState[] = ['awarded', 'cancelled', 'unsuccessful'];

export const ROLES = ['admin', 'commissioner', 'governance', 'provider'] as const;
export type Role = (typeof ROLES)[number];

export const TRACKS = ['fast', 'standard'] as const;
export type Track = (typeof TRACKS)[number];

export const ROUTES = ['competitive', 'direct_award_c', 'most_suitable_provider'] as const;
export type Route = (typeof ROUTES)[number];
export const PSR_MAKE_PROCESSES = ['direct_award_c', 'most_suitable_provider'] as const;
export type PsrMakeProcess = (typeof PSR_MAKE_PROCESSES)[number];

export const CANCEL_REASON_CODES = ['no_longer_needed', 'legal_breach', 'force_majeure', 'budget', 'other'] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];

export const CRITERION_KEYS = [
  'quality_innovation',
  'value',
  'integration_collaboration_sustainability',
  'access_inequalities_choice',
  'social_value',
] as const;
export type CriterionKey = (typeof CRITERION_KEYS)[number];
export interface Criterion {
  key: CriterionKey;
  weight: number;
}

export const MITIGATIONS = ['none', 'exclude_from_decision', 'exclude_from_evaluation', 'exclude_entirely'] as const;
export type Mitigation = (typeof MITIGATIONS)[number];

/** Deadline kinds. Human stages have a service level ("*_sla"); reminders are derived from them. */
export const DEADLINE_KINDS = [
  'conflict_check_sla',
  'tender_close',
  'evaluation_sla',
  'governance_review_sla',
  'standstill_end',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
/** Deadlines of human stages: a service level, reminded before and escalated when breached. */
export const SLA_DEADLINE_KINDS = ['conflict_check_sla', 'evaluation_sla', 'governance_review_sla'] as const;
export type SlaDeadlineKind = (typeof SLA_DEADLINE_KINDS)[number];

/** Events a client may send through POST /cases/{id}/events. */
export const CLIENT_EVENT_TYPES = [
  'SUBMIT',
  'COMPLETE_CONFLICT_CHECK',
  'DECIDE_MAKE',
  'DECIDE_BUY',
  'PROPOSE_AWARD',
  'APPROVE_AWARD',
  'REJECT_AWARD',
  'CANCEL',
  'AMEND_TENDER',
] as const;
export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number];

/** Events the engine's own services send (deadlines, workers, sub-resources). They are
 * audited like client events but cannot be posted by clients. */
export const INTERNAL_EVENT_TYPES = [
  'PANEL_MEMBER_ADDED',
  'PANEL_MEMBER_REMOVED',
  'DECLARATION_MADE',
  'DECLARATION_REVIEWED',
  'SCORE_RECORDED',
  'QUESTION_ANSWERED',
  'DEADLINE_DUE',
  'CHECKS_COMPLETED',
  'FLAG_RESOLVED',
  'REPRESENTATION_LODGED',
  'REPRESENTATION_RESOLVED',
  'CASE_DOCUMENT_ADDED',
] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];
export type CaseEventType = ClientEventType | InternalEventType;

/** Who may send each client event (403 otherwise). */
export const EVENT_ROLES: Record<ClientEventType, readonly Role[]> = {
  SUBMIT: ['commissioner'],
  COMPLETE_CONFLICT_CHECK: ['governance'],
  DECIDE_MAKE: ['commissioner'],
  DECIDE_BUY: ['commissioner'],
  PROPOSE_AWARD: ['commissioner'],
  APPROVE_AWARD: ['governance'],
  REJECT_AWARD: ['governance'],
  CANCEL: ['commissioner', 'governance'],
  AMEND_TENDER: ['commissioner'],
};

/** Events a person excluded from decisions may not send. */
export const DECISION_EVENTS: readonly ClientEventType[] = ['DECIDE_MAKE', 'DECIDE_BUY', 'PROPOSE_AWARD'];
/** Events a person excluded from decisions may not send although they decide nothing about the award. */
export const EXCLUDED_FROM_DECISION_EVENTS: readonly ClientEventType[] = [...DECISION_EVENTS, 'AMEND_TENDER'];

/**
 * Facts the application layer gathers from the database (in the same transaction)
 * and hands to the pure machine with each event. The machine never does I/O: guards
 * read these. Only the facts an event needs are filled in.
 */
export interface CaseFacts {
  /** policy: unexcluded decision makers needed */
  quorum?: number;
  /** policy: fewer bids than this when tendering closes: unsuccessful */
  minimumBids?: number;
  panelSize?: number;
  declarationsComplete?: boolean;
  unexcludedDecisionMakers?: number;
  actorExcludedFromDecision?: boolean;
  /** DECIDE_MAKE: requested provider ids that are not member practices of the consortium */
  nonMemberProviderIds?: string[];
  /** DECIDE_BUY: the closing instant to use (client-supplied or the policy minimum) and the minimum */
  tenderClosesAt?: string;
  minimumTenderClosesAt?: string;
  /** PROPOSE_AWARD */
  scoringComplete?: boolean;
  bidExists?: boolean;
  /** PROPOSE_AWARD: the proposed bid's provider (the awardee on the buy route) */
  bidProviderId?: string;
  /** APPROVE_AWARD: open blocking flags of the current proposal */
  openBlockingFlags?: number;
  /** DEADLINE_DUE tender_close */
  unansweredQuestions?: number;
  bidCount?: number;
  /** DEADLINE_DUE tender_close with a question unanswered: the closing instant moved on by the policy's extension */
  extendedTenderClosesAt?: string;
  /** REPRESENTATION_RESOLVED: representations still open after this one */
  openRepresentations?: number;
}

export interface Actor {
  /** person id, or 'system:<component>' for workers */
  id: string;
  roles: readonly Role[];
}

interface Base {
  actor: Actor;
  /** ISO instant: the clock is an input */
  now: string;
  facts?: CaseFacts;
}

export type CaseEvent =
  | (Base & { type: 'SUBMIT' })
  | (Base & { type: 'COMPLETE_CONFLICT_CHECK' })
  | (Base & { type: 'DECIDE_MAKE'; providerIds: string[]; psrProcess: PsrMakeProcess; justification: string })
  | (Base & { type: 'DECIDE_BUY'; criteria: Criterion[]; tenderClosesAt?: string })
  | (Base & { type: 'PROPOSE_AWARD'; bidId: string; justification: string })
  | (Base & { type: 'APPROVE_AWARD'; note: string })
  | (Base & { type: 'REJECT_AWARD'; reason: string })
  | (Base & { type: 'CANCEL'; reasonCode: CancelReasonCode; note?: string })
  | (Base & { type: 'AMEND_TENDER'; tenderClosesAt: string; reason: string })
  | (Base & { type: 'PANEL_MEMBER_ADDED'; personId: string })
  | (Base & { type: 'PANEL_MEMBER_REMOVED'; personId: string })
  | (Base & {
      type: 'DECLARATION_MADE';
      declarationId: string;
      personId: string;
      interestIds: string[];
      nilReturn: boolean;
    })
  | (Base & {
      type: 'DECLARATION_REVIEWED';
      declarationId: string;
      personId: string;
      mitigation: Mitigation;
      note: string;
    })
  | (Base & { type: 'SCORE_RECORDED'; bidId: string; evaluatorId: string })
  | (Base & { type: 'QUESTION_ANSWERED'; questionId: string })
  | (Base & {
      type: 'DEADLINE_DUE';
      deadlineId: string;
      kind: DeadlineKind;
      stageSeq: number;
      /** the scheduleDeadline revision that fired; when given, a superseded one is refused */
      revision?: number;
    })
  | (Base & {
      type: 'CHECKS_COMPLETED';
      stageSeq: number;
      proposalSeq: number;
      blockingFlags: number;
      advisoryFlags: number;
    })
  | (Base & {
      type: 'FLAG_RESOLVED';
      flagId: string;
      code: string;
      severity: 'blocking' | 'advisory';
      resolution: 'accepted' | 'upheld';
      proposalSeq: number;
    })
  | (Base & { type: 'REPRESENTATION_LODGED'; representationId: string })
  | (Base & { type: 'REPRESENTATION_RESOLVED'; representationId: string; outcome: 'upheld' | 'not_upheld' })
  /** a document of the case (its tender documents) was added, or a new version replaces one */
  | (Base & { type: 'CASE_DOCUMENT_ADDED'; documentId: string; replacesId: string | null });

export interface Proposal {
  seq: number;
  kind: 'make' | 'buy';
  bidId?: string;
  providerIds: string[];
  psrProcess?: PsrMakeProcess;
  justification: string;
  proposedBy: string;
  proposedAt: string;
}

export interface CaseContext {
  caseId: string;
  track: Track;
  route: Route | null;
  /** grows on every entry to a top-level state; deadlines and checks are fenced on it */
  stageSeq: number;
  /** the proposal under check/review/standstill; flags carry its seq */
  proposal: Proposal | null;
  proposalSeq: number;
  criteria: Criterion[] | null;
  tenderPublishedAt: string | null;
  tenderClosesAt: string | null;
  /** how many times a deadline of one kind was (re)scheduled within the current stage entry */
  deadlineRevisions: Partial<Record<DeadlineKind, number>>;
  openRepresentations: number;
  intentionPublishedAt: string | null;
  awardedAt: string | null;
  cancellation: { reasonCode: CancelReasonCode; note: string | null; at: string; by: string } | null;
}

export interface CaseInput {
  caseId: string;
  track: Track;
  now: string;
}

/** Notices carried to people through GET /notifications. Audience resolved by the application. */
export const NOTICE_KINDS = [
  'tender_published',
  'tender_closed',
  'tender_unsuccessful',
  'tender_extended',
  'intention_to_award',
  'standstill_paused',
  'standstill_resumed',
  'awarded',
  'cancelled',
  'award_rejected',
  'governance_review_needed',
  'tender_amended',
  'tender_document_changed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Public notices (Provider Selection Regime), as the contract names them. */
export const PUBLIC_NOTICE_TYPES = [
  'tender_notice',
  'intention_to_award',
  'award_confirmation',
  'cancellation',
] as const;
export type PublicNoticeType = (typeof PUBLIC_NOTICE_TYPES)[number];
/** Why a published notice is corrected by a new one: the fact that changed. */
export const NOTICE_CORRECTIONS = ['close_moved', 'standstill_paused', 'standstill_resumed'] as const;
export type NoticeCorrection = (typeof NOTICE_CORRECTIONS)[number];

/** Side effects returned by a transition as data; written to the outbox in the same transaction. */
export type CaseEffect =
  | {
      type: 'scheduleDeadline';
      kind: DeadlineKind;
      stageSeq: number;
      /** increments when the same kind is scheduled again within one stage entry */
      revision: number;
      /** explicit due instant (already final, e.g. tenderClosesAt); otherwise computed from policy */
      dueAt?: string;
      /** when computed: working days from this instant, per policy key */
      from?: string;
      policyKey?:
        | 'declarationWindow'
        | 'evaluationSla'
        | 'governanceReviewSla'
        | 'standstill'
        | 'furtherStandstill'
        | 'unansweredQuestionExtension';
    }
  | { type: 'cancelDeadlines'; kinds: DeadlineKind[] | 'all' }
  | { type: 'runAwardChecks'; stageSeq: number; proposalSeq: number }
  /** tell people about the case (who: the workflow's notice audiences) */
  | { type: 'notify'; notice: NoticeKind }
  /** the case reached `awarded`: one row in the register of awards */
  | { type: 'recordAward' }
  /** a make decision names providers: record the panel's links to them */
  | { type: 'recordMakeProviderConflicts' }
  /** tendering closed and the bidders are known: record the panel's links to them */
  | { type: 'recordBidderConflicts' }
  | { type: 'closeBids' }
  /** tendering closed: one BIDS_OPENED audit row lists every live bid's receipt */
  | { type: 'openBids' }
  /**
   * publish a public notice (transparency); with `correction`, a new notice of the type that
   * corrects the latest one. A cancellation is published only if a tender or an intention was.
   */
  | { type: 'publishNotice'; notice: PublicNoticeType; correction?: NoticeCorrection }
  /** the case is (again) on the register of procurement decisions, decided now, with no notice of its own */
  | { type: 'recordDecision' }
  /** a human stage ran past its service level and the case stays: flag, escalation, notice */
  | { type: 'escalateBreach'; kind: SlaDeadlineKind; deadlineId: string; stageSeq: number }
  /** publish the OCDS release of this change (contract "OCDS 1.1.5": which change publishes what) */
  | { type: 'publishRelease'; tag: OcdsReleaseTag[] };

/**
 * Every effect type, once. Typed as a record so that adding a variant to `CaseEffect` without
 * listing it here does not compile (the runtime picks effects out of XState's actions by it).
 */
const EFFECT_TYPE_SET: Record<CaseEffect['type'], true> = {
  scheduleDeadline: true,
  cancelDeadlines: true,
  runAwardChecks: true,
  notify: true,
  recordAward: true,
  recordMakeProviderConflicts: true,
  recordBidderConflicts: true,
  closeBids: true,
  openBids: true,
  publishNotice: true,
  recordDecision: true,
  escalateBreach: true,
  publishRelease: true,
};
export const CASE_EFFECT_TYPES = Object.keys(EFFECT_TYPE_SET) as readonly CaseEffect['type'][];
export type CaseEffectType = CaseEffect['type'];
