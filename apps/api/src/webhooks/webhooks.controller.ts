import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@makebuy/auth';
import { WebhooksService } from '@makebuy/webhooks';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import { PageQuery } from '../http/page-query.dto';
import {
  CreateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPageDto,
  WebhookWithSecretDto,
} from './webhooks.dto';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe an endpoint to feed events (Standard Webhooks)',
    description:
      'Provider users subscribe for their provider, commissioners and governance for their consortium. The answer carries the signing `secret` (whsec_...), shown only here. Deliveries are POSTs with `webhook-id`, `webhook-timestamp` and `webhook-signature` headers and a body `{ type, timestamp, data }`, retried with back-off and jitter for up to 3 days; a 410 answer disables the endpoint.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(p, body);
  }

  @Get()
  @ApiOperation({ summary: "The caller's provider's or consortium's webhooks, newest first" })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.webhooks.list(p, q.cursor, q.limit ?? 50);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook; deliveries still waiting are given up. Returns it.' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiSignedIn('NOT_FOUND')
  remove(@CurrentPrincipal() p: Principal, @Param('id', new IdPipe('webhook')) id: string) {
    return this.webhooks.remove(p, id);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret (shown once)',
    description: 'For 24 hours deliveries carry two signatures, with the new and the previous secret.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ApiSignedIn('NOT_FOUND')
  rotate(@CurrentPrincipal() p: Principal, @Param('id', new IdPipe('webhook')) id: string) {
    return this.webhooks.rotate(p, id);
  }

  @Post(':id/test')
  @ApiOperation({ summary: 'Send a `webhook.test` message through the normal delivery path' })
  @ApiCreatedResponse({ type: WebhookDeliveryDto })
  @ApiSignedIn('NOT_FOUND', 'CONFLICT')
  test(@CurrentPrincipal() p: Principal, @Param('id', new IdPipe('webhook')) id: string) {
    return this.webhooks.sendTest(p, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "A webhook's deliveries, newest first, each with every attempt" })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiSignedIn('NOT_FOUND', 'VALIDATION_FAILED')
  deliveries(@CurrentPrincipal() p: Principal, @Param('id', new IdPipe('webhook')) id: string, @Query() q: PageQuery) {
    return this.webhooks.deliveries(p, id, q.cursor, q.limit ?? 50);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a finished delivery again (same webhook-id, a fresh retry window)',
    description: '409 CONFLICT while the delivery is still pending or the endpoint is disabled.',
  })
  @ApiOkResponse({ type: WebhookDeliveryDto })
  @ApiSignedIn('NOT_FOUND', 'CONFLICT')
  redeliver(
    @CurrentPrincipal() p: Principal,
    @Param('id', new IdPipe('webhook')) id: string,
    @Param('deliveryId', new IdPipe('delivery')) deliveryId: string,
  ) {
    return this.webhooks.redeliver(p, id, deliveryId);
  }
}
