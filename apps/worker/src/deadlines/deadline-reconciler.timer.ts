import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DeadlineReconciler } from '@makebuy/deadlines';
import { isConnectionUnavailable } from '@makebuy/database';
import { ConnectionWatch } from '@makebuy/metrics';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * Runs the deadline reconciler once at start and then every RECONCILE_INTERVAL_MS, on an
 * in-process timer. Deliberately not a BullMQ repeatable job: a schedule stored in Redis
 * disappears with Redis's data, and this is what recovers from exactly that.
 *
 * Its two halves run on their own: applying due deadlines needs only PostgreSQL, so a Redis
 * check that is slow or failing never makes a tick skip the due pass.
 */
@Injectable()
export class DeadlineReconcilerTimer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(DeadlineReconcilerTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private due: Promise<void> | null = null;
  private queue: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly reconciler: DeadlineReconciler,
    private readonly watch: ConnectionWatch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.due, this.queue]);
  }

  /** Each half one pass at a time; a tick finding a half still running skips only that half. */
  private tick(): void {
    if (this.stopped) return;
    this.due ??= this.reconciler
      .applyDue()
      .then(() => undefined)
      .catch((e) => this.failed('applying due deadlines', e))
      .finally(() => (this.due = null));
    this.queue ??= this.reconciler
      .repairQueue()
      .then(() => undefined)
      .catch((e) => this.failed('checking deadline jobs', e))
      .finally(() => (this.queue = null));
  }

  private failed(what: string, e: unknown): void {
    // an outage is logged once by ConnectionWatch, not on every tick
    if (isConnectionUnavailable(e)) this.watch.failed('postgres', e);
    else this.log.warn(`deadline reconciliation (${what}) failed: ${(e as Error).message}`);
  }
}
