import { getShortestPaths } from 'xstate/graph';
import { DataSource } from 'typeorm';
import { caseMachine, decideCase, FINAL_STATES, startCase, topLevelState, type Decision } from '@makebuy/domain';
import { caseInput } from '../../libs/domain/src/case/testing/case-events';
import { sampleEvents, serializeState } from '../../libs/domain/src/case/testing/case-model';
import { given, World } from '../support/given';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Model-based, through the HTTP API: the shortest paths of the pure statechart (xstate/graph)
 * give the set of (state, event, next state) steps the model allows; cases played through the
 * API along a sample of those paths must end where the path ends, and every audited step must
 * be one the model allows.
 */
const modelSteps = new Set<string>();
const pathsByTarget = new Map<string, string[][]>();
for (const path of getShortestPaths(caseMachine, {
  input: caseInput,
  events: (s) => sampleEvents(s.context),
  serializeState,
})) {
  let d: Decision = startCase(caseInput);
  const seq: string[] = [];
  const probe = (from: Decision) => {
    for (const e of sampleEvents(from.context)) {
      try {
        modelSteps.add(`${from.state}|${e.type}|${decideCase(1, from.snapshot, e).state}`);
      } catch {
        /* refused by the model */
      }
    }
  };
  probe(d);
  for (const step of path.steps) {
    if ((step.event.type as string) === 'xstate.init') continue;
    let next: Decision;
    try {
      next = decideCase(1, d.snapshot, step.event as never);
    } catch {
      continue;
    }
    modelSteps.add(`${d.state}|${step.event.type}|${next.state}`);
    if (next.state !== d.state) seq.push(next.state);
    d = next;
    probe(d);
  }
  const target = topLevelState(path.state.value);
  pathsByTarget.set(target, [...(pathsByTarget.get(target) ?? []), seq]);
}

describe('the HTTP API follows the statechart model', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp({ suite: 'model', timeAcceleration: 1_000_000 });
    g = given(t);
    w = await g.world();
  });
  afterAll(() => t.close());

  async function statesVisited(caseId: string): Promise<string[]> {
    const h = await g.get(w.governance.token, `/cases/${caseId}/history?limit=200`);
    return h.body.items
      .filter((e: { fromState: string | null; toState: string }) => e.fromState && e.fromState !== e.toState)
      .map((e: { toState: string }) => e.toState);
  }
  // room for a bid on a slow, loaded machine; the close is awaited, not timed
  const soon = () => new Date(Date.now() + 8000).toISOString();

  it('draft -> cancelled', async () => {
    const c = await g.draftCase(w);
    await g.event(w.commissioner.token, c.id, { type: 'CANCEL', reasonCode: 'no_longer_needed' });
    expect(await statesVisited(c.id)).toEqual(['cancelled']);
    expect(pathsByTarget.get('cancelled')).toContainEqual(['cancelled']);
  });

  it('... -> route_decision -> award_checks -> governance_review -> standstill -> awarded (make)', async () => {
    const c = await g.caseInRouteDecision(w);
    await g.event(w.decider.token, c.id, {
      type: 'DECIDE_MAKE',
      providerIds: [w.memberPractices[1].id],
      psrProcess: 'direct_award_c',
      justification: 'ready',
    });
    const review = await g.waitForState(w.governance.token, c.id, 'governance_review');
    for (const f of review.flags.filter(
      (x: { status: string; severity: string }) => x.status === 'open' && x.severity === 'blocking',
    )) {
      await g.post(
        w.governance.token,
        `/flags/${f.id}/resolve`,
        { resolution: 'accepted', justification: 'reviewed' },
        200,
      );
    }
    await g.event(w.governance.token, c.id, { type: 'APPROVE_AWARD', note: 'signed off' });
    await g.waitForState(w.governance.token, c.id, 'awarded');
    const visited = await statesVisited(c.id);
    expect(visited).toEqual([
      'conflict_check',
      'route_decision',
      'award_checks',
      'governance_review',
      'standstill',
      'awarded',
    ]);
  });

  it('... -> tendering -> unsuccessful with no bids', async () => {
    const c = await g.caseInTendering(w, { tenderClosesAt: soon });
    await g.waitForState(w.governance.token, c.id, 'unsuccessful');
    expect(await statesVisited(c.id)).toEqual(['conflict_check', 'route_decision', 'tendering', 'unsuccessful']);
    expect(pathsByTarget.get('unsuccessful')).toContainEqual([
      'conflict_check',
      'route_decision',
      'tendering',
      'unsuccessful',
    ]);
  });

  it('... -> evaluation -> award_checks -> standstill (paused and resumed) -> awarded (buy)', async () => {
    const c = await g.caseInTendering(w, { tenderClosesAt: soon });
    const bidder = w.providerUsers[w.trust.id];
    const b = await g.bid(bidder, c.id);
    await g.waitForState(w.governance.token, c.id, 'evaluation');
    for (const m of w.panel) await g.score(m, c.id, b.id, 7);
    await g.event(w.decider.token, c.id, { type: 'PROPOSE_AWARD', bidId: b.id, justification: 'best value' });
    await g.waitForState(w.governance.token, c.id, 'standstill');
    const rep = await g.post(bidder.token, `/cases/${c.id}/representations`, { text: 'please check the scoring' }, 201);
    await g.post(w.governance.token, `/cases/${c.id}/representations/${rep.body.id}/resolve`, {
      outcome: 'not_upheld',
      response: 'scoring was sound',
    });
    await g.waitForState(w.governance.token, c.id, 'awarded');
    expect(await statesVisited(c.id)).toEqual([
      'conflict_check',
      'route_decision',
      'tendering',
      'evaluation',
      'award_checks',
      'standstill',
      'awarded',
    ]);
  });

  it('every audited step of every case played here is a step the model allows', async () => {
    const ds = t.app.get(DataSource);
    const rows: { case_id: string; type: string; from_state: string | null; to_state: string }[] = await ds.query(
      `SELECT case_id, type, from_state, to_state FROM case_events ORDER BY case_id, seq`,
    );
    const outside = rows.filter(
      (r) =>
        r.from_state !== null && // CREATED
        r.type !== 'MACHINE_MIGRATED' &&
        r.type !== 'BIDS_OPENED' && // an audit record the close's openBids effect writes, not an event
        !(FINAL_STATES as readonly string[]).includes(r.from_state) && // flag resolutions recorded on a final case
        !modelSteps.has(`${r.from_state}|${r.type}|${r.to_state}`),
    );
    expect(outside).toEqual([]);
    expect(rows.length).toBeGreaterThan(20);
  });
});
