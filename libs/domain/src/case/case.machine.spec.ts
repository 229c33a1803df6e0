import { DomainError, type ErrorCode } from '../errors/domain-error';
import { acceptedEventTypes, CASE_MACHINE_VERSION, decideCase, startCase, type Decision } from './case.runtime';
import type { CaseEvent, CaseEventType } from './case.types';
import {
  at,
  caseInput,
  commissioner,
  CRITERIA,
  ev,
  EXTENDED_TENDER_CLOSES_AT,
  given,
  governance,
  route,
  T0,
  TENDER_CLOSES_AT,
} from './testing/case-events';

const decide = (d: Decision, event: CaseEvent) => decideCase(CASE_MACHINE_VERSION, d.snapshot, event);

function expectCode(d: Decision, event: CaseEvent, code: ErrorCode): DomainError {
  let thrown: unknown;
  try {
    decide(d, event);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  expect((thrown as DomainError).code).toBe(code);
  return thrown as DomainError;
}

const accepted = (d: Decision) => acceptedEventTypes(CASE_MACHINE_VERSION, d.snapshot);

describe('startCase', () => {
  it('opens a draft at stage 1 with no effects', () => {
    const d = startCase(caseInput);
    expect(d).toMatchObject({
      state: 'draft',
      stateValue: 'draft',
      fromState: null,
      toState: 'draft',
      machineVersion: 1,
      effects: [],
    });
    expect(d.context).toEqual({
      caseId: 'case-1',
      track: 'fast',
      route: null,
      stageSeq: 1,
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
    });
    expect(d.snapshot).toMatchObject({ status: 'active', value: 'draft', context: d.context });
  });
});

describe('draft', () => {
  const draft = () => startCase(caseInput);

  it('SUBMIT moves to conflict_check and schedules the declaration window', () => {
    const d = decide(draft(), ev.submit({}, at(1)));
    expect(d).toMatchObject({ state: 'conflict_check', fromState: 'draft', toState: 'conflict_check' });
    expect(d.context.stageSeq).toBe(2);
    expect(d.effects).toEqual([
      {
        type: 'scheduleDeadline',
        kind: 'conflict_check_sla',
        stageSeq: 2,
        revision: 0,
        policyKey: 'declarationWindow',
        from: at(1),
      },
    ]);
  });

  it('SUBMIT with a panel smaller than the quorum is QUORUM_NOT_MET', () => {
    const e = expectCode(draft(), ev.submit({ panelSize: 1, quorum: 2 }), 'QUORUM_NOT_MET');
    expect(e.details).toEqual({ panelSize: 1, quorum: 2 });
    expect(decide(draft(), ev.submit({ panelSize: 2, quorum: 2 })).state).toBe('conflict_check');
  });

  it('refuses to guess missing facts', () => {
    const e = expectCode(draft(), { type: 'SUBMIT', actor: commissioner, now: T0 }, 'VALIDATION_FAILED');
    expect(e.details).toEqual({ missingFacts: ['panelSize', 'quorum'] });
  });

  it.each([ev.panelMemberAdded(), ev.panelMemberRemoved()])('$type is accepted in place', (event) => {
    const before = draft();
    const d = decide(before, event);
    expect(d).toMatchObject({ state: 'draft', fromState: 'draft', effects: [] });
    expect(d.context).toEqual(before.context);
  });

  it('does not take events of later stages', () => {
    expectCode(draft(), ev.completeConflictCheck(), 'EVENT_NOT_ALLOWED');
    expectCode(draft(), ev.decideBuy(), 'EVENT_NOT_ALLOWED');
    expectCode(draft(), ev.declarationMade(), 'EVENT_NOT_ALLOWED');
  });
});

describe('conflict_check', () => {
  const cc = () => given(route.conflictCheck);

  it.each([ev.panelMemberAdded(), ev.panelMemberRemoved(), ev.declarationMade(), ev.declarationReviewed()])(
    '$type is accepted in place',
    (event) => {
      const before = cc();
      const d = decide(before, event);
      expect(d).toMatchObject({ state: 'conflict_check', effects: [] });
      expect(d.context).toEqual(before.context);
    },
  );

  it('its own service-level deadline is accepted in place and escalates the breach', () => {
    const before = cc();
    expect(decide(before, ev.deadline(before, 'conflict_check_sla'))).toMatchObject({
      state: 'conflict_check',
      effects: [
        {
          type: 'escalateBreach',
          kind: 'conflict_check_sla',
          deadlineId: 'deadline-conflict_check_sla',
          stageSeq: before.context.stageSeq,
        },
      ],
    });
  });

  it('refuses a stale or foreign deadline', () => {
    const d = cc();
    expectCode(d, ev.deadline(d, 'conflict_check_sla', { stageSeq: d.context.stageSeq - 1 }), 'EVENT_NOT_ALLOWED');
    expectCode(d, ev.deadline(d, 'evaluation_sla'), 'EVENT_NOT_ALLOWED');
  });

  it('COMPLETE_CONFLICT_CHECK checks declarations before the quorum', () => {
    expectCode(
      cc(),
      ev.completeConflictCheck({ declarationsComplete: false, unexcludedDecisionMakers: 0 }),
      'DECLARATIONS_INCOMPLETE',
    );
    expectCode(cc(), ev.completeConflictCheck({ unexcludedDecisionMakers: 1, quorum: 2 }), 'QUORUM_NOT_MET');
  });

  it('COMPLETE_CONFLICT_CHECK moves to route_decision and cancels the service level', () => {
    const d = decide(cc(), ev.completeConflictCheck());
    expect(d).toMatchObject({ state: 'route_decision', fromState: 'conflict_check' });
    expect(d.context.stageSeq).toBe(3);
    expect(d.effects).toEqual([{ type: 'cancelDeadlines', kinds: ['conflict_check_sla'] }]);
  });
});

describe('route_decision', () => {
  const rd = () => given(route.routeDecision);

  it('DECIDE_MAKE: excluded actor first, then member practices', () => {
    expectCode(
      rd(),
      ev.decideMake({ actorExcludedFromDecision: true, nonMemberProviderIds: ['trust-1'] }),
      'EXCLUDED_BY_CONFLICT',
    );
    const e = expectCode(rd(), ev.decideMake({ nonMemberProviderIds: ['trust-1'] }), 'NOT_MEMBER_PRACTICE');
    expect(e.details).toEqual({ providerIds: ['trust-1'] });
  });

  it('DECIDE_MAKE refuses an empty provider list or an unknown PSR process', () => {
    expectCode(rd(), { ...ev.decideMake(), providerIds: [] } as CaseEvent, 'VALIDATION_FAILED');
    expectCode(rd(), { ...ev.decideMake(), psrProcess: 'competitive' } as unknown as CaseEvent, 'VALIDATION_FAILED');
  });

  it('DECIDE_MAKE records the proposal and starts the award checks', () => {
    const d = decide(rd(), ev.decideMake({}, at(3)));
    expect(d.state).toBe('award_checks');
    expect(d.context).toMatchObject({
      route: 'most_suitable_provider',
      stageSeq: 4,
      proposalSeq: 1,
      proposal: {
        seq: 1,
        kind: 'make',
        providerIds: ['practice-a', 'practice-b'],
        psrProcess: 'most_suitable_provider',
        justification: 'member practices already run the clinic',
        proposedBy: commissioner.id,
        proposedAt: at(3),
      },
    });
    expect(d.effects).toEqual([
      { type: 'recordMakeProviderConflicts' },
      { type: 'runAwardChecks', stageSeq: 4, proposalSeq: 1 },
    ]);
  });

  it('DECIDE_BUY: excluded actor, then criteria, then the tender period', () => {
    expectCode(
      rd(),
      ev.decideBuy({ actorExcludedFromDecision: true }, [{ key: 'value', weight: 5 }]),
      'EXCLUDED_BY_CONFLICT',
    );
    expectCode(
      rd(),
      ev.decideBuy({ tenderClosesAt: '2026-03-01T00:00:00Z' }, [{ key: 'value', weight: 5 }]),
      'VALIDATION_FAILED',
    );
    expectCode(rd(), ev.decideBuy({ tenderClosesAt: '2026-03-16T23:59:59Z' }), 'TENDER_PERIOD_TOO_SHORT');
  });

  it.each([
    [
      'weights not summing to 100',
      [
        { key: 'value', weight: 50 },
        { key: 'social_value', weight: 40 },
      ],
    ],
    [
      'a duplicate key',
      [
        { key: 'value', weight: 50 },
        { key: 'value', weight: 50 },
      ],
    ],
    ['an unknown key', [{ key: 'price', weight: 100 }]],
    [
      'a fractional weight',
      [
        { key: 'value', weight: 50.5 },
        { key: 'social_value', weight: 49.5 },
      ],
    ],
    [
      'a negative weight',
      [
        { key: 'value', weight: 110 },
        { key: 'social_value', weight: -10 },
      ],
    ],
    ['no criteria', []],
  ])('DECIDE_BUY with %s is VALIDATION_FAILED', (_, criteria) => {
    expectCode(rd(), ev.decideBuy({}, criteria as never), 'VALIDATION_FAILED');
  });

  it('compares closing instants, not strings (offsets differ)', () => {
    // 00:30+01:00 is 23:30Z the day before the minimum
    expectCode(
      rd(),
      ev.decideBuy({ tenderClosesAt: '2026-04-01T00:30:00+01:00', minimumTenderClosesAt: '2026-03-31T23:45:00Z' }),
      'TENDER_PERIOD_TOO_SHORT',
    );
    expect(
      decide(
        rd(),
        ev.decideBuy({ tenderClosesAt: '2026-04-01T01:00:00+01:00', minimumTenderClosesAt: '2026-04-01T00:00:00Z' }),
      ).state,
    ).toBe('tendering');
  });

  it('DECIDE_BUY publishes the tender and schedules its close', () => {
    const d = decide(rd(), ev.decideBuy({}, CRITERIA, at(3)));
    expect(d.state).toBe('tendering');
    expect(d.context).toMatchObject({
      route: 'competitive',
      criteria: CRITERIA,
      tenderPublishedAt: at(3),
      tenderClosesAt: TENDER_CLOSES_AT,
      stageSeq: 4,
    });
    expect(d.effects).toEqual([
      { type: 'scheduleDeadline', kind: 'tender_close', stageSeq: 4, revision: 0, dueAt: TENDER_CLOSES_AT },
      { type: 'notify', notice: 'tender_published' },
      { type: 'publishNotice', notice: 'tender_notice' },
      { type: 'publishRelease', tag: ['tender'] },
    ]);
  });
});

describe('tendering', () => {
  const td = () => given(route.tendering);

  it('QUESTION_ANSWERED is accepted in place', () => {
    expect(decide(td(), ev.questionAnswered())).toMatchObject({
      state: 'tendering',
      effects: [{ type: 'publishRelease', tag: ['tenderUpdate'] }],
    });
  });

  it('with a question unanswered the close moves on, in the same stage entry', () => {
    const before = td();
    const d = decide(
      before,
      ev.tenderClose(before, { unansweredQuestions: 1, extendedTenderClosesAt: EXTENDED_TENDER_CLOSES_AT }),
    );
    expect(d.state).toBe('tendering');
    expect(d.context.stageSeq).toBe(before.context.stageSeq);
    expect(d.context.tenderClosesAt).toBe(EXTENDED_TENDER_CLOSES_AT);
    expect(d.context.deadlineRevisions).toEqual({ tender_close: 1 });
    expect(d.effects).toEqual([
      { type: 'scheduleDeadline', kind: 'tender_close', stageSeq: 4, revision: 1, dueAt: EXTENDED_TENDER_CLOSES_AT },
      { type: 'notify', notice: 'tender_extended' },
      { type: 'publishNotice', notice: 'tender_notice', correction: 'close_moved' },
      { type: 'publishRelease', tag: ['tenderUpdate'] },
    ]);

    const again = decide(
      d,
      ev.tenderClose(d, { unansweredQuestions: 2, extendedTenderClosesAt: '2026-04-07T00:00:00+01:00' }),
    );
    expect(again.effects[0]).toMatchObject({ kind: 'tender_close', revision: 2, dueAt: '2026-04-07T00:00:00+01:00' });
    // the superseded job is fenced out
    expectCode(again, { ...ev.tenderClose(again), revision: 1 } as CaseEvent, 'EVENT_NOT_ALLOWED');
    expect(decide(again, { ...ev.tenderClose(again), revision: 2 } as CaseEvent).state).toBe('evaluation');
  });

  it('refuses an extension that does not move the close on', () => {
    const d = td();
    expectCode(d, ev.tenderClose(d, { unansweredQuestions: 1 }), 'VALIDATION_FAILED');
    expectCode(
      d,
      ev.tenderClose(d, { unansweredQuestions: 1, extendedTenderClosesAt: TENDER_CLOSES_AT }),
      'VALIDATION_FAILED',
    );
  });

  it('closes unsuccessful with fewer bids than the minimum', () => {
    const before = td();
    const d = decide(before, ev.tenderClose(before, { bidCount: 0, minimumBids: 1 }));
    expect(d).toMatchObject({ state: 'unsuccessful', fromState: 'tendering' });
    expect(d.snapshot.status).toBe('done');
    expect(d.context.stageSeq).toBe(5);
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['tender_close'] },
      { type: 'openBids' },
      { type: 'notify', notice: 'tender_unsuccessful' },
      { type: 'closeBids' },
      { type: 'recordDecision' },
      { type: 'publishRelease', tag: ['tenderUpdate'] },
    ]);
  });

  it('closes into evaluation, revealing the bidders', () => {
    const before = td();
    const d = decide(before, ev.tenderClose(before, { bidCount: 1, minimumBids: 1 }, at(4)));
    expect(d).toMatchObject({ state: 'evaluation', fromState: 'tendering' });
    expect(d.context.stageSeq).toBe(5);
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['tender_close'] },
      { type: 'openBids' },
      { type: 'notify', notice: 'tender_closed' },
      { type: 'recordBidderConflicts' },
      { type: 'publishRelease', tag: ['tenderUpdate'] },
      {
        type: 'scheduleDeadline',
        kind: 'evaluation_sla',
        stageSeq: 5,
        revision: 0,
        policyKey: 'evaluationSla',
        from: at(4),
      },
    ]);
  });

  it('refuses a close from an earlier stage entry and missing facts', () => {
    const d = td();
    expectCode(d, { ...ev.tenderClose(d), stageSeq: 2 } as CaseEvent, 'EVENT_NOT_ALLOWED');
    expectCode(d, { ...ev.tenderClose(d), facts: { unansweredQuestions: 0 } } as CaseEvent, 'VALIDATION_FAILED');
  });
});

