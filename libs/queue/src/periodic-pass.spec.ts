import { OutboxSignal } from './outbox.signal';
import { PeriodicPass } from './periodic-pass';

/** A pass that stays under way until the test lets it end. */
function gatedPass() {
  const gates: (() => void)[] = [];
  let started = 0;
  const pass = () =>
    new Promise<void>((resolve) => {
      started++;
      gates.push(resolve);
    });
  const endOne = async () => {
    gates.shift()!();
    // let the pass's then/finally (and a pass it starts) run
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { pass, endOne, started: () => started, underWay: () => gates.length };
}

const HOUR = 3_600_000;

describe('PeriodicPass', () => {
  it('with a signal: wake-ups during a pass make exactly one more pass after it', async () => {
    const signal = new OutboxSignal();
    const g = gatedPass();
    const loop = new PeriodicPass(g.pass, () => undefined, { everyMs: HOUR, atStart: true, wakeOn: signal });
    loop.start();
    expect(g.started()).toBe(1);
    signal.wake();
    signal.wake();
    signal.wake();
    expect(g.started()).toBe(1); // never two at once
    await g.endOne();
    expect(g.started()).toBe(2); // the burst: one pass more
    await g.endOne();
    expect(g.started()).toBe(2);
    expect(g.underWay()).toBe(0);
    signal.wake(); // idle: a pass at once
    expect(g.started()).toBe(3);
    await g.endOne();
    await loop.stop();
  });

  it('without a signal: a kick during a pass is skipped, and the first pass waits for the timer unless atStart', async () => {
    const g = gatedPass();
    const loop = new PeriodicPass(g.pass, () => undefined, { everyMs: HOUR, atStart: false });
    loop.start();
    expect(g.started()).toBe(0);
    loop.kick();
    loop.kick();
    expect(g.started()).toBe(1);
    await g.endOne();
    expect(g.started()).toBe(1);
    await loop.stop();
  });

  it('a failed pass is reported and the next one runs', async () => {
    const failures: unknown[] = [];
    let n = 0;
    const loop = new PeriodicPass(
      async () => {
        if (++n === 1) throw new Error('database away');
      },
      (e) => failures.push(e),
      { everyMs: HOUR, atStart: true },
    );
    loop.start();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(failures.map((e) => (e as Error).message)).toEqual(['database away']);
    loop.kick();
    await loop.stop();
    expect(n).toBe(2);
    expect(failures).toHaveLength(1);
  });

  it('stop waits for the pass under way, and no pass runs after it', async () => {
    const signal = new OutboxSignal();
    const g = gatedPass();
    const loop = new PeriodicPass(g.pass, () => undefined, { everyMs: HOUR, atStart: true, wakeOn: signal });
    loop.start();
    signal.wake(); // would run one more after the pass
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    await g.endOne();
    await stopping;
    expect(stopped).toBe(true);
    signal.wake();
    loop.kick();
    expect(g.started()).toBe(1);
  });
});
