import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DeadlineReconciler } from '@makebuy/deadlines';
import { isConnectionUnavailable } from '@makebuy/database';
import { ConnectionWatch } from '@makebuy/metrics';
import { PeriodicPass } from '@makebuy/queue';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * Runs the deadline reconciler once at start and then every RECONCILE_INTERVAL_MS, on an
 * in-process timer. Deliberately not a BullMQ repeatable job: a schedule stored in Redis
 * disappears with Redis's data, and this is what recovers from exactly that.
 *
 * Its two halves run on their own: applying due deadlines needs only PostgreSQL, so a Redis
 * check that is slow or failing never makes a tick skip the due pass. A tick finding a half
 * still running skips only that half.
 */
@Injectable()
export class DeadlineReconcilerTimer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(DeadlineReconcilerTimer.name);
  private readonly halves: PeriodicPass[];

  constructor(
    reconciler: DeadlineReconciler,
    private readonly watch: ConnectionWatch,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const every = { everyMs: config.reconcileIntervalMs, atStart: true };
    this.halves = [
      new PeriodicPass(
        () => reconciler.applyDue(),
        (e) => this.failed('applying due deadlines', e),
        every,
      ),
      new PeriodicPass(
        () => reconciler.repairQueue(),
        (e) => this.failed('checking deadline jobs', e),
        every,
      ),
    ];
  }

  onApplicationBootstrap(): void {
    for (const h of this.halves) h.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.halves.map((h) => h.stop()));
  }

  private failed(what: string, e: unknown): void {
    // an outage is logged once by ConnectionWatch, not on every tick
    if (isConnectionUnavailable(e)) this.watch.failed('postgres', e);
    else this.log.warn(`deadline reconciliation (${what}) failed: ${(e as Error).message}`);
  }
}
