import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DeadlineReconciler } from '@makebuy/deadlines';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * Runs the deadline reconciler once at start and then every RECONCILE_INTERVAL_MS, on an
 * in-process timer. Deliberately not a BullMQ repeatable job: a schedule stored in Redis
 * disappears with Redis's data, and this is what recovers from exactly that.
 */
@Injectable()
export class DeadlineReconcilerTimer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(DeadlineReconcilerTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly reconciler: DeadlineReconciler,
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
    await this.running;
  }

  /** One pass at a time; a tick during a pass is skipped (the next one comes soon). */
  private tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.reconciler
      .reconcile()
      .then(() => undefined)
      .catch((e) => this.log.warn(`deadline reconciliation failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }
}
