import { and, assign, setup } from 'xstate';
import { ruleViolation } from './case.rules';
import {
  SLA_DEADLINE_KINDS,
  type CaseContext,
  type CaseEffect,
  type CaseEvent,
  type CaseInput,
  type CaseState,
  type DeadlineKind,
  type NoticeCorrection,
  type NoticeKind,
  type PublicNoticeType,
  type SlaDeadlineKind,
} from './case.types';
import type { OcdsReleaseTag } from '../ocds/release-tags';

/**
 * The case statechart. Pure: no invoke, no delays, no I/O. The clock is `event.now`,
 * deadlines arrive as `DEADLINE_DUE` events, and side effects are parameterised actions
 * that `transition()` hands back as data (their implementations are never run).
 */

type EffectParams<T extends CaseEffect['type']> = Omit<Extract<CaseEffect, { type: T }>, 'type'>;
type ScheduleParams = EffectParams<'scheduleDeadline'>;
type ActionArgs = { context: CaseContext; event: CaseEvent };

const noop = () => undefined;

/** Every transition carries this guard: the rules in case.rules.ts are the one source of truth. */
const ok = (state: CaseState) => ({ type: 'rulesPass', params: { state } }) as const;

const facts = (event: CaseEvent) => event.facts ?? {};

function remainingRepresentations(context: CaseContext, event: CaseEvent): number {
  // the database's count wins when the application supplies it
  const fromFacts = facts(event).openRepresentations;
  return typeof fromFacts === 'number' && Number.isInteger(fromFacts) && fromFacts >= 0
    ? fromFacts
    : Math.max(0, context.openRepresentations - 1);
}

/** scheduleDeadline for the current stage entry and revision of `kind`. */
function schedule(kind: DeadlineKind, when: (a: ActionArgs) => Pick<ScheduleParams, 'dueAt' | 'from' | 'policyKey'>) {
  return {
    type: 'scheduleDeadline',
    params: (a: ActionArgs): ScheduleParams => ({
      kind,
      stageSeq: a.context.stageSeq,
      revision: a.context.deadlineRevisions[kind] ?? 0,
      ...when(a),
    }),
  } as const;
}
const fromPolicy = (policyKey: NonNullable<ScheduleParams['policyKey']>) => (a: ActionArgs) => ({
  policyKey,
  from: a.event.now,
});
const cancelDeadlines = (kinds: DeadlineKind[] | 'all') => ({ type: 'cancelDeadlines', params: { kinds } }) as const;
const notify = (notice: NoticeKind) => ({ type: 'notify', params: { notice } }) as const;
const publishNotice = (notice: PublicNoticeType, correction?: NoticeCorrection) =>
  ({ type: 'publishNotice', params: correction ? { notice, correction } : { notice } }) as const;
