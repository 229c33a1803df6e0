import { CONSORTIUM_FEED_TYPES, FeedScope, FeedType, PROVIDER_FEED_TYPES, PUBLIC_FEED_TYPES } from '@makebuy/feed';

/** A webhook belongs to a provider organisation or to a consortium. */
export type WebhookOwner = { kind: 'provider'; providerId: string } | { kind: 'consortium'; consortiumId: string };

/** The events an owner may subscribe to: what its people could read in the feed. */
export function subscribableEvents(owner: WebhookOwner): readonly FeedType[] {
  return owner.kind === 'provider'
    ? [...PUBLIC_FEED_TYPES, ...PROVIDER_FEED_TYPES]
    : [...PUBLIC_FEED_TYPES, ...CONSORTIUM_FEED_TYPES];
}

export function ownerScope(owner: WebhookOwner): FeedScope {
  return owner.kind === 'provider'
    ? { providerId: owner.providerId, consortium: null }
    : { providerId: null, consortium: owner.consortiumId };
}

export const TEST_EVENT_TYPE = 'webhook.test';

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed';

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: 'active' | 'disabled';
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  /** while set, deliveries are signed with the previous secret too */
  previousSecretExpiresAt: string | null;
}

export interface WebhookAttemptView {
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  outcome: string;
  responseExcerpt: string | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  /** the `webhook-id` header: the same on every attempt and redelivery, for de-duplication */
  webhookId: string;
  feedItemId: string | null;
  type: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  completedAt: string | null;
  lastError: string | null;
  attempts: WebhookAttemptView[];
}

/** The `webhook-id` of a delivery: fixed for its life, across attempts and redeliveries. */
export function messageIdOf(deliveryId: string): string {
  return `msg_${deliveryId.replace(/-/g, '')}`;
}
