import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { WebhookReconciler } from '@makebuy/webhooks';
import { PeriodicPass } from '@makebuy/queue';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/**
 * Runs the webhook reconciler at start and every RECONCILE_INTERVAL_MS on an in-process timer:
 * like the deadline reconciler, it must not live in Redis, since it recovers from Redis's losses.
 */
@Injectable()
export class WebhookReconcilerTimer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(WebhookReconcilerTimer.name);
  private readonly loop: PeriodicPass;

  constructor(reconciler: WebhookReconciler, @Inject(APP_CONFIG) config: AppConfig) {
    this.loop = new PeriodicPass(
      () => reconciler.reconcile(),
      (e) => this.log.warn(`webhook reconciliation failed: ${(e as Error).message}`),
      { everyMs: config.reconcileIntervalMs, atStart: true },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }
}