const recordDecision = { type: 'recordDecision' } as const;
/** The OCDS release a transition publishes (the OCDS release tags of the change). */
const publish = (...tag: OcdsReleaseTag[]) => ({ type: 'publishRelease', params: { tag } }) as const;
const bumpRevision = (kind: DeadlineKind) => ({ type: 'bumpRevision', params: { kind } }) as const;
/** A human stage's service level passed and the case stays in it: the breach is escalated. */
const escalateBreach = {
  type: 'escalateBreach',
  params: ({ event }: ActionArgs): EffectParams<'escalateBreach'> => {
    if (event.type !== 'DEADLINE_DUE' || !isSlaKind(event.kind))
      throw new TypeError(`escalateBreach needs an SLA DEADLINE_DUE, got ${event.type}`);
    return { kind: event.kind, deadlineId: event.deadlineId, stageSeq: event.stageSeq };
  },
} as const;
const isSlaKind = (kind: DeadlineKind): kind is SlaDeadlineKind =>
  (SLA_DEADLINE_KINDS as readonly string[]).includes(kind);

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  guards: {
    rulesPass: ({ context, event }, params: { state: CaseState }) =>
      ruleViolation(params.state, context, event) === null,
    isCompetitive: ({ context }) => context.route === 'competitive',
    questionsUnanswered: ({ event }) => (facts(event).unansweredQuestions ?? 0) > 0,
    tooFewBids: ({ event }) => (facts(event).bidCount ?? 0) < (facts(event).minimumBids ?? 1),
    hasBlockingFlags: ({ event }) => event.type === 'CHECKS_COMPLETED' && event.blockingFlags > 0,
    upholdsBlockingFlagOfProposal: ({ context, event }) =>
      event.type === 'FLAG_RESOLVED' &&
      event.resolution === 'upheld' &&
      event.severity === 'blocking' &&
      event.proposalSeq === context.proposalSeq,
    representationUpheld: ({ event }) => event.type === 'REPRESENTATION_RESOLVED' && event.outcome === 'upheld',
    lastRepresentationResolved: ({ context, event }) => remainingRepresentations(context, event) === 0,
  },
  actions: {
    // effects: returned as data, never executed here
    scheduleDeadline: (_: unknown, _params: ScheduleParams) => noop(),
    cancelDeadlines: (_: unknown, _params: EffectParams<'cancelDeadlines'>) => noop(),
    runAwardChecks: (_: unknown, _params: EffectParams<'runAwardChecks'>) => noop(),
    notify: (_: unknown, _params: EffectParams<'notify'>) => noop(),
    recordAward: noop,
    recordMakeProviderConflicts: noop,
    recordBidderConflicts: noop,
    closeBids: noop,
    openBids: noop,
    publishNotice: (_: unknown, _params: EffectParams<'publishNotice'>) => noop(),
    recordDecision: noop,
    escalateBreach: (_: unknown, _params: EffectParams<'escalateBreach'>) => noop(),
    publishRelease: (_: unknown, _params: EffectParams<'publishRelease'>) => noop(),

    // context updates
    enterStage: assign({
      stageSeq: ({ context }) => context.stageSeq + 1,
      deadlineRevisions: () => ({}),
    }),
    bumpRevision: assign({
      deadlineRevisions: ({ context }, params: { kind: DeadlineKind }) => ({
        ...context.deadlineRevisions,
        [params.kind]: (context.deadlineRevisions[params.kind] ?? 0) + 1,
      }),
    }),
    decideMake: assign(({ context, event }) => {
      if (event.type !== 'DECIDE_MAKE') return {};
      const seq = context.proposalSeq + 1;
      return {
        route: event.psrProcess,
        proposalSeq: seq,
        proposal: {
          seq,
          kind: 'make' as const,
          providerIds: [...event.providerIds],
          psrProcess: event.psrProcess,
          justification: event.justification,
          proposedBy: event.actor.id,
          proposedAt: event.now,
        },
      };
    }),
    decideBuy: assign(({ event }) => {
      if (event.type !== 'DECIDE_BUY') return {};
      return {
        route: 'competitive' as const,
        criteria: event.criteria.map((c) => ({ key: c.key, weight: c.weight })),
        tenderPublishedAt: event.now,
        tenderClosesAt: event.facts?.tenderClosesAt ?? null,
      };
    }),
    extendTender: assign({
      tenderClosesAt: ({ context, event }) => event.facts?.extendedTenderClosesAt ?? context.tenderClosesAt,
    }),
    amendTender: assign({
      tenderClosesAt: ({ context, event }) =>
        event.type === 'AMEND_TENDER' ? new Date(event.tenderClosesAt).toISOString() : context.tenderClosesAt,
    }),
    proposeAward: assign(({ context, event }) => {
      if (event.type !== 'PROPOSE_AWARD') return {};
      const seq = context.proposalSeq + 1;
      return {
        proposalSeq: seq,
        proposal: {
          seq,
          kind: 'buy' as const,
          bidId: event.bidId,
          // the awardee: the proposed bid's provider, supplied with the facts
          providerIds: typeof event.facts?.bidProviderId === 'string' ? [event.facts.bidProviderId] : [],
          justification: event.justification,
          proposedBy: event.actor.id,
          proposedAt: event.now,
        },
      };
    }),
    publishIntention: assign({
      intentionPublishedAt: ({ event }) => event.now,
      openRepresentations: 0,
    }),
    lodgeRepresentation: assign({
      openRepresentations: ({ context }) => context.openRepresentations + 1,
    }),
    resolveRepresentation: assign({
      openRepresentations: ({ context, event }) => remainingRepresentations(context, event),
    }),
    markAwarded: assign({ awardedAt: ({ event }) => event.now }),
    recordCancellation: assign({
      cancellation: ({ event }) =>
        event.type === 'CANCEL'
          ? { reasonCode: event.reasonCode, note: event.note ?? null, at: event.now, by: event.actor.id }
          : null,
    }),
  },
}).createMachine({
  id: 'case',
  initial: 'draft',
  // XState's pure `transition()` (decideCase) builds a throwaway actor without input on every call
  // and computes its initial context: reading `input.caseId` there threw a TypeError XState caught,
  // some 18 us of every decision. Without input the throwaway gets a blank case; a real case always
  // starts with one (startCase's input is required by its type).
  context: ({ input }) => ({
    caseId: input?.caseId ?? '',
    track: input?.track ?? 'standard',
    route: null,
    stageSeq: 0,
    proposal: null,
    proposalSeq: 0,
    criteria: null,
    tenderPublishedAt: null,
    tenderClosesAt: null,
    deadlineRevisions: {},
    openRepresentations: 0,
    intentionPublishedAt: null,
    awardedAt: null,
    cancellation: null,
  }),
  states: {
    draft: {
      entry: 'enterStage',
      on: {
        SUBMIT: { guard: ok('draft'), target: 'conflict_check' },
        PANEL_MEMBER_ADDED: { guard: ok('draft') },
        PANEL_MEMBER_REMOVED: { guard: ok('draft') },
        FLAG_RESOLVED: { guard: ok('draft') },
        CASE_DOCUMENT_ADDED: { guard: ok('draft') },
        CANCEL: { guard: ok('draft'), target: 'cancelled' },
      },
    },

    conflict_check: {
      entry: ['enterStage', schedule('conflict_check_sla', fromPolicy('declarationWindow'))],
      exit: cancelDeadlines(['conflict_check_sla']),
      on: {
        COMPLETE_CONFLICT_CHECK: { guard: ok('conflict_check'), target: 'route_decision' },
        PANEL_MEMBER_ADDED: { guard: ok('conflict_check') },
        PANEL_MEMBER_REMOVED: { guard: ok('conflict_check') },
        DECLARATION_MADE: { guard: ok('conflict_check') },
        DECLARATION_REVIEWED: { guard: ok('conflict_check') },
        // service level passed: the case stays, the breach is escalated
        DEADLINE_DUE: { guard: ok('conflict_check'), actions: escalateBreach },
        FLAG_RESOLVED: { guard: ok('conflict_check') },
        CASE_DOCUMENT_ADDED: { guard: ok('conflict_check') },
        CANCEL: { guard: ok('conflict_check'), target: 'cancelled' },
      },
    },

    route_decision: {
      entry: 'enterStage',
      on: {
        DECIDE_MAKE: {
          guard: ok('route_decision'),
          target: 'award_checks',
          actions: ['decideMake', { type: 'recordMakeProviderConflicts' }],
        },
        DECIDE_BUY: { guard: ok('route_decision'), target: 'tendering', actions: 'decideBuy' },
        FLAG_RESOLVED: { guard: ok('route_decision') },
        CASE_DOCUMENT_ADDED: { guard: ok('route_decision') },
        CANCEL: { guard: ok('route_decision'), target: 'cancelled' },
      },
    },

    tendering: {
      entry: [
        'enterStage',
        schedule('tender_close', ({ context }) => ({ dueAt: context.tenderClosesAt ?? undefined })),
        notify('tender_published'),
        publishNotice('tender_notice'),
        publish('tender'),
      ],
      exit: cancelDeadlines(['tender_close']),
      on: {
        // the enquiries extension: an answered question is published
        QUESTION_ANSWERED: { guard: ok('tendering'), actions: publish('tenderUpdate') },
        // a tender document added or replaced: those who asked or bid are told; the close stays
        CASE_DOCUMENT_ADDED: {
          guard: ok('tendering'),
          actions: [notify('tender_document_changed'), publish('tenderUpdate')],
        },
        AMEND_TENDER: {
          guard: ok('tendering'),
          actions: [
            bumpRevision('tender_close'),
            'amendTender',
            schedule('tender_close', ({ context }) => ({ dueAt: context.tenderClosesAt ?? undefined })),
            notify('tender_amended'),
            publishNotice('tender_notice', 'close_moved'),
            publish('tenderUpdate'),
          ],
        },
        DEADLINE_DUE: [
          {
            // tendering cannot end with a question unanswered: move the close on, same stage entry
            guard: and([ok('tendering'), 'questionsUnanswered']),
            actions: [
              bumpRevision('tender_close'),
              'extendTender',
              schedule('tender_close', ({ context }) => ({ dueAt: context.tenderClosesAt ?? undefined })),
              notify('tender_extended'),
              publishNotice('tender_notice', 'close_moved'),
              publish('tenderUpdate'),
            ],
          },
          {
            guard: and([ok('tendering'), 'tooFewBids']),
            target: 'unsuccessful',
            actions: [
              { type: 'openBids' },
              notify('tender_unsuccessful'),
              { type: 'closeBids' },
              recordDecision,
              publish('tenderUpdate'),
            ],
          },
          {
            guard: ok('tendering'),
            target: 'evaluation',
            actions: [
              { type: 'openBids' },
              notify('tender_closed'),
              { type: 'recordBidderConflicts' },
              publish('tenderUpdate'),
            ],
          },
        ],
        FLAG_RESOLVED: { guard: ok('tendering') },
        CANCEL: { guard: ok('tendering'), target: 'cancelled' },
      },
    },

    evaluation: {
      entry: ['enterStage', schedule('evaluation_sla', fromPolicy('evaluationSla'))],
      exit: cancelDeadlines(['evaluation_sla']),
      on: {
        PROPOSE_AWARD: { guard: ok('evaluation'), target: 'award_checks', actions: 'proposeAward' },
        SCORE_RECORDED: { guard: ok('evaluation') },
        DEADLINE_DUE: { guard: ok('evaluation'), actions: escalateBreach },
        FLAG_RESOLVED: { guard: ok('evaluation') },
        CANCEL: { guard: ok('evaluation'), target: 'cancelled' },
      },
    },

    award_checks: {
      entry: [
        'enterStage',
        {
          type: 'runAwardChecks',
          params: ({ context }) => ({ stageSeq: context.stageSeq, proposalSeq: context.proposalSeq }),
        },
      ],
      on: {
        CHECKS_COMPLETED: [
          {
            guard: and([ok('award_checks'), 'hasBlockingFlags']),
            target: 'governance_review',
            actions: notify('governance_review_needed'),
          },
          { guard: ok('award_checks'), target: 'standstill' },
        ],
        FLAG_RESOLVED: { guard: ok('award_checks') },
        CANCEL: { guard: ok('award_checks'), target: 'cancelled' },
      },
    },

    governance_review: {
      entry: ['enterStage', schedule('governance_review_sla', fromPolicy('governanceReviewSla'))],
      exit: cancelDeadlines(['governance_review_sla']),
      on: {
        APPROVE_AWARD: { guard: ok('governance_review'), target: 'standstill' },
        REJECT_AWARD: [
          {
            guard: and([ok('governance_review'), 'isCompetitive']),
            target: 'evaluation',
            actions: notify('award_rejected'),
          },
          { guard: ok('governance_review'), target: 'route_decision', actions: notify('award_rejected') },
        ],
        FLAG_RESOLVED: [
          {
            guard: and([ok('governance_review'), 'upholdsBlockingFlagOfProposal', 'isCompetitive']),
            target: 'evaluation',
            actions: notify('award_rejected'),
          },
          {
            guard: and([ok('governance_review'), 'upholdsBlockingFlagOfProposal']),
            target: 'route_decision',
            actions: notify('award_rejected'),
          },
          { guard: ok('governance_review') },
        ],
        DEADLINE_DUE: { guard: ok('governance_review'), actions: escalateBreach },
        CANCEL: { guard: ok('governance_review'), target: 'cancelled' },
      },
    },

    standstill: {
      entry: [
        'enterStage',
        'publishIntention',
        schedule('standstill_end', fromPolicy('standstill')),
        notify('intention_to_award'),
        publishNotice('intention_to_award'),
        publish('award'),
      ],
      exit: cancelDeadlines(['standstill_end']),
      initial: 'running',
      on: {
        FLAG_RESOLVED: { guard: ok('standstill') },
        CANCEL: { guard: ok('standstill'), target: 'cancelled' },
      },
      states: {
        running: {
          on: {
            REPRESENTATION_LODGED: {
              guard: ok('standstill'),
              target: 'paused',
              actions: [
                'lodgeRepresentation',
                cancelDeadlines(['standstill_end']),
                notify('standstill_paused'),
                publishNotice('intention_to_award', 'standstill_paused'),
              ],
            },
            DEADLINE_DUE: {
              guard: ok('standstill'),
              target: '#case.awarded',
              actions: [
                'markAwarded',
                { type: 'recordAward' },
                notify('awarded'),
                publishNotice('award_confirmation'),
                publish('awardUpdate', 'contract'),
              ],
            },
          },
        },
        paused: {
          on: {
            REPRESENTATION_LODGED: { guard: ok('standstill'), actions: 'lodgeRepresentation' },
            REPRESENTATION_RESOLVED: [
              {
                guard: and([ok('standstill'), 'representationUpheld', 'isCompetitive']),
                target: '#case.evaluation',
                actions: [notify('award_rejected'), recordDecision, publish('awardUpdate')],
              },
              {
                guard: and([ok('standstill'), 'representationUpheld']),
                target: '#case.route_decision',
                actions: [notify('award_rejected'), recordDecision, publish('awardUpdate')],
              },
              {
                // a further standstill runs from the decision to go ahead
                guard: and([ok('standstill'), 'lastRepresentationResolved']),
                target: 'running',
                actions: [
                  'resolveRepresentation',
                  bumpRevision('standstill_end'),
                  schedule('standstill_end', fromPolicy('furtherStandstill')),
                  notify('standstill_resumed'),
                  publishNotice('intention_to_award', 'standstill_resumed'),
                ],
              },
              { guard: ok('standstill'), actions: 'resolveRepresentation' },
            ],
          },
        },
      },
    },

    awarded: { type: 'final', entry: 'enterStage' },
    cancelled: {
      type: 'final',
      // published only if the process published a release before (the release store knows)
      entry: [
        'enterStage',
        'recordCancellation',
        cancelDeadlines('all'),
        { type: 'closeBids' },
        notify('cancelled'),
        publishNotice('cancellation'),
        publish('tenderCancellation'),
      ],
    },
    unsuccessful: { type: 'final', entry: 'enterStage' },
  },
});

export type CaseMachine = typeof caseMachine;
