import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DeliveryStatus, WebhookOwner } from './webhook.types';

export interface EndpointRow {
  id: string;
  ownerKind: 'provider' | 'consortium';
  providerId: string | null;
  consortiumId: string | null;
  url: string;
  events: string[];
  description: string | null;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
  disabledReason: string | null;
  deletedAt: Date | null;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  feedItemId: string | null;
  messageId: string;
  type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  redeliveries: number;
  jobId: string;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  createdAt: Date;
  retryUntil: Date;
  completedAt: Date | null;
  lastError: string | null;
}

export interface AttemptRow {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  outcome: string;
  responseExcerpt: string | null;
  error: string | null;
}

const date = (v: unknown): Date | null => (v == null ? null : new Date(v as string));

function endpoint(r: Record<string, unknown>): EndpointRow {
  return {
    id: r.id as string,
    ownerKind: r.owner_kind as EndpointRow['ownerKind'],
    providerId: (r.provider_id as string) ?? null,
    consortiumId: (r.consortium_id as string) ?? null,
    url: r.url as string,
    events: r.events as string[],
    description: (r.description as string) ?? null,
    secretEnc: r.secret_enc as string,
    previousSecretEnc: (r.previous_secret_enc as string) ?? null,
    previousSecretExpiresAt: date(r.previous_secret_expires_at),
    createdBy: r.created_by as string,
    createdAt: new Date(r.created_at as string),
    disabledAt: date(r.disabled_at),
    disabledReason: (r.disabled_reason as string) ?? null,
    deletedAt: date(r.deleted_at),
  };
}

function delivery(r: Record<string, unknown>): DeliveryRow {
  return {
    id: r.id as string,
    endpointId: r.endpoint_id as string,
    feedItemId: (r.feed_item_id as string) ?? null,
    messageId: r.message_id as string,
    type: r.type as string,
    body: r.body as string,
    status: r.status as DeliveryStatus,
    attempts: r.attempts as number,
    redeliveries: r.redeliveries as number,
    jobId: r.job_id as string,
    nextAttemptAt: date(r.next_attempt_at),
    leaseUntil: date(r.lease_until),
    createdAt: new Date(r.created_at as string),
    retryUntil: new Date(r.retry_until as string),
    completedAt: date(r.completed_at),
    lastError: (r.last_error as string) ?? null,
  };
}

function attempt(r: Record<string, unknown>): AttemptRow {
  return {
    deliveryId: r.delivery_id as string,
    attempt: r.attempt as number,
    startedAt: new Date(r.started_at as string),
    durationMs: r.duration_ms as number,
    statusCode: (r.status_code as number) ?? null,
    outcome: r.outcome as string,
    responseExcerpt: (r.response_excerpt as string) ?? null,
    error: (r.error as string) ?? null,
  };
}