describe('evaluation', () => {
  const evaluation = () => given(route.evaluation);

  it('SCORE_RECORDED and its own service level are accepted in place', () => {
    const d = evaluation();
    expect(decide(d, ev.scoreRecorded())).toMatchObject({ state: 'evaluation', effects: [] });
    expect(decide(d, ev.deadline(d, 'evaluation_sla'))).toMatchObject({
      state: 'evaluation',
      effects: [
        {
          type: 'escalateBreach',
          kind: 'evaluation_sla',
          deadlineId: 'deadline-evaluation_sla',
          stageSeq: d.context.stageSeq,
        },
      ],
    });
  });

  it('PROPOSE_AWARD: excluded, unknown bid, incomplete scoring, in that order', () => {
    expectCode(
      evaluation(),
      ev.proposeAward({ actorExcludedFromDecision: true, bidExists: false, scoringComplete: false }),
      'EXCLUDED_BY_CONFLICT',
    );
    expectCode(evaluation(), ev.proposeAward({ bidExists: false, scoringComplete: false }), 'VALIDATION_FAILED');
    expectCode(evaluation(), ev.proposeAward({ scoringComplete: false }), 'SCORING_INCOMPLETE');
  });

  it('PROPOSE_AWARD records a buy proposal and starts the award checks', () => {
    const d = decide(evaluation(), ev.proposeAward({}, at(6)));
    expect(d.state).toBe('award_checks');
    expect(d.context.proposal).toEqual({
      seq: 1,
      kind: 'buy',
      bidId: 'bid-1',
      providerIds: [],
      justification: 'highest weighted score',
      proposedBy: commissioner.id,
      proposedAt: at(6),
    });
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['evaluation_sla'] },
      { type: 'runAwardChecks', stageSeq: 6, proposalSeq: 1 },
    ]);
  });
});

