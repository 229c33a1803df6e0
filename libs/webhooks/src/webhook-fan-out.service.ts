import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FeedRow, FeedService, inScope } from '@makebuy/feed';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { JOBS, OutboxWriter, webhookJobId } from '@makebuy/queue';
import { EndpointRow, WebhooksRepository } from './webhooks.repository';
import { messageIdOf, ownerScope } from './webhook.types';

const BATCH = 200;

function ownerOfRow(e: EndpointRow) {
  return e.ownerKind === 'provider'
    ? ({ kind: 'provider', providerId: e.providerId! } as const)
    : ({ kind: 'consortium', consortiumId: e.consortiumId! } as const);
}

/** The body of a delivery: `{ type, timestamp, data }`, data = the item's data plus feedId, caseId, ocid. */
export function deliveryBody(item: FeedRow): string {
  return JSON.stringify({
    type: item.type,
    timestamp: item.at.toISOString(),
    data: { ...item.data, feedId: item.id, caseId: item.caseId, ocid: item.ocid },
  });
}

/**
 * Follows the feed like any reader, from its own durable position: each placed item becomes one
 * delivery row (and one outbox job) per endpoint subscribed to its type that may see it, in the
 * same transaction that moves the position on. The feed never skips, so neither does this.
 */
@Injectable()
export class WebhookFanOut {
  constructor(
    private readonly feed: FeedService,
    private readonly repo: WebhooksRepository,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Fans out everything placed so far. Returns the number of deliveries created. */
  async dispatch(): Promise<number> {
    let total = 0;
    for (;;) {
      const { items, created } = await this.repo.transaction(async (tx) => {
        const from = await this.repo.lockDispatchPosition(tx);
        const rows = await this.feed.placedAfter(tx, from, BATCH);
        if (!rows.length) return { items: 0, created: 0 };
        const endpoints = await this.repo.activeEndpoints(tx);
        const now = this.clock.now();
        let n = 0;
        for (const item of rows) {
          for (const e of endpoints) {
            if (!e.events.includes(item.type)) continue;
            if (e.createdAt > item.at) continue; // a subscription starts when it is made
            if (!inScope(ownerScope(ownerOfRow(e)), item)) continue;
            const id = randomUUID();
            const jobId = webhookJobId(e.id, item.id, 0);
            const inserted = await this.repo.insertDelivery(tx, {
              id,
              endpointId: e.id,
              feedItemId: item.id,
              messageId: messageIdOf(id),
              type: item.type,
              body: deliveryBody(item),
              jobId,
              nextAttemptAt: now,
              createdAt: now,
              retryUntil: new Date(now.getTime() + this.config.webhooks.retryMaxAgeMs),
            });
            if (inserted) {
              await this.outbox.enqueue(tx, JOBS.deliverWebhook, { deliveryId: id }, { jobId, caseId: item.caseId });
              n++;
            }
          }
        }
        await this.repo.setDispatchPosition(tx, rows[rows.length - 1].position);
        return { items: rows.length, created: n };
      });
      total += created;
      if (items < BATCH) return total;
    }
  }
}
