import type { OutboxSignal } from './outbox.signal';

export interface PeriodicPassOptions {
  /** a pass every this many milliseconds */
  everyMs: number;
  /** a pass at `start` too (else the first is one interval later) */
  atStart: boolean;
  /**
   * Also a pass after every wake-up of this signal (a commit of this process). A wake-up or tick
   * during a pass then runs one more right after it, however many came meanwhile, so a commit is
   * never left unseen and a burst costs two passes, not one each. Without it a tick that finds
   * a pass under way is skipped: the next one comes an interval later.
   */
  wakeOn?: OutboxSignal;
}

/**
 * One of the worker's passes, run on an in-process timer and never two at once: the relays (woken
 * after commits, and on the timer for other processes' commits) and the reconcilers (deliberately
 * not repeatable BullMQ jobs: a schedule kept in Redis goes with Redis's data, and they are what
 * recovers from exactly that). A pass that throws is reported to `failed`; the next runs as usual.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly failed: (e: unknown) => void,
    private readonly options: PeriodicPassOptions,
  ) {}

  start(): void {
    const { wakeOn, everyMs, atStart } = this.options;
    if (wakeOn) this.unsubscribe = wakeOn.onWake(() => this.kick());
    this.timer = setInterval(() => this.kick(), everyMs);
    this.timer.unref();
    if (atStart) this.kick();
  }

  /** No pass after this one; resolves when the pass under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
  }

  /** Runs a pass now; during one, right after it (with `wakeOn`) or not at all. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      if (this.options.wakeOn) this.again = true;
      return;
    }
    this.running = this.pass()
      .then(
        () => undefined,
        (e) => this.failed(e),
      )
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }
}