describe('award_checks', () => {
  const ac = () => given(route.awardChecksBuy);

  it('fences CHECKS_COMPLETED on stage and proposal', () => {
    const d = ac();
    expectCode(d, ev.checksCompleted(d, 0, { stageSeq: d.context.stageSeq - 1 }), 'EVENT_NOT_ALLOWED');
    expectCode(d, ev.checksCompleted(d, 0, { proposalSeq: d.context.proposalSeq + 1 }), 'EVENT_NOT_ALLOWED');
  });

  it('refuses a flag count that is not a count', () => {
    const d = ac();
    expectCode(d, { ...ev.checksCompleted(d), blockingFlags: -1 } as CaseEvent, 'VALIDATION_FAILED');
    expectCode(d, { ...ev.checksCompleted(d), blockingFlags: Number.NaN } as CaseEvent, 'VALIDATION_FAILED');
  });

  it('a clean award goes straight to standstill', () => {
    const before = ac();
    const d = decide(before, ev.checksCompleted(before, 0, {}, at(7)));
    expect(d).toMatchObject({ state: 'standstill', stateValue: { standstill: 'running' }, fromState: 'award_checks' });
    expect(d.context).toMatchObject({ stageSeq: 7, intentionPublishedAt: at(7), openRepresentations: 0 });
    expect(d.effects).toEqual([
      {
        type: 'scheduleDeadline',
        kind: 'standstill_end',
        stageSeq: 7,
        revision: 0,
        policyKey: 'standstill',
        from: at(7),
      },
      { type: 'notify', notice: 'intention_to_award' },
      { type: 'publishNotice', notice: 'intention_to_award' },
      { type: 'publishRelease', tag: ['award'] },
    ]);
  });

  it('blocking flags send the award to governance review', () => {
    const before = ac();
    const d = decide(before, ev.checksCompleted(before, 1, {}, at(7)));
    expect(d.state).toBe('governance_review');
    expect(d.effects).toEqual([
      { type: 'notify', notice: 'governance_review_needed' },
      {
        type: 'scheduleDeadline',
        kind: 'governance_review_sla',
        stageSeq: 7,
        revision: 0,
        policyKey: 'governanceReviewSla',
        from: at(7),
      },
    ]);
  });
});

