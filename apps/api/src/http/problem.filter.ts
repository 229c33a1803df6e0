import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDomainError } from '@makebuy/domain';
import { isConnectionUnavailable, isPoolTimeout } from '@makebuy/database';
import { ConnectionWatch, Metrics } from '@makebuy/metrics';
import { PROBLEM_CONTENT_TYPE, ProblemCode, problemType, STATUS_OF, TITLE_OF } from './problem-details';

/** What an OVERLOADED answer asks the client to wait before retrying. */
const RETRY_AFTER_SECONDS = 2;

/** The one place that turns errors into RFC 9457 problem details. Never a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly log = new Logger('ProblemFilter');

  constructor(
    private readonly metrics: Metrics,
    private readonly watch: ConnectionWatch,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const { code, detail, extra } = this.classify(exception, req);
    const status = STATUS_OF[code as keyof typeof STATUS_OF] ?? 500;
    if (code === 'OVERLOADED') {
      // no connection could be had: nothing was committed; the outage itself is logged once
      this.metrics.overloaded.inc();
      if (!isPoolTimeout(exception)) this.watch.failed('postgres', exception);
      if (!res.headersSent) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (status >= 500) this.log.error({ err: exception, requestId: req.id }, 'unhandled error');
    const body = {
      type: problemType(code),
      title: TITLE_OF[code as ProblemCode] ?? 'Error',
      status,
      detail,
      code,
      instance: req.originalUrl ?? req.url,
      ...(extra ?? {}),
      ...(req.id ? { requestId: String(req.id) } : {}),
    };
    if (res.headersSent) return;
    res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private classify(e: unknown, req: Request): { code: string; detail: string; extra?: Record<string, unknown> } {
    if (isDomainError(e)) {
      const errors = (e.details as { errors?: unknown })?.errors;
      const rest = { ...(e.details ?? {}) };
      delete (rest as { errors?: unknown }).errors;
      return {
        code: e.code,
        detail: e.message,
        extra: { ...(errors ? { errors } : {}), ...(Object.keys(rest).length ? rest : {}) },
      };
    }
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const resp = e.getResponse() as { message?: unknown };
      const msg = Array.isArray(resp?.message) ? resp.message.join('; ') : String(resp?.message ?? e.message);
      if (status === 404) return { code: 'NOT_FOUND', detail: `no route for ${req.method} ${req.path}` };
      if (status === 413) return { code: 'PAYLOAD_TOO_LARGE', detail: 'the request body is too large' };
      if (status === 401) return { code: 'UNAUTHENTICATED', detail: msg };
      if (status === 403) return { code: 'FORBIDDEN', detail: msg };
      if (status >= 400 && status < 500) return { code: 'VALIDATION_FAILED', detail: msg };
    }
    if (isConnectionUnavailable(e))
      return { code: 'OVERLOADED', detail: 'no database connection could be had in time; retry later' };
    const err = e as { type?: string; status?: number };
    if (err?.type === 'entity.parse.failed')
      return { code: 'VALIDATION_FAILED', detail: 'the request body is not valid JSON' };
    if (err?.type === 'entity.too.large' || err?.status === 413)
      return { code: 'PAYLOAD_TOO_LARGE', detail: 'the request body is too large' };
    return { code: 'INTERNAL', detail: 'an unexpected error occurred; it has been logged' };
  }
}
