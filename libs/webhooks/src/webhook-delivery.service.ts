import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { SecretBox } from './secret-box';
import { TargetRefused } from './target-policy';
import { AttemptResult, postOnce } from './webhook-http.client';
import { scrubSecrets, signedHeaders } from './webhook-signer';
import { WebhookTargets } from './webhook-targets.service';
import { DeliveryRow, EndpointRow, WebhooksRepository } from './webhooks.repository';
import { nextAttemptAt } from './retry-schedule';

/** What became of one run of a delivery. */
export type DeliveryRun =
  /** nothing more to do: delivered, given up, or gone */
  | { kind: 'done'; status: 'succeeded' | 'failed' | 'missing' | 'taken_over' }
  /** come back at `at` (a retry, an early wake, or another claim still in flight) */
  | { kind: 'later'; at: Date }
  /** the endpoint has its maximum number of attempts in flight: come back shortly */
  | { kind: 'busy' };

type Claim = { kind: 'claimed'; delivery: DeliveryRow; endpoint: EndpointRow; attemptNo: number } | DeliveryRun;

/**
 * Carries out one delivery attempt, durable in PostgreSQL. A claim (status `delivering`, the
 * attempt counted, a lease) is committed before any byte is sent, so a receiver never sees a
 * `webhook-id` more often than the attempts on record; a worker that dies mid-attempt leaves a
 * lease that runs out, and the reconciler takes the delivery over. At most N claims per endpoint
 * are live at once (counted under the endpoint's row lock), so one slow receiver holds at most N
 * worker slots.
 */
@Injectable()
export class WebhookDelivery {
  private readonly log = new Logger(WebhookDelivery.name);
  private readonly box: SecretBox;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly targets: WebhookTargets,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.webhooks.secretKey);
  }

  /** A claim lasts twice the attempt timeout: only a dead (or wedged) worker outlives it. */
  private get leaseMs(): number {
    return this.config.webhooks.timeoutMs * 2;
  }

  async run(deliveryId: string): Promise<DeliveryRun> {
    const claim = await this.claim(deliveryId);
    if (claim.kind !== 'claimed') return claim;
    const { delivery, endpoint, attemptNo } = claim;
    const now = this.clock.now();
    const secrets = this.secretsOf(endpoint, now);
    const started = new Date();
    let result: AttemptResult;
    try {
      const target = await this.targets.check(endpoint.url);
      result = await postOnce(
        target,
        signedHeaders(delivery.messageId, now, delivery.body, secrets),
        delivery.body,
        this.config.webhooks.timeoutMs,
      );
    } catch (e) {
      result = {
        outcome: e instanceof TargetRefused ? 'refused' : 'network_error',
        statusCode: null,
        durationMs: Date.now() - started.getTime(),
        responseExcerpt: null,
        error: (e as Error).message,
      };
    }
    return this.record(delivery, endpoint, attemptNo, started, {
      ...result,
      responseExcerpt: scrubSecrets(result.responseExcerpt, secrets),
      error: scrubSecrets(result.error, secrets),
    });
  }

  private secretsOf(e: EndpointRow, now: Date): string[] {
    const secrets = [this.box.open(e.secretEnc, e.id)];
    if (e.previousSecretEnc && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now)
      secrets.push(this.box.open(e.previousSecretEnc, e.id));
    return secrets;
  }

  private claim(deliveryId: string): Promise<Claim> {
    return this.repo.transaction(async (tx): Promise<Claim> => {
      const endpointId = await this.repo.endpointIdOfDelivery(tx, deliveryId);
      if (!endpointId) return { kind: 'done', status: 'missing' };
      // lock order everywhere: the endpoint, then its delivery
      const endpoint = (await this.repo.endpointForDelivery(tx, endpointId))!;
      const d = (await this.repo.deliveryForUpdate(tx, deliveryId))!;
      const now = this.clock.now();
      if (d.status === 'succeeded' || d.status === 'failed') return { kind: 'done', status: d.status };
      if (d.status === 'delivering' && d.leaseUntil && d.leaseUntil > now) return { kind: 'later', at: d.leaseUntil };
      if (d.status === 'pending' && d.nextAttemptAt && d.nextAttemptAt > now)
        return { kind: 'later', at: d.nextAttemptAt };
      if (endpoint.deletedAt || endpoint.disabledAt) {
        await this.repo.failDelivery(
          tx,
          d.id,
          now,
          endpoint.deletedAt ? 'the endpoint was deleted' : 'the endpoint is disabled',
        );
        return { kind: 'done', status: 'failed' };
      }
      if ((await this.repo.inFlight(tx, endpointId, now, d.id)) >= this.config.webhooks.concurrencyPerEndpoint)
        return { kind: 'busy' };
      const attemptNo = d.attempts + 1;
      await this.repo.markDelivering(tx, d.id, attemptNo, new Date(now.getTime() + this.leaseMs));
      return { kind: 'claimed', delivery: d, endpoint, attemptNo };
    });
  }

  private record(
    d: DeliveryRow,
    endpoint: EndpointRow,
    attemptNo: number,
    startedAt: Date,
    r: AttemptResult,
  ): Promise<DeliveryRun> {
    return this.repo.transaction(async (tx): Promise<DeliveryRun> => {
      const now = this.clock.now();
      await this.repo.endpointForDelivery(tx, endpoint.id);
      await this.repo.insertAttempt(tx, randomUUID(), {
        deliveryId: d.id,
        attempt: attemptNo,
        startedAt,
        durationMs: r.durationMs,
        statusCode: r.statusCode,
        outcome: r.outcome,
        responseExcerpt: r.responseExcerpt,
        error: r.error,
      });
      const summary = r.statusCode ? `HTTP ${r.statusCode}` : r.outcome;
      if (r.outcome === 'succeeded') {
        await this.repo.settle(tx, d.id, attemptNo, { status: 'succeeded', at: now, error: null });
        return { kind: 'done', status: 'succeeded' };
      }
      if (r.outcome === 'gone') {
        // 410 Gone: the receiver wants no more; the endpoint is disabled and its backlog given up
        await this.repo.settle(tx, d.id, attemptNo, {
          status: 'failed',
          at: now,
          error: 'HTTP 410: endpoint disabled',
        });
        await this.repo.disable(tx, endpoint.id, now, 'the receiver answered 410 Gone');
        this.log.warn(`webhook ${endpoint.id} answered 410 Gone and was disabled`);
        return { kind: 'done', status: 'failed' };
      }
      const next = nextAttemptAt(this.config.webhooks, attemptNo, now, d.retryUntil);
      const error = `${summary}${r.error ? `: ${r.error}` : ''}`.slice(0, 500);
      if (!next) {
        await this.repo.settle(tx, d.id, attemptNo, {
          status: 'failed',
          at: now,
          error: `gave up after ${attemptNo} attempts; last: ${error}`,
        });
        return { kind: 'done', status: 'failed' };
      }
      const held = await this.repo.settle(tx, d.id, attemptNo, { status: 'pending', nextAttemptAt: next, error });
      // not held: this attempt outlived its lease and another run took the delivery over
      return held ? { kind: 'later', at: next } : { kind: 'done', status: 'taken_over' };
    });
  }
}