describe('governance_review', () => {
  const grBuy = () => given(route.governanceReviewBuy);
  const grMake = () => given(route.governanceReviewMake);

  it('APPROVE_AWARD is refused while a blocking flag is open', () => {
    expectCode(grBuy(), ev.approveAward({ openBlockingFlags: 1 }), 'OPEN_BLOCKING_FLAGS');
  });

  it('APPROVE_AWARD opens the standstill', () => {
    const d = decide(grBuy(), ev.approveAward({}, at(8)));
    expect(d.state).toBe('standstill');
    expect(d.context.stageSeq).toBe(8);
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['governance_review_sla'] },
      {
        type: 'scheduleDeadline',
        kind: 'standstill_end',
        stageSeq: 8,
        revision: 0,
        policyKey: 'standstill',
        from: at(8),
      },
      { type: 'notify', notice: 'intention_to_award' },
      { type: 'publishNotice', notice: 'intention_to_award' },
      { type: 'publishRelease', tag: ['award'] },
    ]);
  });

  it('REJECT_AWARD goes back to evaluation for buy, a new stage entry', () => {
    const d = decide(grBuy(), ev.rejectAward(at(8)));
    expect(d).toMatchObject({ state: 'evaluation', fromState: 'governance_review' });
    expect(d.context).toMatchObject({ stageSeq: 8, proposalSeq: 1, deadlineRevisions: {} });
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['governance_review_sla'] },
      { type: 'notify', notice: 'award_rejected' },
      {
        type: 'scheduleDeadline',
        kind: 'evaluation_sla',
        stageSeq: 8,
        revision: 0,
        policyKey: 'evaluationSla',
        from: at(8),
      },
    ]);
    // a second proposal on the new entry
    const again = decide(d, ev.proposeAward());
    expect(again.context).toMatchObject({ stageSeq: 9, proposalSeq: 2, proposal: { seq: 2 } });
  });

  it('REJECT_AWARD goes back to route_decision for make', () => {
    const d = decide(grMake(), ev.rejectAward());
    expect(d.state).toBe('route_decision');
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['governance_review_sla'] },
      { type: 'notify', notice: 'award_rejected' },
    ]);
  });

  it('an upheld blocking flag of the current proposal rejects the award', () => {
    const buy = grBuy();
    expect(decide(buy, ev.flagResolved(buy)).state).toBe('evaluation');
    const make = grMake();
    expect(decide(make, ev.flagResolved(make))).toMatchObject({ state: 'route_decision' });
  });

  it.each([
    ['accepted', { resolution: 'accepted' as const }],
    ['advisory', { severity: 'advisory' as const }],
    ['of an earlier proposal', { proposalSeq: 0 }],
  ])('any other FLAG_RESOLVED (%s) is accepted in place', (_, over) => {
    const before = grBuy();
    const d = decide(before, ev.flagResolved(before, over));
    expect(d).toMatchObject({ state: 'governance_review', effects: [] });
    expect(d.context).toEqual(before.context);
  });

  it('its own service level is accepted in place and escalates the breach', () => {
    const d = grBuy();
    expect(decide(d, ev.deadline(d, 'governance_review_sla'))).toMatchObject({
      state: 'governance_review',
      effects: [
        {
          type: 'escalateBreach',
          kind: 'governance_review_sla',
          deadlineId: 'deadline-governance_review_sla',
          stageSeq: d.context.stageSeq,
        },
      ],
    });
  });
});

