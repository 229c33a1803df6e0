import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobName, JobPayloads } from './queue.catalogue';
import { OutboxEntity } from './outbox.entity';

/** Writes outbox rows inside the caller's transaction: nothing is enqueued for a rolled-back change. */
@Injectable()
export class OutboxWriter {
  async enqueue<J extends JobName>(
    tx: EntityManager,
    job: J,
    payload: JobPayloads[J],
    opts: { jobId: string; caseId?: string | null; delayUntil?: Date | null },
  ): Promise<void> {
    await tx.insert(OutboxEntity, {
      caseId: opts.caseId ?? null,
      topic: job,
      jobId: opts.jobId,
      payload: payload as never,
      delayUntil: opts.delayUntil ?? null,
    });
  }
}
