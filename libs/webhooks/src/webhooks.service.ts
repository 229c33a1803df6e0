import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, type Role } from '@makebuy/domain';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { decodeCursor, encodeCursor, Page } from '@makebuy/database';
import { OutboxSignal, OutboxWriter, JOBS, webhookJobId } from '@makebuy/queue';
import { newWebhookSecret, SecretBox } from './secret-box';
import { TargetRefused } from './target-policy';
import { WebhookTargets } from './webhook-targets.service';
import { AttemptRow, DeliveryRow, EndpointRow, WebhooksRepository } from './webhooks.repository';
import {
  messageIdOf,
  subscribableEvents,
  TEST_EVENT_TYPE,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookOwner,
} from './webhook.types';

/** How long a rotated-out secret still signs deliveries. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3600_000;

export interface WebhookCaller {
  sub: string;
  roles: readonly Role[];
  providerId: string | null;
  consortiumId: string | null;
}

export interface CreateWebhook {
  url: string;
  events: string[];
  description?: string;
}

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] });

export function endpointView(e: EndpointRow, now: Date): WebhookEndpointView {
  const previousValid = e.previousSecretExpiresAt && e.previousSecretExpiresAt > now;
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    status: e.disabledAt ? 'disabled' : 'active',
    disabledAt: e.disabledAt?.toISOString() ?? null,
    disabledReason: e.disabledReason,
    createdAt: e.createdAt.toISOString(),
    previousSecretExpiresAt: previousValid ? e.previousSecretExpiresAt!.toISOString() : null,
  };
}

export function deliveryView(d: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryView {
  return {
    id: d.id,
    webhookId: d.messageId,
    feedItemId: d.feedItemId,
    type: d.type,
    status: d.status,
    attemptCount: d.attempts,
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    createdAt: d.createdAt.toISOString(),
    completedAt: d.completedAt?.toISOString() ?? null,
    lastError: d.lastError,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      outcome: a.outcome,
      responseExcerpt: a.responseExcerpt,
      error: a.error,
    })),
  };
}

/** Webhook subscriptions of provider organisations and consortia: the API's use cases. */
@Injectable()
export class WebhooksService {
  private readonly box: SecretBox;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly targets: WebhookTargets,
    private readonly outbox: OutboxWriter,
    private readonly signal: OutboxSignal,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.webhooks.secretKey);
  }

  /** Provider users act for their provider; commissioners and governance for their consortium. */
  ownerOf(caller: WebhookCaller): WebhookOwner {
    if (caller.roles.includes('provider') && caller.providerId)
      return { kind: 'provider', providerId: caller.providerId };
    if ((caller.roles.includes('commissioner') || caller.roles.includes('governance')) && caller.consortiumId)
      return { kind: 'consortium', consortiumId: caller.consortiumId };
    throw new DomainError(
      'FORBIDDEN',
      'webhooks belong to a provider (provider users) or a consortium (its commissioners and governance)',
    );
  }

  async create(caller: WebhookCaller, input: CreateWebhook): Promise<WebhookEndpointView & { secret: string }> {
    const owner = this.ownerOf(caller);
    const allowed = subscribableEvents(owner);
    const events = [...new Set(input.events)];
    const refused = events.filter((e) => !allowed.includes(e as never));
    if (refused.length) throw invalid('events', `not available to this subscriber: ${refused.join(', ')}`);
    await this.checkTarget(input.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const now = this.clock.now();
    const row = {
      id,
      ownerKind: owner.kind,
      providerId: owner.kind === 'provider' ? owner.providerId : null,
      consortiumId: owner.kind === 'consortium' ? owner.consortiumId : null,
      url: input.url,
      events,
      description: input.description ?? null,
      secretEnc: this.box.seal(secret, id),
      previousSecretEnc: null,
      previousSecretExpiresAt: null,
      createdBy: caller.sub,
      createdAt: now,
    };
    await this.repo.insertEndpoint(row);
    return { ...endpointView({ ...row, disabledAt: null, disabledReason: null, deletedAt: null }, now), secret };
  }

  async list(caller: WebhookCaller, cursor: string | undefined, limit: number): Promise<Page<WebhookEndpointView>> {
    const owner = this.ownerOf(caller);
    const after = decodeCursor(cursor);
    const rows = await this.repo.listEndpoints(owner, after && { t: new Date(after.t), id: after.id }, limit + 1);
    const now = this.clock.now();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((e) => endpointView(e, now)),
      nextCursor: more ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async get(caller: WebhookCaller, id: string): Promise<WebhookEndpointView> {
    return endpointView(await this.owned(caller, id), this.clock.now());
  }

  /** Deletes the subscription; deliveries still waiting are given up. */
  async remove(caller: WebhookCaller, id: string): Promise<WebhookEndpointView> {
    const owner = this.ownerSeeing(caller, id);
    const now = this.clock.now();
    return this.repo.transaction(async (tx) => {
      const e = await this.repo.ownedEndpoint(owner, id, tx, true);
      if (!e) throw new DomainError('NOT_FOUND', `no webhook ${id}`);
      await this.repo.markDeleted(tx, id, now);
      return endpointView(e, now);
    });
  }

  /** A new secret, shown once; the previous one keeps signing (alongside) for 24 hours. */
  async rotate(caller: WebhookCaller, id: string): Promise<WebhookEndpointView & { secret: string }> {
    const owner = this.ownerSeeing(caller, id);
    const now = this.clock.now();
    return this.repo.transaction(async (tx) => {
      const e = await this.repo.ownedEndpoint(owner, id, tx, true);
      if (!e) throw new DomainError('NOT_FOUND', `no webhook ${id}`);
      const secret = newWebhookSecret();
      const expires = new Date(now.getTime() + PREVIOUS_SECRET_TTL_MS);
      await this.repo.setSecrets(tx, id, this.box.seal(secret, id), e.secretEnc, expires);
      return { ...endpointView({ ...e, previousSecretExpiresAt: expires }, now), secret };
    });
  }

  /** Sends a `webhook.test` message through the same delivery path as real ones. */
  async sendTest(caller: WebhookCaller, id: string): Promise<WebhookDeliveryView> {
    const owner = this.ownerSeeing(caller, id);
    const now = this.clock.now();
    const out = await this.repo.transaction(async (tx) => {
      const e = await this.repo.ownedEndpoint(owner, id, tx, true);
      if (!e) throw new DomainError('NOT_FOUND', `no webhook ${id}`);
      if (e.disabledAt) throw new DomainError('CONFLICT', `webhook ${id} is disabled: ${e.disabledReason ?? ''}`);
      const deliveryId = randomUUID();
      const body = JSON.stringify({
        type: TEST_EVENT_TYPE,
        timestamp: now.toISOString(),
        data: { message: 'test delivery', feedId: null, caseId: null, ocid: null },
      });
      const row = {
        id: deliveryId,
        endpointId: id,
        feedItemId: null,
        messageId: messageIdOf(deliveryId),
        type: TEST_EVENT_TYPE,
        body,
        jobId: webhookJobId(id, `test-${deliveryId}`, 0),
        nextAttemptAt: now,
        createdAt: now,
        retryUntil: new Date(now.getTime() + this.config.webhooks.retryMaxAgeMs),
      };
      await this.repo.insertDelivery(tx, row);
      await this.outbox.enqueue(tx, JOBS.deliverWebhook, { deliveryId }, { jobId: row.jobId });
      return row;
    });
    this.signal.wake();
    return deliveryView(
      { ...out, status: 'pending', attempts: 0, redeliveries: 0, leaseUntil: null, completedAt: null, lastError: null },
      [],
    );
  }

  async deliveries(
    caller: WebhookCaller,
    id: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<WebhookDeliveryView>> {
    await this.owned(caller, id);
    const after = decodeCursor(cursor);
    const rows = await this.repo.listDeliveries(id, after && { t: new Date(after.t), id: after.id }, limit + 1);
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const attempts = await this.repo.attemptsOf(page.map((d) => d.id));
    const last = page[page.length - 1];
    return {
      items: page.map((d) =>
        deliveryView(
          d,
          attempts.filter((a) => a.deliveryId === d.id),
        ),
      ),
      nextCursor: more ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  /** Sends a delivery again (same `webhook-id`, so receivers can de-duplicate), with a fresh retry window. */
  async redeliver(caller: WebhookCaller, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    const owner = this.ownerSeeing(caller, id);
    const now = this.clock.now();
    await this.repo.transaction(async (tx) => {
      const e = await this.repo.ownedEndpoint(owner, id, tx, true);
      if (!e) throw new DomainError('NOT_FOUND', `no webhook ${id}`);
      const d = await this.repo.deliveryForUpdate(tx, deliveryId);
      if (!d || d.endpointId !== id) throw new DomainError('NOT_FOUND', `no delivery ${deliveryId}`);
      if (e.disabledAt) throw new DomainError('CONFLICT', `webhook ${id} is disabled: ${e.disabledReason ?? ''}`);
      if (d.status === 'pending' || d.status === 'delivering')
        throw new DomainError('CONFLICT', `delivery ${deliveryId} is still ${d.status}`);
      const n = d.redeliveries + 1;
      const jobId = webhookJobId(id, d.feedItemId ?? `test-${d.id}`, n);
      await this.repo.redeliver(tx, d.id, n, jobId, now, new Date(now.getTime() + this.config.webhooks.retryMaxAgeMs));
      await this.outbox.enqueue(tx, JOBS.deliverWebhook, { deliveryId }, { jobId });
    });
    this.signal.wake();
    const d = (await this.repo.findDelivery(id, deliveryId))!;
    return deliveryView(d, await this.repo.attemptsOf([d.id]));
  }

  /** For a named webhook: a caller who owns no webhooks sees none (404 before 403, as everywhere). */
  private ownerSeeing(caller: WebhookCaller, id: string): WebhookOwner {
    try {
      return this.ownerOf(caller);
    } catch {
      throw new DomainError('NOT_FOUND', `no webhook ${id}`);
    }
  }

  private async owned(caller: WebhookCaller, id: string): Promise<EndpointRow> {
    const e = await this.repo.ownedEndpoint(this.ownerSeeing(caller, id), id);
    if (!e) throw new DomainError('NOT_FOUND', `no webhook ${id}`);
    return e;
  }

  private async checkTarget(url: string): Promise<void> {
    try {
      await this.targets.check(url);
    } catch (e) {
      if (e instanceof TargetRefused) throw invalid('url', e.message);
      throw e;
    }
  }
}