describe('standstill', () => {
  const ssBuy = () => given(route.standstillBuy);

  it('ends in awarded when its deadline comes', () => {
    const before = ssBuy();
    const d = decide(before, ev.deadline(before, 'standstill_end', {}, at(20)));
    expect(d).toMatchObject({ state: 'awarded', stateValue: 'awarded', fromState: 'standstill' });
    expect(d.snapshot.status).toBe('done');
    expect(d.context).toMatchObject({ awardedAt: at(20), stageSeq: before.context.stageSeq + 1 });
    expect(d.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['standstill_end'] },
      { type: 'recordAward' },
      { type: 'notify', notice: 'awarded' },
      { type: 'publishNotice', notice: 'award_confirmation' },
      { type: 'publishRelease', tag: ['awardUpdate', 'contract'] },
    ]);
  });

  it('a representation pauses it; resolved not upheld, a further standstill runs', () => {
    const running = ssBuy();
    const paused = decide(running, ev.representationLodged('rep-1'));
    expect(paused).toMatchObject({
      state: 'standstill',
      stateValue: { standstill: 'paused' },
      fromState: 'standstill',
    });
    expect(paused.context).toMatchObject({ stageSeq: running.context.stageSeq, openRepresentations: 1 });
    expect(paused.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['standstill_end'] },
      { type: 'notify', notice: 'standstill_paused' },
      { type: 'publishNotice', notice: 'intention_to_award', correction: 'standstill_paused' },
    ]);
    expect(accepted(paused)).toEqual(['CANCEL', 'FLAG_RESOLVED', 'REPRESENTATION_LODGED', 'REPRESENTATION_RESOLVED']);
    expectCode(paused, ev.deadline(paused, 'standstill_end'), 'EVENT_NOT_ALLOWED');

    const twice = decide(paused, ev.representationLodged('rep-2'));
    expect(twice).toMatchObject({ stateValue: { standstill: 'paused' }, effects: [] });
    expect(twice.context.openRepresentations).toBe(2);

    const one = decide(twice, ev.representationResolved('not_upheld', 'rep-1'));
    expect(one).toMatchObject({ stateValue: { standstill: 'paused' }, effects: [] });
    expect(one.context.openRepresentations).toBe(1);

    const resumed = decide(one, ev.representationResolved('not_upheld', 'rep-2', undefined, at(12)));
    expect(resumed).toMatchObject({ stateValue: { standstill: 'running' } });
    expect(resumed.context).toMatchObject({
      stageSeq: running.context.stageSeq,
      openRepresentations: 0,
      deadlineRevisions: { standstill_end: 1 },
    });
    expect(resumed.effects).toEqual([
      {
        type: 'scheduleDeadline',
        kind: 'standstill_end',
        stageSeq: running.context.stageSeq,
        revision: 1,
        policyKey: 'furtherStandstill',
        from: at(12),
      },
      { type: 'notify', notice: 'standstill_resumed' },
      { type: 'publishNotice', notice: 'intention_to_award', correction: 'standstill_resumed' },
    ]);

    // the first standstill's job is superseded; the further one awards
    expectCode(resumed, ev.deadline(resumed, 'standstill_end', { revision: 0 }), 'EVENT_NOT_ALLOWED');
    expect(decide(resumed, ev.deadline(resumed, 'standstill_end', { revision: 1 })).state).toBe('awarded');
  });

  it('the database count of open representations wins when supplied', () => {
    const paused = given(route.pausedBuy);
    const d = decide(paused, ev.representationResolved('not_upheld', 'rep-1', { openRepresentations: 1 }));
    expect(d).toMatchObject({ stateValue: { standstill: 'paused' } });
    expect(d.context.openRepresentations).toBe(1);
  });

  it('refuses a malformed count of open representations', () => {
    const paused = given(route.pausedBuy);
    expectCode(
      paused,
      ev.representationResolved('not_upheld', 'rep-1', { openRepresentations: -1 }),
      'VALIDATION_FAILED',
    );
    expectCode(
      paused,
      ev.representationResolved('not_upheld', 'rep-1', { openRepresentations: 1.5 }),
      'VALIDATION_FAILED',
    );
  });

  it('an upheld representation goes back to evaluation (buy) or route_decision (make)', () => {
    const buy = decide(given(route.pausedBuy), ev.representationResolved('upheld'));
    expect(buy.state).toBe('evaluation');
    expect(buy.effects).toEqual([
      { type: 'cancelDeadlines', kinds: ['standstill_end'] },
      { type: 'notify', notice: 'award_rejected' },
      { type: 'recordDecision' },
      { type: 'publishRelease', tag: ['awardUpdate'] },
      expect.objectContaining({ type: 'scheduleDeadline', kind: 'evaluation_sla', revision: 0 }),
    ]);
    const make = decide(given(route.pausedMake), ev.representationResolved('upheld'));
    expect(make.state).toBe('route_decision');
    expect(make.effects).toContainEqual({ type: 'publishRelease', tag: ['awardUpdate'] });
  });

  it('refuses an unknown outcome and a resolution while running', () => {
    expectCode(
      given(route.pausedBuy),
      { ...ev.representationResolved('upheld'), outcome: 'maybe' } as unknown as CaseEvent,
      'VALIDATION_FAILED',
    );
    expectCode(ssBuy(), ev.representationResolved('not_upheld'), 'EVENT_NOT_ALLOWED');
  });

  it('refuses a deadline from an earlier stage entry', () => {
    const d = ssBuy();
    expectCode(d, ev.deadline(d, 'standstill_end', { stageSeq: d.context.stageSeq - 1 }), 'EVENT_NOT_ALLOWED');
  });
});

