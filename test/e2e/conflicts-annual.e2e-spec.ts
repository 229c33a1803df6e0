import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ManualClock } from '@makebuy/settings';
import { JOBS, QUEUES, QueueGateway } from '@makebuy/queue';
import { ANNUAL_DECLARATIONS_SCHEDULER_ID } from '../../apps/worker/src/conflicts/annual-declarations.scheduler';
import { eventually, startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

const DAY = 86_400_000;

/** Annual declarations: the maintenance job records who is overdue, reminds them once, and governance sees the list. */
describe('annual declarations', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let w: World;
  const clock = new ManualClock(new Date());
  let runs = 0;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'conflicts_annual', clock });
    g = given(t);
    w = await g.world();
  });
  afterAll(() => t.close());

  /** Runs the check through the queue, as the scheduler does, and waits for it to finish. */
  async function runCheck() {
    const job = await t.app
      .get(QueueGateway)
      .add(JOBS.annualDeclarations, {}, { jobId: `annual-declarations-test-${++runs}` });
    return eventually(async () => ((await job.isCompleted()) ? job : null), 15000);
  }
  const overdue = async () => {
    const res = await g.get(w.governance.token, '/interests/overdue?limit=200');
    expect(res.status).toBe(200);
    return res.body.items as { personId: string; lastDeclaredAt: string | null; remindedAt: string | null }[];
  };
  const reminders = async (token: string) =>
    ((await g.get(token, '/notifications')).body.items as { kind: string; data: Record<string, unknown> }[]).filter(
      (n) => n.kind === 'annual_declaration_due',
    );

  it('the worker schedules the daily check on the maintenance queue', async () => {
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.maintenance));
    const scheduler = await eventually(() => queue.getJobScheduler(ANNUAL_DECLARATIONS_SCHEDULER_ID));
    expect(scheduler).toMatchObject({ name: JOBS.annualDeclarations, tz: 'Europe/London' });
  });

  it('records who is overdue, reminds them once, and clears them when they declare', async () => {
    await g.post(
      w.gpPartner.token,
      '/interests',
      { category: 'financial', providerId: w.memberPractices[0].id, description: 'Partner', startsOn: '2019-01-01' },
      201,
    );
    await runCheck();
    expect(await overdue()).toEqual([]);

    // a month on: people who never declared are past the 28 days for new interests
    clock.advance(30 * DAY);
    await runCheck();
    let list = await overdue();
    const ids = list.map((o) => o.personId);
    expect(ids).toEqual(expect.arrayContaining([w.commissioner.id, w.governance.id, w.panel[1].id]));
    expect(ids).not.toContain(w.gpPartner.id);
    // provider users are not decision makers
    expect(ids).not.toContain(w.providerUsers[w.trust.id].id);
    const claire = list.find((o) => o.personId === w.commissioner.id)!;
    expect(claire).toMatchObject({ lastDeclaredAt: null, remindedAt: expect.any(String) });
    expect(await reminders(w.commissioner.token)).toHaveLength(1);

    // re-running neither reminds again nor moves the dates
    await runCheck();
    expect((await overdue()).find((o) => o.personId === w.commissioner.id)).toEqual(claire);
    expect(await reminders(w.commissioner.token)).toHaveLength(1);

    // a nil return brings Claire up to date at once
    await g.post(w.commissioner.token, '/interests/nil-returns', {}, 201);
    expect((await overdue()).map((o) => o.personId)).not.toContain(w.commissioner.id);

    // more than a year after the GP partner's declaration
    clock.advance(400 * DAY);
    await runCheck();
    list = await overdue();
    expect(list.find((o) => o.personId === w.gpPartner.id)).toMatchObject({
      lastDeclaredAt: expect.any(String),
      remindedAt: expect.any(String),
    });
    // Claire's nil return is now over a year old too: a new overdue period, a new reminder
    expect(list.map((o) => o.personId)).toContain(w.commissioner.id);
    expect(await reminders(w.commissioner.token)).toHaveLength(2);
  });

  it('only governance reads the overdue list', async () => {
    const res = await g.get(w.commissioner.token, '/interests/overdue');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
