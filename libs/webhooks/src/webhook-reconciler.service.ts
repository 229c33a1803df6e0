import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { JOBS, QueueGateway } from '@makebuy/queue';
import { WebhooksRepository } from './webhooks.repository';
import { WebhookDelivery } from './webhook-delivery.service';

export interface WebhookReconcileReport {
  /** deliveries whose claim outlived its lease (a dead worker), attempted again from here */
  takenOver: number;
  /** overdue deliveries whose job was missing (or finished) in Redis, enqueued again */
  requeued: number;
  redisError?: string;
}

const BATCH = 200;
const PARALLEL = 4;

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

/**
 * The safety net under BullMQ for webhooks, as for deadlines: PostgreSQL holds every delivery.
 * A claim whose lease ran out (its worker died mid-attempt) is attempted again directly; a
 * pending delivery overdue by more than a grace whose job Redis no longer has (FLUSHDB, a lost
 * instance) or has finished gets its job again. Safe in every worker at once.
 */
@Injectable()
export class WebhookReconciler {
  private readonly log = new Logger(WebhookReconciler.name);

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly delivery: WebhookDelivery,
    private readonly gateway: QueueGateway,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** How late a pending delivery may be before its job is looked for. */
  private get graceMs(): number {
    return Math.max(1_000, this.config.reconcileIntervalMs);
  }

  async reconcile(): Promise<WebhookReconcileReport> {
    const report: WebhookReconcileReport = { takenOver: 0, requeued: 0 };
    const expired = await this.repo.expiredLeases(this.clock.now(), BATCH);
    await eachLimit(expired, PARALLEL, async (id) => {
      try {
        await this.delivery.run(id);
        report.takenOver++;
      } catch (e) {
        this.log.warn(`webhook delivery ${id} could not be taken over: ${(e as Error).message}`);
      }
    });
    try {
      report.requeued = await this.requeueMissing();
    } catch (e) {
      report.redisError = (e as Error).message;
      this.log.warn(`could not check webhook jobs in Redis: ${report.redisError}`);
    }
    if (report.takenOver || report.requeued)
      this.log.log(`reconciled webhooks: ${report.takenOver} taken over, ${report.requeued} re-enqueued`);
    return report;
  }

  private async requeueMissing(): Promise<number> {
    const overdue = await this.repo.overdue(new Date(this.clock.now().getTime() - this.graceMs), BATCH);
    let requeued = 0;
    await eachLimit(overdue, 20, async (d) => {
      const job = await this.gateway.getJob(JOBS.deliverWebhook, d.jobId);
      if (job) {
        const state = await job.getState();
        if (state !== 'completed' && state !== 'failed') return;
        await job.remove();
      }
      await this.gateway.add(JOBS.deliverWebhook, { deliveryId: d.id }, { jobId: d.jobId });
      requeued++;
    });
    return requeued;
  }
}