const NON_FINAL = {
  draft: route.draft,
  conflict_check: route.conflictCheck,
  route_decision: route.routeDecision,
  tendering: route.tendering,
  evaluation: route.evaluation,
  award_checks: route.awardChecksBuy,
  governance_review: route.governanceReviewBuy,
  'standstill.running': route.standstillBuy,
  'standstill.paused': route.pausedBuy,
};

describe('CANCEL', () => {
  it.each(Object.entries(NON_FINAL))('from %s goes to cancelled', (_, steps) => {
    const before = given(steps);
    const d = decide(before, { ...ev.cancel(at(30), 'budget withdrawn'), actor: governance });
    expect(d).toMatchObject({ state: 'cancelled', fromState: before.state });
    expect(d.snapshot.status).toBe('done');
    expect(d.context.stageSeq).toBe(before.context.stageSeq + 1);
    expect(d.context.cancellation).toEqual({
      reasonCode: 'budget',
      note: 'budget withdrawn',
      at: at(30),
      by: governance.id,
    });
    expect(d.effects.slice(-5)).toEqual([
      { type: 'cancelDeadlines', kinds: 'all' },
      { type: 'closeBids' },
      { type: 'notify', notice: 'cancelled' },
      // the handler publishes only if a tender or an intention had been published
      { type: 'publishNotice', notice: 'cancellation' },
      { type: 'publishRelease', tag: ['tenderCancellation'] },
    ]);
  });

  it('records a missing note as null and refuses an unknown reason code', () => {
    expect(decide(startCase(caseInput), ev.cancel()).context.cancellation?.note).toBeNull();
    expectCode(
      startCase(caseInput),
      { ...ev.cancel(), reasonCode: 'bored' } as unknown as CaseEvent,
      'VALIDATION_FAILED',
    );
  });
});

