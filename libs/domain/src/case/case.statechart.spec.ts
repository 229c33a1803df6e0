import { CASE_STATES, CLIENT_EVENT_TYPES } from './case.types';
import { describeStatechart } from './case.statechart';

describe('describeStatechart', () => {
  const chart = describeStatechart();
  const ids = (n: { id: string; states: { id: string; states: never[] }[] }): string[] => [
    n.id,
    ...n.states.flatMap((s) => ids(s as never)),
  ];

  it('lists every top-level state of the contract, with standstill nested', () => {
    expect(chart.root.states.map((s) => s.key).sort()).toEqual([...CASE_STATES].sort());
    const standstill = chart.root.states.find((s) => s.key === 'standstill')!;
    expect(standstill.states.map((s) => s.key).sort()).toEqual(['paused', 'running']);
    expect(standstill.initial).toBe('running');
  });

  it('has a transition for every client event, each naming its guard', () => {
    for (const e of CLIENT_EVENT_TYPES) expect(chart.events).toContain(e);
    expect(chart.transitions.every((t) => t.guard)).toBe(true);
    const close = chart.transitions.filter((t) => t.source === 'case.tendering' && t.event === 'DEADLINE_DUE');
    expect(close.map((t) => t.target)).toEqual([null, 'case.unsuccessful', 'case.evaluation']);
    expect(close[0].guard).toBe('rulesPass(tendering) and questionsUnanswered');
  });

  it('targets only states that exist', () => {
    const all = new Set(ids(chart.root as never));
    for (const t of chart.transitions) if (t.target) expect(all).toContain(t.target);
  });
});
