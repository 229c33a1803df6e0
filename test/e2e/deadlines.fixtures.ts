/** Helpers for the deadline suites: reading deadlines, audit rows and jobs the way an operator would. */
import { DataSource } from 'typeorm';
import type { Job } from 'bullmq';
import { DeadlineFiring, DeadlineQueries } from '@makebuy/deadlines';
import { JOBS, QueueGateway } from '@makebuy/queue';
import { Actor, CaseEffect } from '@makebuy/domain';
import { CaseEngine } from '@makebuy/cases';
import { CaseWorkflow } from '@makebuy/case-workflow';
import type { TestApp } from '../support/test-app';

export interface DeadlineRow {
  id: string;
  kind: string;
  purpose: string;
  status: string;
  stageSeq: number;
  revision: number;
  dueAt: Date;
  jobId: string;
  outcome: string | null;
}

export function deadlineTools(t: TestApp) {
  const ds = t.app.get(DataSource);
  const queries = t.app.get(DeadlineQueries);
  const gateway = t.app.get(QueueGateway);

  async function deadlines(caseId: string): Promise<DeadlineRow[]> {
    return (await queries.forCase(caseId)).map((d) => ({
      id: d.id,
      kind: d.kind,
      purpose: d.purpose,
      status: d.status,
      stageSeq: d.stageSeq,
      revision: d.revision,
      dueAt: d.dueAt,
      jobId: d.jobId,
      outcome: d.outcome,
    }));
  }

  async function deadline(caseId: string, kind: string, status?: string): Promise<DeadlineRow> {
    const rows = (await deadlines(caseId)).filter((d) => d.kind === kind && (!status || d.status === status));
    if (rows.length === 0) throw new Error(`case ${caseId} has no ${status ?? ''} ${kind} deadline`);
    return rows[rows.length - 1];
  }

  /** Audit rows of one type per case (the exactly-once check). */
  async function auditCount(caseId: string, type = 'DEADLINE_DUE'): Promise<number> {
    const r = await ds.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = $2`, [
      caseId,
      type,
    ]);
    return r[0].n;
  }

  async function notificationsOf(personId: string, caseId: string, kind?: string) {
    return ds.query(
      `SELECT kind, title, body, data FROM notifications WHERE person_id = $1 AND case_id = $2 ${kind ? 'AND kind = $3' : ''} ORDER BY created_at, id`,
      kind ? [personId, caseId, kind] : [personId, caseId],
    ) as Promise<{ kind: string; title: string; body: string; data: Record<string, unknown> }[]>;
  }

  function job(jobId: string): Promise<Job | undefined> {
    return gateway.getJob(JOBS.fireDeadline, jobId);
  }

  /**
   * Schedules a deadline for a case through the `scheduleDeadline` effect handler, as if the
   * machine had asked for it (for deadlines the machine would never ask for: stale, foreign).
   */
  async function scheduleThroughEffect(
    caseId: string,
    effect: Omit<Extract<CaseEffect, { type: 'scheduleDeadline' }>, 'type'>,
  ): Promise<void> {
    const engine = t.app.get(CaseEngine);
    const workflow = t.app.get(CaseWorkflow);
    const actor: Actor = { id: 'system:test', roles: [] };
    await engine.withCaseLock(caseId, (tx, row, now) =>
      workflow.carryOut({ type: 'scheduleDeadline', ...effect }, { tx, row, decision: undefined as never, now, actor }),
    );
  }

  return {
    ds,
    gateway,
    firing: t.app.get(DeadlineFiring),
    deadlines,
    deadline,
    auditCount,
    notificationsOf,
    job,
    scheduleThroughEffect,
  };
}