describe('FLAG_RESOLVED', () => {
  it.each(Object.entries(NON_FINAL).filter(([s]) => s !== 'governance_review'))(
    'is accepted in place in %s',
    (_, steps) => {
      const before = given(steps);
      const d = decide(before, ev.flagResolved(before));
      expect(d).toMatchObject({ state: before.state, stateValue: before.stateValue, effects: [] });
      expect(d.context).toEqual(before.context);
    },
  );
});

describe('final states', () => {
  const finals = {
    awarded: () => {
      const d = given(route.standstillBuy);
      return decide(d, ev.deadline(d, 'standstill_end'));
    },
    cancelled: () => decide(startCase(caseInput), ev.cancel()),
    unsuccessful: () => {
      const d = given(route.tendering);
      return decide(d, ev.tenderClose(d, { bidCount: 0 }));
    },
  };

  it.each(Object.entries(finals))('%s accepts nothing', (_, make) => {
    const d = make();
    expect(accepted(d)).toEqual([]);
    for (const event of [ev.cancel(), ev.flagResolved(d), ev.deadline(d, 'standstill_end'), ev.submit()]) {
      expectCode(d, event, 'EVENT_NOT_ALLOWED');
    }
  });
});

describe('acceptedEventTypes', () => {
  const table: Record<keyof typeof NON_FINAL, CaseEventType[]> = {
    draft: ['SUBMIT', 'CANCEL', 'PANEL_MEMBER_ADDED', 'PANEL_MEMBER_REMOVED', 'FLAG_RESOLVED', 'CASE_DOCUMENT_ADDED'],
    conflict_check: [
      'COMPLETE_CONFLICT_CHECK',
      'CANCEL',
      'PANEL_MEMBER_ADDED',
      'PANEL_MEMBER_REMOVED',
      'DECLARATION_MADE',
      'DECLARATION_REVIEWED',
      'DEADLINE_DUE',
      'FLAG_RESOLVED',
      'CASE_DOCUMENT_ADDED',
    ],
    route_decision: ['DECIDE_MAKE', 'DECIDE_BUY', 'CANCEL', 'FLAG_RESOLVED', 'CASE_DOCUMENT_ADDED'],
    tendering: ['CANCEL', 'AMEND_TENDER', 'QUESTION_ANSWERED', 'DEADLINE_DUE', 'FLAG_RESOLVED', 'CASE_DOCUMENT_ADDED'],
    evaluation: ['PROPOSE_AWARD', 'CANCEL', 'SCORE_RECORDED', 'DEADLINE_DUE', 'FLAG_RESOLVED'],
    award_checks: ['CANCEL', 'CHECKS_COMPLETED', 'FLAG_RESOLVED'],
    governance_review: ['APPROVE_AWARD', 'REJECT_AWARD', 'CANCEL', 'DEADLINE_DUE', 'FLAG_RESOLVED'],
    'standstill.running': ['CANCEL', 'DEADLINE_DUE', 'FLAG_RESOLVED', 'REPRESENTATION_LODGED'],
    'standstill.paused': ['CANCEL', 'FLAG_RESOLVED', 'REPRESENTATION_LODGED', 'REPRESENTATION_RESOLVED'],
  };

  it.each(Object.entries(NON_FINAL))('lists what %s handles, guards ignored', (name, steps) => {
    expect(accepted(given(steps))).toEqual(table[name as keyof typeof NON_FINAL]);
  });
});

