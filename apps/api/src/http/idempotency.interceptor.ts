import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Response } from 'express';
import { catchError, concatMap, from, map, Observable, of, switchMap, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { pgCode, PG_UNIQUE_VIOLATION } from '@makebuy/database';
import type { AuthedRequest } from '@makebuy/auth';
import type { InputCheckedRequest } from './input-guard';

const TTL_MS = 24 * 3600 * 1000;

/**
 * Idempotency-Key on creating POSTs: the same key and body within 24 hours returns the first
 * response and creates nothing new; the same key with another body is refused.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly ds: DataSource,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest & InputCheckedRequest>();
    const key = req.headers['idempotency-key'];
    // input the handler refuses after its access checks is never hashed (nor claimed: nothing is made)
    if (req.method !== 'POST' || typeof key !== 'string' || !key || req.inputProblem) return next.handle();
    if (key.length > 255)
      return throwError(() => new DomainError('VALIDATION_FAILED', 'Idempotency-Key is longer than 255 characters'));
    const res = ctx.switchToHttp().getResponse<Response>();
    const actor = req.principal?.sub ?? 'anonymous';
    const path = req.originalUrl.split('?')[0];
    const bodyHash = createHash('sha256')
      .update(canonicalize(req.body ?? {}) ?? '')
      .digest('hex');
    const status = this.reflector.get<number>(HTTP_CODE_METADATA, ctx.getHandler()) ?? 201;

    return from(this.claim(actor, key, req.method, path, bodyHash)).pipe(
      switchMap((stored) => {
        if (stored) {
          res.status(stored.status).setHeader('Idempotent-Replayed', 'true');
          if (stored.etag) res.setHeader('ETag', stored.etag);
          return of(stored.body);
        }
        return next.handle().pipe(
          // stored before it is sent, so a retry arriving at once replays it instead of meeting
          // "still in progress"; the change committed already, so a failure here never becomes an error
          concatMap((body) =>
            from(
              this.ds.query(
                `UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE actor = $1 AND key = $2`,
                [actor, key, status, JSON.stringify({ body, etag: res.getHeader('ETag') ?? null })],
              ),
            ).pipe(
              catchError(() => of(null)), // a lost record only loses the replay
              map(() => body),
            ),
          ),
          catchError((e) => from(this.release(actor, key)).pipe(switchMap(() => throwError(() => e)))),
        );
      }),
    );
  }

  private async claim(
    actor: string,
    key: string,
    method: string,
    path: string,
    bodyHash: string,
  ): Promise<{ status: number; body: unknown; etag: string | null } | null> {
    await this.ds.query(
      `DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND created_at < now() - ($3 || ' milliseconds')::interval`,
      [actor, key, TTL_MS],
    );
    try {
      await this.ds.query(
        `INSERT INTO idempotency_keys(actor, key, method, path, body_hash) VALUES ($1, $2, $3, $4, $5)`,
        [actor, key, method, path, bodyHash],
      );
      return null;
    } catch (e) {
      if (pgCode(e) !== PG_UNIQUE_VIOLATION) throw e;
    }
    const [row] = await this.ds.query(
      `SELECT method, path, body_hash, status_code, response FROM idempotency_keys WHERE actor = $1 AND key = $2`,
      [actor, key],
    );
    if (!row) return this.claim(actor, key, method, path, bodyHash);
    if (row.method !== method || row.path !== path || row.body_hash !== bodyHash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different request in the last 24 hours',
      );
    }
    if (row.status_code == null)
      throw new DomainError('CONFLICT', 'a request with this Idempotency-Key is still in progress');
    return { status: row.status_code, body: row.response?.body ?? null, etag: row.response?.etag ?? null };
  }

  private async release(actor: string, key: string): Promise<void> {
    await this.ds
      .query(`DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND status_code IS NULL`, [actor, key])
      .catch(() => undefined);
  }
}
