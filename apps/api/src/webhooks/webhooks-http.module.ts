import { Module } from '@nestjs/common';
import { WebhooksModule } from '@makebuy/webhooks';
import { WebhooksController } from './webhooks.controller';

/** /webhooks: subscriptions, rotation, test deliveries, the delivery log, redelivery. */
@Module({
  imports: [WebhooksModule],
  controllers: [WebhooksController],
})
export class WebhooksHttpModule {}