describe('purity', () => {
  it('does not touch its input and gives the same decision for the same input', () => {
    const before = given(route.tendering);
    const frozen = JSON.stringify(before.snapshot);
    const event = ev.tenderClose(before);
    const a = decide(before, event);
    const b = decide(before, event);
    expect(JSON.stringify(before.snapshot)).toBe(frozen);
    expect(a).toEqual(b);
  });
});

describe('AMEND_TENDER and tender documents', () => {
  const amend = (tenderClosesAt: string, facts = { actorExcludedFromDecision: false }, now = at(4)): CaseEvent => ({
    type: 'AMEND_TENDER',
    actor: commissioner,
    now,
    tenderClosesAt,
    reason: 'annex B was revised',
    facts,
  });
  const documentAdded = (now = at(4)): CaseEvent => ({
    type: 'CASE_DOCUMENT_ADDED',
    actor: commissioner,
    now,
    documentId: 'doc-1',
    replacesId: null,
  });

  it('moves the close later, reschedules the close as a new revision and notifies', () => {
    const d = given(route.tendering);
    const later = '2026-04-08T00:00:00.000Z';
    const next = decide(d, amend(later));
    expect(next.state).toBe('tendering');
    expect(next.context.tenderClosesAt).toBe(later);
    expect(next.context.stageSeq).toBe(d.context.stageSeq);
    expect(next.effects).toEqual([
      { type: 'scheduleDeadline', kind: 'tender_close', stageSeq: d.context.stageSeq, revision: 1, dueAt: later },
      { type: 'notify', notice: 'tender_amended' },
      { type: 'publishNotice', notice: 'tender_notice', correction: 'close_moved' },
      { type: 'publishRelease', tag: ['tenderUpdate'] },
    ]);
    // the old close is fenced out: its revision is stale
    expectCode(next, { ...ev.tenderClose(next), revision: 0 } as CaseEvent, 'EVENT_NOT_ALLOWED');
  });

  it('never moves the close earlier, or to the current instant', () => {
    const d = given(route.tendering);
    expectCode(d, amend('2026-03-20T00:00:00.000Z'), 'TENDER_PERIOD_TOO_SHORT');
    expectCode(d, amend(d.context.tenderClosesAt!), 'TENDER_PERIOD_TOO_SHORT');
  });

  it('refuses a decision maker who is excluded from decisions, and a missing reason', () => {
    const d = given(route.tendering);
    expectCode(d, amend('2026-04-08T00:00:00.000Z', { actorExcludedFromDecision: true }), 'EXCLUDED_BY_CONFLICT');
    expectCode(d, { ...amend('2026-04-08T00:00:00.000Z'), reason: ' ' } as CaseEvent, 'VALIDATION_FAILED');
  });

  it('is not accepted outside tendering', () => {
    expectCode(given(route.routeDecision), amend('2026-04-08T00:00:00.000Z'), 'EVENT_NOT_ALLOWED');
    expectCode(given(route.evaluation), amend('2026-04-08T00:00:00.000Z'), 'EVENT_NOT_ALLOWED');
  });

  it('a tender document change notifies only once the tender is published, and extends nothing', () => {
    expect(decide(given(route.draft), documentAdded()).effects).toEqual([]);
    const d = given(route.tendering);
    const next = decide(d, documentAdded());
    expect(next.effects).toEqual([
      { type: 'notify', notice: 'tender_document_changed' },
      { type: 'publishRelease', tag: ['tenderUpdate'] },
    ]);
    expect(next.context.tenderClosesAt).toBe(d.context.tenderClosesAt);
    expectCode(given(route.evaluation), documentAdded(), 'EVENT_NOT_ALLOWED');
  });

  it('opens the bids once, before the bids are closed or anyone told, whichever way tendering closes', () => {
    const d = given(route.tendering);
    for (const facts of [{}, { bidCount: 0 }]) {
      const types = decide(d, ev.tenderClose(d, facts)).effects.map((e) => e.type);
      expect(types.filter((t) => t === 'openBids')).toHaveLength(1);
      expect(types.indexOf('openBids')).toBeLessThan(types.indexOf('notify'));
      if (types.includes('closeBids')) expect(types.indexOf('openBids')).toBeLessThan(types.indexOf('closeBids'));
    }
    // an extension because a question is unanswered opens nothing
    const extended = decide(
      d,
      ev.tenderClose(d, { unansweredQuestions: 1, extendedTenderClosesAt: EXTENDED_TENDER_CLOSES_AT }),
    );
    expect(extended.effects.map((e) => e.type)).not.toContain('openBids');
  });
});
