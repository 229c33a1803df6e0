import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { Clock } from '@makebuy/settings';
import { ConnectionWatch } from '@makebuy/metrics';
import { JOB_QUEUE, JobName, JobPayloads, QUEUES, QueueName } from './queue.catalogue';

/**
 * How long one Redis call may take. The Redis client queues commands while disconnected (and
 * retries without limit, as BullMQ needs), so without a bound an outage would hold the caller
 * (a relay transaction, a reconciler pass) until Redis came back.
 */
export const REDIS_CALL_TIMEOUT_MS = 5_000;

/** Redis could not be reached (not connected, or no answer within the bound). */
export class RedisUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailable';
  }
}

function bounded<T>(p: Promise<T>, what: string, ms = REDIS_CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailable(`Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  // a call that completes after the timeout is harmless: job ids are deterministic
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Adds and reads jobs by catalogue name; the only place that maps a job to its queue and the
 * only way the application talks to BullMQ's queues. Every call is bounded, and refused at once
 * while the connection is down (nothing waits in the client's offline queue to be sent later
 * with a stale delay). Connection errors of the queues are reported to ConnectionWatch, which
 * logs an outage once.
 */
@Injectable()
export class QueueGateway {
  private readonly queues: Record<QueueName, Queue>;
  constructor(
    @InjectQueue(QUEUES.deadlines) deadlines: Queue,
    @InjectQueue(QUEUES.awardChecks) awardChecks: Queue,
    @InjectQueue(QUEUES.maintenance) maintenance: Queue,
    @InjectQueue(QUEUES.webhooks) webhooks: Queue,
    private readonly clock: Clock,
    private readonly watch: ConnectionWatch,
  ) {
    this.queues = {
      [QUEUES.deadlines]: deadlines,
      [QUEUES.awardChecks]: awardChecks,
      [QUEUES.maintenance]: maintenance,
      [QUEUES.webhooks]: webhooks,
    };
    for (const q of this.all()) q.on('error', (e) => this.watch.failed('redis', e));
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  all(): Queue[] {
    return Object.values(this.queues);
  }

  /**
   * Adds a job. `runAt` is turned into a delay here, just before the call, so a caller that
   * was held up (a long pass, a stall) never enqueues with a delay computed before it.
   */
  async add<J extends JobName>(
    job: J,
    payload: JobPayloads[J],
    opts: { jobId: string; runAt?: Date | null },
  ): Promise<Job> {
    const q = this.queues[JOB_QUEUE[job]];
    await this.connected(q);
    const delay = opts.runAt ? Math.max(0, Math.round(opts.runAt.getTime() - this.clock.now().getTime())) : 0;
    return this.call(q.add(job, payload, { jobId: opts.jobId, delay }), `add ${opts.jobId}`);
  }

  /**
   * Adds jobs in one round trip per queue (BullMQ's addBulk: a MULTI, all or none); delays are
   * computed here, as in `add`. A job id already present is left as it is, as with `add`.
   */
  async addBulk(jobs: { job: JobName; payload: unknown; jobId: string; runAt?: Date | null }[]): Promise<void> {
    const byQueue = new Map<Queue, { name: string; data: unknown; opts: { jobId: string; delay: number } }[]>();
    const now = this.clock.now().getTime();
    for (const j of jobs) {
      const q = this.queues[JOB_QUEUE[j.job]];
      const delay = j.runAt ? Math.max(0, Math.round(j.runAt.getTime() - now)) : 0;
      byQueue.set(q, [...(byQueue.get(q) ?? []), { name: j.job, data: j.payload, opts: { jobId: j.jobId, delay } }]);
    }
    for (const [q, list] of byQueue) {
      await this.connected(q);
      await this.call(q.addBulk(list), `addBulk of ${list.length} (${list[0].opts.jobId}...)`);
    }
  }

  async getJob(job: JobName, jobId: string): Promise<Job | undefined> {
    const q = this.queues[JOB_QUEUE[job]];
    await this.connected(q);
    return this.call(q.getJob(jobId), `getJob ${jobId}`);
  }

  /**
   * Which of these jobs Redis holds, as `getJob` would find them (a job is the hash at its key),
   * for many jobs at once: one EXISTS each, in one pipelined round trip, nothing read or parsed.
   * The deadline reconciler checks every pending deadline's job with it on each pass.
   */
  async heldJobs(job: JobName, jobIds: string[]): Promise<Set<string>> {
    const q = this.queues[JOB_QUEUE[job]];
    const client = await this.connected(q);
    if (!jobIds.length) return new Set();
    const pipeline = client.pipeline();
    for (const id of jobIds) pipeline.runCommand('exists', [q.toKey(id)]);
    const replies = await this.call(pipeline.exec(), `exists of ${jobIds.length} jobs (${jobIds[0]}...)`);
    if (!replies) throw new RedisUnavailable(`Redis answered nothing to exists of ${jobIds.length} jobs`);
    const held = new Set<string>();
    replies.forEach(([err, n], i) => {
      if (err) throw err;
      if (Number(n) === 1) held.add(jobIds[i]);
    });
    return held;
  }

  /** The queue's Redis client, once it is ready (refused at once otherwise). */
  private async connected(q: Queue) {
    const client = await this.call(q.backend.connection.client, 'connect');
    // not reported to the watch: the client's own connection errors already are, and a client
    // still reconnecting just after the watch saw Redis back is not a new outage
    if (client.status !== 'ready') throw new RedisUnavailable(`Redis is not connected (${client.status})`);
    return client;
  }

  private async call<T>(p: Promise<T>, what: string): Promise<T> {
    try {
      return await bounded(p, what);
    } catch (e) {
      if (e instanceof RedisUnavailable) this.watch.failed('redis', e);
      throw e;
    }
  }
}
