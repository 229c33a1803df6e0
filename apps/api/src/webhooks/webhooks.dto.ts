import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { FEED_TYPES } from '@makebuy/feed';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://hooks.example.org/makebuy',
    description:
      'http or https; refused (400) when the host is or resolves to a private, loopback, link-local or metadata address, unless WEBHOOK_ALLOWED_HOSTS names it',
  })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({
    enum: FEED_TYPES,
    isArray: true,
    description: 'feed event types to receive (those the owner may see)',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(FEED_TYPES.length)
  @IsIn(FEED_TYPES, { each: true })
  events: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: FEED_TYPES, isArray: true }) events: string[];
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: ['active', 'disabled'], description: 'disabled when the receiver answered 410 Gone' })
  status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) disabledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) disabledReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'after a rotation: until then deliveries carry signatures with the previous secret too',
  })
  previousSecretExpiresAt: string | null;
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'shown once; verify deliveries with it',
  })
  secret: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] }) items: WebhookDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class WebhookAttemptDto {
  @ApiProperty() attempt: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() durationMs: number;
  @ApiProperty({ nullable: true, type: Number }) statusCode: number | null;
  @ApiProperty({ enum: ['succeeded', 'http_error', 'gone', 'timeout', 'network_error', 'refused'] }) outcome: string;
  @ApiProperty({ nullable: true, type: String, description: 'the start of the answer, secrets removed' })
  responseExcerpt: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'the webhook-id header: the same on every attempt and redelivery' }) webhookId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) feedItemId: string | null;
  @ApiProperty({ description: 'the feed event type, or webhook.test' }) type: string;
  @ApiProperty({ enum: ['pending', 'delivering', 'succeeded', 'failed'] }) status: string;
  @ApiProperty() attemptCount: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextAttemptAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ type: [WebhookAttemptDto] }) attempts: WebhookAttemptDto[];
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items: WebhookDeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
