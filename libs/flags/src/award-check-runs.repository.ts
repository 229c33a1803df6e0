import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AwardCheckRunEntity } from './flag.entities';

/** The SQL of award-check runs (one row per case and stage entry). */
@Injectable()
export class AwardCheckRunsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The run row (status running), unless one exists for this stage entry. */
  async insertRun(
    caseId: string,
    stageSeq: number,
    proposalSeq: number,
    now: Date,
    tx: EntityManager = this.ds.manager,
  ): Promise<void> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(AwardCheckRunEntity)
      .values({
        caseId,
        stageSeq,
        proposalSeq,
        status: 'running',
        attempts: 0,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      } as never)
      .orIgnore()
      .execute();
  }

  async startAttempt(caseId: string, stageSeq: number, now: Date): Promise<void> {
    await this.ds.query(
      `UPDATE award_check_runs SET attempts = attempts + 1, status = 'running', updated_at = $3
        WHERE case_id = $1 AND stage_seq = $2 AND status IN ('running','failed')`,
      [caseId, stageSeq, now],
    );
  }

  async markFailed(caseId: string, stageSeq: number, message: string, now: Date): Promise<void> {
    await this.ds.query(
      `UPDATE award_check_runs SET status = 'failed', last_error = $3, updated_at = $4
        WHERE case_id = $1 AND stage_seq = $2 AND status IN ('running','failed')`,
      [caseId, stageSeq, message, now],
    );
  }

  async markSuperseded(caseId: string, stageSeq: number, now: Date): Promise<void> {
    await this.ds.query(
      `UPDATE award_check_runs SET status = 'superseded', updated_at = $3
        WHERE case_id = $1 AND stage_seq = $2 AND status IN ('running','failed')`,
      [caseId, stageSeq, now],
    );
  }

  /** The latest run of a case (null before any proposal). */
  latest(caseId: string, tx: EntityManager = this.ds.manager): Promise<AwardCheckRunEntity | null> {
    return tx.getRepository(AwardCheckRunEntity).findOne({ where: { caseId }, order: { stageSeq: 'DESC' } });
  }

  /** Unfinished runs whose case left their stage entry: superseded. Returns how many. */
  async supersedeLeft(now: Date): Promise<number> {
    const superseded: unknown = await this.ds.query(
      `UPDATE award_check_runs r SET status = 'superseded', updated_at = $1
         FROM cases c
        WHERE c.id = r.case_id AND r.status IN ('running','failed')
          AND NOT (c.state = 'award_checks' AND (c.context->>'stageSeq')::int = r.stage_seq)
        RETURNING r.case_id`,
      [now],
    );
    return (superseded as unknown[][])[0]?.length ?? 0;
  }

  /** Unfinished runs untouched since `before` whose case still waits in that stage entry, oldest first. */
  stale(before: Date): Promise<{ case_id: string; stage_seq: number; proposal_seq: number }[]> {
    return this.ds.query(
      `SELECT r.case_id, r.stage_seq, r.proposal_seq FROM award_check_runs r
         JOIN cases c ON c.id = r.case_id
        WHERE r.status IN ('running','failed') AND r.updated_at < $1
          AND c.state = 'award_checks' AND (c.context->>'stageSeq')::int = r.stage_seq
        ORDER BY r.updated_at LIMIT 100`,
      [before],
    );
  }

  async touch(caseId: string, stageSeq: number, now: Date): Promise<void> {
    await this.ds.query(`UPDATE award_check_runs SET updated_at = $3 WHERE case_id = $1 AND stage_seq = $2`, [
      caseId,
      stageSeq,
      now,
    ]);
  }
}
