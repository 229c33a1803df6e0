import { Module } from '@nestjs/common';
import { WebhooksModule } from '@makebuy/webhooks';
import { FeedRelayTimer } from './feed-relay.timer';
import { WebhookProcessor } from './webhook.processor';
import { WebhookReconcilerTimer } from './webhook-reconciler.timer';

/** The feed's relay (positions, fan-out), the webhook delivery processor and its reconciler. */
@Module({
  imports: [WebhooksModule],
  providers: [FeedRelayTimer, WebhookProcessor, WebhookReconcilerTimer],
})
export class WebhooksWorkerModule {}
