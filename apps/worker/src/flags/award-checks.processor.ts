import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES, RunAwardChecksPayload } from '@makebuy/queue';
import { AwardChecks } from '@makebuy/flags';

/** The one handler of `award-checks.run`. A thrown error is recorded on the run and retried by BullMQ. */
@Processor(QUEUES.awardChecks)
export class AwardChecksProcessor extends WorkerHost {
  private readonly log = new Logger(AwardChecksProcessor.name);

  constructor(private readonly checks: AwardChecks) {
    super();
  }

  async process(job: Job<RunAwardChecksPayload>): Promise<unknown> {
    if (job.name !== JOBS.runAwardChecks) throw new Error(`unexpected job ${job.name} on ${QUEUES.awardChecks}`);
    const { caseId, stageSeq, proposalSeq } = job.data;
    const result = await this.checks.run(caseId, stageSeq, proposalSeq);
    this.log.log(`award checks case ${caseId} stage ${stageSeq}: ${JSON.stringify(result)}`);
    return result;
  }
}
