import { CASE_STATES, Criterion } from '@makebuy/domain';
import {
  ACTIVE_TENDER_STATES,
  bidOutcome,
  statesOfTenderStatus,
  TENDER_STATUSES,
  tenderStatusOf,
} from './tender-status';
import { responseProblems } from './bid-rules';
import { scoreSheetProblems } from './evaluation.service';

const criteria: Criterion[] = [
  { key: 'quality_innovation', weight: 60 },
  { key: 'value', weight: 40 },
];

describe('tender status (OCDS)', () => {
  it('maps every state a published tender can be in, and each status back to exactly its states', () => {
    const published = CASE_STATES.filter((s) => !['draft', 'conflict_check', 'route_decision'].includes(s));
    for (const s of published) expect(statesOfTenderStatus(tenderStatusOf(s))).toContain(s);
    const covered = TENDER_STATUSES.flatMap(statesOfTenderStatus);
    expect(new Set(covered).size).toBe(covered.length);
    expect(ACTIVE_TENDER_STATES.map(tenderStatusOf)).toEqual(ACTIVE_TENDER_STATES.map(() => 'active'));
    expect([tenderStatusOf('awarded'), tenderStatusOf('cancelled'), tenderStatusOf('unsuccessful')]).toEqual([
      'complete',
      'cancelled',
      'unsuccessful',
    ]);
  });
});

describe('bid outcome', () => {
  const row = (state: (typeof CASE_STATES)[number], bidId?: string) => ({
    state,
    context: { proposal: bidId ? { bidId } : null },
  });
  it('is pending until final, then says whether the bid won', () => {
    expect(bidOutcome({ id: 'a', status: 'submitted' }, row('standstill', 'a'))).toBe('pending');
    expect(bidOutcome({ id: 'a', status: 'submitted' }, row('awarded', 'a'))).toBe('awarded_to_you');
    expect(bidOutcome({ id: 'b', status: 'submitted' }, row('awarded', 'a'))).toBe('not_awarded');
    expect(bidOutcome({ id: 'a', status: 'closed' }, row('cancelled'))).toBe('cancelled');
    expect(bidOutcome({ id: 'a', status: 'closed' }, row('unsuccessful'))).toBe('unsuccessful');
  });
  it('a withdrawn bid is withdrawn whatever became of the case', () => {
    for (const s of CASE_STATES) expect(bidOutcome({ id: 'a', status: 'withdrawn' }, row(s, 'a'))).toBe('withdrawn');
  });
});

describe('responses and score sheets cover exactly the tender criteria', () => {
  it('accepts a complete set', () => {
    expect(responseProblems(criteria, { quality_innovation: 'x', value: 'y' })).toEqual([]);
    expect(scoreSheetProblems(criteria, { quality_innovation: 0, value: 10 })).toEqual([]);
  });
  it('names missing, blank, foreign and unknown keys', () => {
    expect(responseProblems(criteria, { quality_innovation: ' ', social_value: 'x', colour: 'blue' })).toEqual([
      { field: 'responses.quality_innovation', message: expect.any(String) },
      { field: 'responses.value', message: expect.any(String) },
      { field: 'responses.social_value', message: 'social_value is not a criterion of this tender' },
      { field: 'responses.colour', message: 'unknown criterion colour' },
    ]);
  });
  it('scores are numbers from 0 to 10', () => {
    expect(scoreSheetProblems(criteria, { quality_innovation: 11, value: -1 }).map((e) => e.field)).toEqual([
      'scores.quality_innovation',
      'scores.value',
    ]);
    expect(scoreSheetProblems(criteria, { quality_innovation: 5 }).map((e) => e.field)).toEqual(['scores.value']);
  });
});
