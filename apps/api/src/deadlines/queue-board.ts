import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { isDomainError } from '@makebuy/domain';
import { AuthGuard } from '@makebuy/auth';
import { QueueGateway } from '@makebuy/queue';
import { PROBLEM_CONTENT_TYPE, problemType, STATUS_OF, TITLE_OF } from '../http/problem-details';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues (outside /api/v1), for admins only: the bearer token is checked
 * like any API call and must carry the admin role. Mounted on the Express instance directly,
 * so it needs no route in the global prefix.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  private readonly log = new Logger(QueueBoard.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly gateway: QueueGateway,
    private readonly auth: AuthGuard,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    if (!http || http.getType() !== 'express') return;
    const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: this.gateway.all().map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
      // @bull-board/express 9.10.1 carries its own copy of @bull-board/api's types (9.10.2 here)
      serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    });
    http
      .getInstance()
      .use(QUEUE_BOARD_PATH, (req: Request, res: Response, next: NextFunction) => this.adminOnly(req, res, next));
    http.getInstance().use(QUEUE_BOARD_PATH, serverAdapter.getRouter());
    this.log.log(`Bull Board mounted at ${QUEUE_BOARD_PATH} (admin only)`);
  }

  private async adminOnly(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const principal = await this.auth.authenticateRequest(req);
      if (!principal.roles.includes('admin')) {
        return problem(req, res, 'FORBIDDEN', 'the queue board needs the admin role');
      }
      next();
    } catch (e) {
      if (isDomainError(e)) return problem(req, res, e.code, e.message);
      return problem(req, res, 'UNAUTHENTICATED', 'a valid bearer token is required');
    }
  }
}

function problem(req: Request, res: Response, code: keyof typeof STATUS_OF, detail: string): void {
  const status = STATUS_OF[code] ?? 401;
  res
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: problemType(code),
        title: TITLE_OF[code] ?? 'Error',
        status,
        detail,
        code,
        instance: req.originalUrl,
      }),
    );
}
