import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads, QUEUES, QueueName } from './queue.catalogue';

/** Adds jobs by catalogue name; the only place that maps a job to its queue. */
@Injectable()
export class QueueGateway {
  private readonly queues: Record<QueueName, Queue>;
  constructor(
    @InjectQueue(QUEUES.deadlines) deadlines: Queue,
    @InjectQueue(QUEUES.awardChecks) awardChecks: Queue,
    @InjectQueue(QUEUES.maintenance) maintenance: Queue,
    @InjectQueue(QUEUES.webhooks) webhooks: Queue,
  ) {
    this.queues = {
      [QUEUES.deadlines]: deadlines,
      [QUEUES.awardChecks]: awardChecks,
      [QUEUES.maintenance]: maintenance,
      [QUEUES.webhooks]: webhooks,
    };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  all(): Queue[] {
    return Object.values(this.queues);
  }

  async add<J extends JobName>(
    job: J,
    payload: JobPayloads[J],
    opts: { jobId: string; delayMs?: number },
  ): Promise<Job> {
    return this.queues[JOB_QUEUE[job]].add(job, payload, {
      jobId: opts.jobId,
      delay: Math.max(0, Math.round(opts.delayMs ?? 0)),
    });
  }

  async getJob(job: JobName, jobId: string): Promise<Job | undefined> {
    return this.queues[JOB_QUEUE[job]].getJob(jobId);
  }
}
