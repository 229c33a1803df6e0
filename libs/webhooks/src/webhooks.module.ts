import { Module } from '@nestjs/common';
import { FeedModule } from '@makebuy/feed';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';
import { WebhookFanOut } from './webhook-fan-out.service';
import { WebhookDelivery } from './webhook-delivery.service';
import { WebhookReconciler } from './webhook-reconciler.service';
import { WEBHOOK_HOST_RESOLVER, WebhookTargets } from './webhook-targets.service';
import { systemResolver } from './target-policy';

/** Standard Webhooks for providers and consortia: subscriptions, fan-out from the feed, durable delivery. */
@Module({
  imports: [FeedModule],
  providers: [
    WebhooksRepository,
    WebhooksService,
    WebhookFanOut,
    WebhookDelivery,
    WebhookReconciler,
    WebhookTargets,
    { provide: WEBHOOK_HOST_RESOLVER, useValue: systemResolver },
  ],
  exports: [WebhooksService, WebhookFanOut, WebhookDelivery, WebhookReconciler, FeedModule],
})
export class WebhooksModule {}
