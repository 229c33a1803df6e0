import { ev, EXTENDED_TENDER_CLOSES_AT } from './case-events';
import type { CaseContext, CaseEvent } from '../case.types';

/** Sample events for model-based walks: facts that pass and that fail each guard. */
export function sampleEvents(context: CaseContext): CaseEvent[] {
  const d = { context };
  const later = (iso: string | null, days: number) =>
    new Date(Date.parse(iso ?? EXTENDED_TENDER_CLOSES_AT) + days * 86_400_000).toISOString();
  return [
    ev.submit(),
    ev.submit({ panelSize: 1 }),
    ev.completeConflictCheck(),
    ev.completeConflictCheck({ declarationsComplete: false }),
    ev.completeConflictCheck({ unexcludedDecisionMakers: 1 }),
    ev.decideMake(),
    ev.decideMake({ actorExcludedFromDecision: true }),
    ev.decideMake({ nonMemberProviderIds: ['trust-1'] }),
    ev.decideBuy(),
    ev.decideBuy({}, [{ key: 'value', weight: 90 }]),
    ev.decideBuy({ tenderClosesAt: '2026-03-03T00:00:00Z' }),
    ev.tenderClose(d),
    ev.tenderClose(d, { bidCount: 0 }),
    ev.tenderClose(d, { unansweredQuestions: 1, extendedTenderClosesAt: later(context.tenderClosesAt, 2) }),
    { ...ev.tenderClose(d), stageSeq: context.stageSeq - 1 } as CaseEvent,
    ev.deadline(d, 'conflict_check_sla'),
    ev.deadline(d, 'evaluation_sla'),
    ev.deadline(d, 'governance_review_sla'),
    ev.deadline(d, 'standstill_end'),
    ev.deadline(d, 'standstill_end', { stageSeq: context.stageSeq - 1 }),
    ev.proposeAward(),
    ev.proposeAward({ scoringComplete: false }),
    ev.proposeAward({ bidExists: false }),
    ev.checksCompleted(d, 0),
    ev.checksCompleted(d, 1),
    ev.checksCompleted(d, 0, { proposalSeq: context.proposalSeq - 1 }),
    ev.approveAward(),
    ev.approveAward({ openBlockingFlags: 1 }),
    ev.rejectAward(),
    ev.flagResolved(d),
    ev.flagResolved(d, { severity: 'advisory' }),
    ev.representationLodged(),
    ev.representationResolved('not_upheld'),
    ev.representationResolved('upheld'),
    ev.cancel(),
    ev.panelMemberAdded(),
    ev.declarationMade(),
    ev.declarationReviewed(),
    ev.scoreRecorded(),
    ev.questionAnswered(),
  ];
}

// the model abstracts counters that grow in loops so that the graph stays finite
export const cap = (n: number) => Math.min(n, 2);
export const serializeState = (s: { value: unknown; context: CaseContext }) =>
  JSON.stringify({
    value: s.value,
    route: s.context.route,
    proposals: cap(s.context.proposalSeq),
    representations: cap(s.context.openRepresentations),
    revisions: Object.fromEntries(Object.entries(s.context.deadlineRevisions).map(([k, v]) => [k, cap(v ?? 0)])),
  });