/** Webhooks' SQL: endpoints, the fan-out's place in the feed, deliveries and their attempts. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  // --- endpoints

  async insertEndpoint(e: Omit<EndpointRow, 'disabledAt' | 'disabledReason' | 'deletedAt'>): Promise<void> {
    await this.ds.query(
      `INSERT INTO webhook_endpoints (id, owner_kind, provider_id, consortium_id, url, events, description,
         secret_enc, previous_secret_enc, previous_secret_expires_at, created_by, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [
        e.id,
        e.ownerKind,
        e.providerId,
        e.consortiumId,
        e.url,
        e.events,
        e.description,
        e.secretEnc,
        e.previousSecretEnc,
        e.previousSecretExpiresAt,
        e.createdBy,
        e.createdAt,
      ],
    );
  }

  /** A live (not deleted) endpoint of this owner, or null. */
  async ownedEndpoint(owner: WebhookOwner, id: string, tx?: EntityManager, lock = false): Promise<EndpointRow | null> {
    const rows = await (tx ?? this.ds).query(
      `SELECT * FROM webhook_endpoints
        WHERE id = $1 AND deleted_at IS NULL AND owner_kind = $2 AND coalesce(provider_id, consortium_id) = $3
        ${lock ? 'FOR UPDATE' : ''}`,
      [id, owner.kind, owner.kind === 'provider' ? owner.providerId : owner.consortiumId],
    );
    return rows[0] ? endpoint(rows[0]) : null;
  }

  async listEndpoints(
    owner: WebhookOwner,
    after: { t: Date; id: string } | null,
    limit: number,
  ): Promise<EndpointRow[]> {
    const rows = await this.ds.query(
      `SELECT * FROM webhook_endpoints
        WHERE deleted_at IS NULL AND owner_kind = $1 AND coalesce(provider_id, consortium_id) = $2
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [
        owner.kind,
        owner.kind === 'provider' ? owner.providerId : owner.consortiumId,
        after?.t ?? null,
        after?.id ?? null,
        limit,
      ],
    );
    return rows.map(endpoint);
  }

  /** Every endpoint that may receive deliveries now (fan-out). */
  async activeEndpoints(tx: EntityManager): Promise<EndpointRow[]> {
    const rows = await tx.query(`SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL AND disabled_at IS NULL`);
    return rows.map(endpoint);
  }

  async markDeleted(tx: EntityManager, id: string, now: Date): Promise<void> {
    await tx.query(`UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $1`, [id, now]);
    await this.failUnfinished(tx, id, now, 'the endpoint was deleted');
  }

  async setSecrets(
    tx: EntityManager,
    id: string,
    secretEnc: string,
    previousEnc: string,
    previousExpiresAt: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE webhook_endpoints SET secret_enc = $2, previous_secret_enc = $3, previous_secret_expires_at = $4 WHERE id = $1`,
      [id, secretEnc, previousEnc, previousExpiresAt],
    );
  }

  async endpointForDelivery(tx: EntityManager, id: string): Promise<EndpointRow | null> {
    const rows = await tx.query(`SELECT * FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? endpoint(rows[0]) : null;
  }

  async disable(tx: EntityManager, id: string, now: Date, reason: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_endpoints SET disabled_at = $2, disabled_reason = $3 WHERE id = $1 AND disabled_at IS NULL`,
      [id, now, reason],
    );
    await this.failUnfinished(tx, id, now, reason);
  }

  /** Deliveries still waiting for an endpoint that will take none: failed, with the reason. */
  private async failUnfinished(tx: EntityManager, endpointId: string, now: Date, reason: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'failed', completed_at = $2, last_error = $3, next_attempt_at = NULL, lease_until = NULL
        WHERE endpoint_id = $1 AND status = 'pending'`,
      [endpointId, now, reason],
    );
  }

  // --- fan-out

  /** The fan-out's place in the feed, locked for this transaction (one fan-out at a time). */
  async lockDispatchPosition(tx: EntityManager): Promise<bigint> {
    const [r] = await tx.query(`SELECT position FROM webhook_dispatch WHERE name = 'feed' FOR UPDATE`);
    return BigInt(r.position);
  }

  async setDispatchPosition(tx: EntityManager, position: bigint): Promise<void> {
    await tx.query(`UPDATE webhook_dispatch SET position = $1 WHERE name = 'feed'`, [position.toString()]);
  }

  /** Inserts a delivery unless one exists for (endpoint, feed item). True when inserted. */
  async insertDelivery(
    tx: EntityManager,
    d: Omit<DeliveryRow, 'status' | 'attempts' | 'redeliveries' | 'leaseUntil' | 'completedAt' | 'lastError'>,
  ): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, feed_item_id, message_id, type, body, status, job_id,
         next_attempt_at, created_at, retry_until)
       VALUES ($1,$2,$3,$4,$5,$6,'pending',$7,$8,$9,$10)
       ON CONFLICT (endpoint_id, feed_item_id) DO NOTHING RETURNING id`,
      [
        d.id,
        d.endpointId,
        d.feedItemId,
        d.messageId,
        d.type,
        d.body,
        d.jobId,
        d.nextAttemptAt,
        d.createdAt,
        d.retryUntil,
      ],
    );
    return rows.length > 0;
  }

  // --- deliveries

  async deliveryForUpdate(tx: EntityManager, id: string): Promise<DeliveryRow | null> {
    const rows = await tx.query(`SELECT * FROM webhook_deliveries WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? delivery(rows[0]) : null;
  }

  async endpointIdOfDelivery(tx: EntityManager, id: string): Promise<string | null> {
    const rows = await tx.query(`SELECT endpoint_id FROM webhook_deliveries WHERE id = $1`, [id]);
    return rows[0]?.endpoint_id ?? null;
  }

  async inFlight(tx: EntityManager, endpointId: string, now: Date, except: string): Promise<number> {
    const [{ n }] = await tx.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries
        WHERE endpoint_id = $1 AND status = 'delivering' AND lease_until > $2 AND id <> $3`,
      [endpointId, now, except],
    );
    return n;
  }

  async markDelivering(tx: EntityManager, id: string, attempts: number, leaseUntil: Date): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'delivering', attempts = $2, lease_until = $3, next_attempt_at = NULL WHERE id = $1`,
      [id, attempts, leaseUntil],
    );
  }

  async insertAttempt(tx: EntityManager, id: string, a: AttemptRow): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, outcome, response_excerpt, error)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [id, a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.statusCode, a.outcome, a.responseExcerpt, a.error],
    );
  }

  /**
   * Settles the attempt that holds the claim (fenced on its attempt number: an attempt whose
   * lease ran out and was taken over changes nothing). True when it held the claim.
   */
  async settle(
    tx: EntityManager,
    id: string,
    attemptNo: number,
    to:
      | { status: 'succeeded' | 'failed'; at: Date; error: string | null }
      | { status: 'pending'; nextAttemptAt: Date; error: string | null },
  ): Promise<boolean> {
    const [, n] = (await tx.query(
      `UPDATE webhook_deliveries
          SET status = $3, lease_until = NULL, next_attempt_at = $4, completed_at = $5, last_error = $6
        WHERE id = $1 AND attempts = $2 AND status = 'delivering'`,
      [
        id,
        attemptNo,
        to.status,
        to.status === 'pending' ? to.nextAttemptAt : null,
        to.status === 'pending' ? null : to.at,
        to.error,
      ],
    )) as [unknown, number];
    return n > 0;
  }

  async failDelivery(tx: EntityManager, id: string, now: Date, reason: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'failed', completed_at = $2, last_error = $3, next_attempt_at = NULL, lease_until = NULL WHERE id = $1`,
      [id, now, reason],
    );
  }

  async redeliver(
    tx: EntityManager,
    id: string,
    redeliveries: number,
    jobId: string,
    now: Date,
    retryUntil: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries
          SET status = 'pending', redeliveries = $2, job_id = $3, next_attempt_at = $4, retry_until = $5,
              completed_at = NULL, last_error = NULL, lease_until = NULL
        WHERE id = $1`,
      [id, redeliveries, jobId, now, retryUntil],
    );
  }

  async findDelivery(endpointId: string, id: string): Promise<DeliveryRow | null> {
    const rows = await this.ds.query(`SELECT * FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2`, [
      id,
      endpointId,
    ]);
    return rows[0] ? delivery(rows[0]) : null;
  }

  async listDeliveries(
    endpointId: string,
    after: { t: Date; id: string } | null,
    limit: number,
  ): Promise<DeliveryRow[]> {
    const rows = await this.ds.query(
      `SELECT * FROM webhook_deliveries
        WHERE endpoint_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [endpointId, after?.t ?? null, after?.id ?? null, limit],
    );
    return rows.map(delivery);
  }

  async attemptsOf(deliveryIds: string[]): Promise<AttemptRow[]> {
    if (!deliveryIds.length) return [];
    const rows = await this.ds.query(
      `SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY started_at, attempt`,
      [deliveryIds],
    );
    return rows.map(attempt);
  }

  // --- reconciliation

  /** Claims that outlived their lease: the worker holding them died (or hung past its timeout). */
  async expiredLeases(now: Date, limit: number): Promise<string[]> {
    const rows = await this.ds.query(
      `SELECT id FROM webhook_deliveries WHERE status = 'delivering' AND lease_until < $1 ORDER BY lease_until LIMIT $2`,
      [now, limit],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Pending deliveries due before `dueBefore`: their job should have run by now. */
  async overdue(dueBefore: Date, limit: number): Promise<{ id: string; jobId: string }[]> {
    const rows = await this.ds.query(
      `SELECT id, job_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < $1 ORDER BY next_attempt_at LIMIT $2`,
      [dueBefore, limit],
    );
    return rows.map((r: { id: string; job_id: string }) => ({ id: r.id, jobId: r.job_id }));
  }
}
