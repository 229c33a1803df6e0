import { criteriaProblem, ruleViolation } from './case.rules';
import { startCase } from './case.runtime';
import type { CaseContext, CaseEvent } from './case.types';
import { caseInput, CRITERIA, ev, given, route } from './testing/case-events';

const ctx = (over: Partial<CaseContext> = {}): CaseContext => ({ ...startCase(caseInput).context, ...over });

describe('ruleViolation', () => {
  it('returns null for events a state takes without rules', () => {
    expect(ruleViolation('draft', ctx(), ev.panelMemberAdded())).toBeNull();
    expect(ruleViolation('governance_review', ctx(), ev.rejectAward())).toBeNull();
    expect(ruleViolation('tendering', ctx(), ev.questionAnswered())).toBeNull();
  });

  it.each<[string, Parameters<typeof ruleViolation>[0], CaseEvent, ReturnType<typeof ruleViolation>]>([
    ['quorum on submit', 'draft', ev.submit({ panelSize: 1 }), 'QUORUM_NOT_MET'],
    [
      'declarations before quorum',
      'conflict_check',
      ev.completeConflictCheck({ declarationsComplete: false, unexcludedDecisionMakers: 0 }),
      'DECLARATIONS_INCOMPLETE',
    ],
    [
      'quorum after exclusions',
      'conflict_check',
      ev.completeConflictCheck({ unexcludedDecisionMakers: 1 }),
      'QUORUM_NOT_MET',
    ],
    [
      'excluded before member practice',
      'route_decision',
      ev.decideMake({ actorExcludedFromDecision: true, nonMemberProviderIds: ['t'] }),
      'EXCLUDED_BY_CONFLICT',
    ],
    ['member practice', 'route_decision', ev.decideMake({ nonMemberProviderIds: ['t'] }), 'NOT_MEMBER_PRACTICE'],
    [
      'excluded before criteria',
      'route_decision',
      ev.decideBuy({ actorExcludedFromDecision: true }, []),
      'EXCLUDED_BY_CONFLICT',
    ],
    [
      'criteria before period',
      'route_decision',
      ev.decideBuy({ tenderClosesAt: '2020-01-01T00:00:00Z' }, []),
      'VALIDATION_FAILED',
    ],
    ['period', 'route_decision', ev.decideBuy({ tenderClosesAt: '2020-01-01T00:00:00Z' }), 'TENDER_PERIOD_TOO_SHORT'],
    [
      'excluded before bid',
      'evaluation',
      ev.proposeAward({ actorExcludedFromDecision: true, bidExists: false }),
      'EXCLUDED_BY_CONFLICT',
    ],
    [
      'unknown bid before scoring',
      'evaluation',
      ev.proposeAward({ bidExists: false, scoringComplete: false }),
      'VALIDATION_FAILED',
    ],
    ['scoring', 'evaluation', ev.proposeAward({ scoringComplete: false }), 'SCORING_INCOMPLETE'],
    ['open blocking flags', 'governance_review', ev.approveAward({ openBlockingFlags: 2 }), 'OPEN_BLOCKING_FLAGS'],
  ])('%s', (_, state, event, code) => {
    expect(ruleViolation(state, ctx({ stageSeq: 4 }), event)).toBe(code);
  });

  it.each<[Parameters<typeof ruleViolation>[0], CaseEvent]>([
    ['draft', ev.submit()],
    ['conflict_check', ev.completeConflictCheck()],
    ['route_decision', ev.decideMake()],
    ['route_decision', ev.decideBuy()],
    ['evaluation', ev.proposeAward()],
    ['governance_review', ev.approveAward()],
  ])('%s passes %p with passing facts', (state, event) => {
    expect(ruleViolation(state, ctx(), event)).toBeNull();
  });

  it('fences deadlines on kind, stage entry and revision', () => {
    const c = ctx({ stageSeq: 5, deadlineRevisions: { tender_close: 1 } });
    const d = { context: c };
    expect(ruleViolation('tendering', c, ev.tenderClose(d))).toBeNull();
    expect(ruleViolation('tendering', c, { ...ev.tenderClose(d), revision: 1 } as CaseEvent)).toBeNull();
    expect(ruleViolation('tendering', c, { ...ev.tenderClose(d), revision: 0 } as CaseEvent)).toBe('EVENT_NOT_ALLOWED');
    expect(ruleViolation('tendering', c, ev.deadline(d, 'evaluation_sla'))).toBe('EVENT_NOT_ALLOWED');
    expect(ruleViolation('evaluation', c, ev.deadline(d, 'evaluation_sla', { stageSeq: 4 }))).toBe('EVENT_NOT_ALLOWED');
  });

  it('fences award checks on stage entry and proposal', () => {
    const d = given(route.awardChecksBuy);
    expect(ruleViolation('award_checks', d.context, ev.checksCompleted(d))).toBeNull();
    expect(ruleViolation('award_checks', d.context, ev.checksCompleted(d, 0, { proposalSeq: 0 }))).toBe(
      'EVENT_NOT_ALLOWED',
    );
  });
});

describe('criteriaProblem', () => {
  it('accepts the five PSR key criteria weighted to 100', () => {
    expect(criteriaProblem(CRITERIA)).toBeNull();
    expect(criteriaProblem([{ key: 'value', weight: 100 }])).toBeNull();
  });

  it.each([
    [null, 'criteria must be a non-empty list'],
    [[{ key: 'value', weight: 99 }], 'criteria weights sum to 99, not 100'],
    [[{ key: 'value', weight: '100' }], 'criterion value needs a non-negative integer weight'],
    [
      [
        { key: 'value', weight: 50 },
        { key: 'value', weight: 50 },
      ],
      'criterion value appears twice',
    ],
    [[{ key: 'toString', weight: 100 }], 'unknown criterion key toString'],
    [[null], 'unknown criterion key undefined'],
  ])('%j: %s', (criteria, message) => {
    expect(criteriaProblem(criteria)).toBe(message);
  });
});
