import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AnnualDeclarationsService, AnnualCheckResult } from '@makebuy/conflicts';
import { JOBS, QUEUES } from '@makebuy/queue';

/**
 * The maintenance queue's annual-declarations job: records who is overdue and reminds them.
 * It is the only job on this queue so far; another one needs its own branch here, since a
 * queue has one consumer per worker.
 */
@Processor(QUEUES.maintenance)
export class AnnualDeclarationsProcessor extends WorkerHost {
  private readonly log = new Logger(AnnualDeclarationsProcessor.name);

  constructor(private readonly annual: AnnualDeclarationsService) {
    super();
  }

  async process(job: Job): Promise<AnnualCheckResult> {
    if (job.name !== JOBS.annualDeclarations) {
      this.log.error(`no handler for job ${job.name} on the ${QUEUES.maintenance} queue`);
      throw new Error(`no handler for job ${job.name} on the ${QUEUES.maintenance} queue`);
    }
    return this.annual.check();
  }
}
