/** The one catalogue of queues, job names and payloads. Each job has exactly one handler. */
export const QUEUES = {
  deadlines: 'deadlines',
  awardChecks: 'award-checks',
  maintenance: 'maintenance',
  webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  fireDeadline: 'deadline.fire',
  runAwardChecks: 'award-checks.run',
  annualDeclarations: 'annual-declarations.check',
  deliverWebhook: 'webhook.deliver',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface FireDeadlinePayload {
  deadlineId: string;
  caseId: string;
  /** not written any more (Redis bytes per pending deadline); jobs enqueued before may carry it */
  kind?: string;
}

/** How long finished `deadline.fire` jobs stay in Redis (the worker's option, not each job's). */
export const DEADLINE_JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
export interface RunAwardChecksPayload {
  caseId: string;
  stageSeq: number;
  proposalSeq: number;
}
export type AnnualDeclarationsPayload = Record<string, never>;
export interface DeliverWebhookPayload {
  deliveryId: string;
}

export interface JobPayloads {
  'deadline.fire': FireDeadlinePayload;
  'award-checks.run': RunAwardChecksPayload;
  'annual-declarations.check': AnnualDeclarationsPayload;
  'webhook.deliver': DeliverWebhookPayload;
}

/** Which queue carries which job. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  'deadline.fire': QUEUES.deadlines,
  'award-checks.run': QUEUES.awardChecks,
  'annual-declarations.check': QUEUES.maintenance,
  'webhook.deliver': QUEUES.webhooks,
};

/** Deterministic job ids: a retry or a duplicate is harmless. BullMQ refuses ':' in custom ids. */
export function deadlineJobId(caseId: string, kind: string, stageSeq: number, revision: number): string {
  return sanitize(`case-${caseId}-${kind}-${stageSeq}${revision ? `-r${revision}` : ''}`);
}
export function awardChecksJobId(caseId: string, stageSeq: number): string {
  return sanitize(`case-${caseId}-award-checks-${stageSeq}`);
}
/** One job per (endpoint, feed item), or per test delivery; a redelivery gets its own. */
export function webhookJobId(endpointId: string, ref: string, redelivery: number): string {
  return sanitize(`webhook-${endpointId}-${ref}${redelivery ? `-r${redelivery}` : ''}`);
}
function sanitize(id: string): string {
  return id.replace(/:/g, '_');
}
