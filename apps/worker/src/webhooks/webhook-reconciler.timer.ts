import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { WebhookReconciler } from '@makebuy/webhooks';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * Runs the webhook reconciler at start and every RECONCILE_INTERVAL_MS on an in-process timer:
 * like the deadline reconciler, it must not live in Redis, since it recovers from Redis's losses.
 */
@Injectable()
export class WebhookReconcilerTimer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(WebhookReconcilerTimer.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly reconciler: WebhookReconciler,
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

  private tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.reconciler
      .reconcile()
      .then(() => undefined)
      .catch((e) => this.log.warn(`webhook reconciliation failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }
}
