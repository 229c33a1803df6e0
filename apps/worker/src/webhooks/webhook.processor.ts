import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { DeliveryRun, WebhookDelivery } from '@makebuy/webhooks';
import { DeliverWebhookPayload, JOBS, QUEUES } from '@makebuy/queue';

/** How soon a delivery held back by its endpoint's concurrency limit looks again (jittered). */
const BUSY_RETRY_MS = 250;

/**
 * `webhook.deliver`: one attempt through WebhookDelivery (claimed in PostgreSQL first). Retries,
 * early wakes and busy endpoints put the same job back to sleep until the instant the database
 * names, so the job id stays the one of (endpoint, feed item) for the delivery's whole life.
 */
@Processor(QUEUES.webhooks, { concurrency: 32 })
export class WebhookProcessor extends WorkerHost {
  constructor(private readonly delivery: WebhookDelivery) {
    super();
  }

  async process(job: Job<DeliverWebhookPayload>, token?: string): Promise<DeliveryRun> {
    if (job.name !== JOBS.deliverWebhook) throw new Error(`no handler for job ${job.name} on ${QUEUES.webhooks}`);
    const r = await this.delivery.run(job.data.deliveryId);
    if (r.kind === 'done') return r;
    const at = r.kind === 'later' ? r.at.getTime() : Date.now() + BUSY_RETRY_MS * (1 + Math.random() * 3);
    await job.moveToDelayed(Math.max(at, Date.now() + 10), token);
    throw new DelayedError();
  }
}
