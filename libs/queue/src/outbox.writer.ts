import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobName, JobPayloads } from './queue.catalogue';
import { DeferredWrites } from './deferred-writes';

/**
 * Writes outbox rows inside the caller's transaction: nothing is enqueued for a rolled-back change.
 * A pure insert nobody in the transaction reads back: deferred (rides with the transaction's next
 * statement) where the transaction allows it.
 */
@Injectable()
export class OutboxWriter {
  async enqueue<J extends JobName>(
    tx: EntityManager,
    job: J,
    payload: JobPayloads[J],
    opts: { jobId: string; caseId?: string | null; delayUntil?: Date | null },
  ): Promise<void> {
    await DeferredWrites.write(
      tx,
      `INSERT INTO outbox (case_id, topic, job_id, payload, delay_until) VALUES ($1, $2, $3, $4, $5)`,
      [opts.caseId ?? null, job, opts.jobId, JSON.stringify(payload), opts.delayUntil ?? null],
    );
  }
}
