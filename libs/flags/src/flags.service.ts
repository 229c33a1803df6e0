import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  type CaseState,
  DomainError,
  FINAL_STATES,
  FLAG_SEVERITY,
  type FlagCode,
  type FlagSeverity,
} from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';
import { decodeCursor, invalidCursor, Page, pageOf } from '@makebuy/database';
import { Clock } from '@makebuy/settings';
import { DeferredWrites } from '@makebuy/queue';
import { FlagEntity, FlagStatus } from './flag.entities';
import { flagOf, flagsViewSql, FlagViewRow } from './flags-case-view';

export type { FlagViewRow, AwardCheckRunViewRow } from './flags-case-view';

/** States in which the current proposal stands (its flags may block). */
const PROPOSAL_STATES: readonly CaseState[] = ['award_checks', 'governance_review', 'standstill'];

export interface RaiseFlagInput {
  caseId: string;
  consortiumId: string;
  /** the proposal the flag is about (the case's current `proposalSeq`; 0 before any proposal) */
  proposalSeq: number;
  code: FlagCode;
  /** defaults to the contract's severity for the code */
  severity?: FlagSeverity;
  /** one human sentence */
  summary: string;
  evidence: Record<string, unknown>;
  /** unique per case: raising the same key again returns the existing flag */
  dedupeKey: string;
  /** when it was raised (default: the clock's now) */
  at?: Date;
}

/** A flag as clients see it (GET /flags, GET /cases/{id}/flags, the case view). */
export interface FlagView {
  id: string;
  caseId: string;
  consortiumId: string;
  proposalSeq: number;
  /** the state of the flag's case now */
  caseState: string | null;
  code: FlagCode;
  severity: FlagSeverity;
  status: FlagStatus;
  summary: string;
  evidence: Record<string, unknown>;
  createdAt: string;
  resolution: string | null;
  justification: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export interface FlagListQuery {
  status?: FlagStatus;
  code?: FlagCode;
  consortiumId?: string;
  caseId?: string;
  severity?: FlagSeverity;
  /** a governance officer with a consortiumId serves only that consortium */
  servedConsortiumId?: string | null;
  limit: number;
  cursor?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const toFlagView = (f: FlagEntity, caseState: string | null): FlagView => ({
  id: f.id,
  caseId: f.caseId,
  consortiumId: f.consortiumId,
  proposalSeq: f.proposalSeq,
  caseState,
  code: f.code,
  severity: f.severity,
  status: f.status,
  summary: f.summary,
  evidence: f.evidence,
  createdAt: f.createdAt.toISOString(),
  resolution: f.resolution,
  justification: f.justification,
  resolvedBy: f.resolvedBy,
  resolvedAt: f.resolvedAt ? f.resolvedAt.toISOString() : null,
});

/**
 * Flags: raised by the award checks and by deadline escalation, listed for governance, counted
 * for APPROVE_AWARD. Raising is idempotent on (case, dedupeKey).
 */
@Injectable()
export class FlagsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Raises a flag in the caller's transaction. Idempotent: a second raise with the same
   * (caseId, dedupeKey) returns the flag already stored and changes nothing.
   */
  async raise(tx: EntityManager, input: RaiseFlagInput): Promise<FlagEntity> {
    const severity = input.severity ?? FLAG_SEVERITY[input.code];
    if (!severity) throw new Error(`unknown flag code ${input.code}`);
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(FlagEntity)
      .values({
        caseId: input.caseId,
        consortiumId: input.consortiumId,
        proposalSeq: input.proposalSeq,
        code: input.code,
        severity,
        status: 'open',
        summary: input.summary,
        evidence: input.evidence,
        dedupeKey: input.dedupeKey,
        createdAt: input.at ?? this.clock.now(),
      } as never)
      .orIgnore()
      .returning('id')
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    const flag = id
      ? await tx.findOneByOrFail(FlagEntity, { id })
      : await tx.findOneByOrFail(FlagEntity, { caseId: input.caseId, dedupeKey: input.dedupeKey });
    return flag;
  }

  /** Open blocking flags of one proposal of a case (APPROVE_AWARD needs none). */
  openBlockingFlags(tx: EntityManager, caseId: string, proposalSeq: number): Promise<number> {
    return tx.countBy(FlagEntity, { caseId, proposalSeq, severity: 'blocking', status: 'open' });
  }

  /** The award checks' flags of one proposal (not deadline breaches), in the order raised. */
  checkFlags(tx: EntityManager, caseId: string, proposalSeq: number): Promise<FlagEntity[]> {
    return tx
      .getRepository(FlagEntity)
      .createQueryBuilder('f')
      .where('f.case_id = :caseId AND f.proposal_seq = :proposalSeq', { caseId, proposalSeq })
      .andWhere(`f.code <> 'DEADLINE_BREACH'`)
      .orderBy('f.created_at')
      .addOrderBy('f.id')
      .getMany();
  }

  /** Ids of the open blocking flags of one proposal, in the order raised. */
  async openBlockingFlagIds(tx: EntityManager, caseId: string, proposalSeq: number): Promise<string[]> {
    const rows = await tx.find(FlagEntity, {
      select: { id: true },
      where: { caseId, proposalSeq, severity: 'blocking', status: 'open' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map((f) => f.id);
  }

  /** The case view's flags: what it reads, in the view's one statement (every flag of the case:
   * newest proposal first, then in the order raised)... */
  caseViewSql(): string {
    return flagsViewSql();
  }

  /** ...and the flags as clients see them, each with the case's state. */
  caseView(rows: FlagViewRow[], caseState: string): FlagView[] {
    return rows.map((f) => toFlagView(flagOf(f), caseState));
  }

  find(id: string, tx: EntityManager = this.ds.manager): Promise<FlagEntity | null> {
    return tx.findOneBy(FlagEntity, { id });
  }

  async get(id: string, tx: EntityManager = this.ds.manager): Promise<FlagEntity> {
    const flag = await this.find(id, tx);
    if (!flag) throw new DomainError('NOT_FOUND', `flag ${id} not found`);
    return flag;
  }

  /** Views of flags of any cases: each with its case's state now. */
  async views(flags: FlagEntity[], tx: EntityManager = this.ds.manager): Promise<FlagView[]> {
    const ids = [...new Set(flags.map((f) => f.caseId))];
    const rows: { id: string; state: string }[] = ids.length
      ? await tx.query(`SELECT id, state FROM cases WHERE id = ANY($1::uuid[])`, [ids])
      : [];
    const states = new Map(rows.map((r) => [r.id, r.state]));
    return flags.map((f) => toFlagView(f, states.get(f.caseId) ?? null));
  }

  /**
   * Open flags that no longer stand become `superseded`, in the transaction of the transition
   * (the case row as saved by it): every open flag once the case is final; a proposal's flags once
   * no proposal stands (the case went back) or a later proposal was made; a DEADLINE_BREACH flag
   * once its stage was left. The v1.1 migration applies the same rule to existing flags.
   */
  async supersedeStale(tx: EntityManager, row: CaseEntity): Promise<void> {
    // deferred where the transaction allows: nothing in the command reads flags before its next statement
    await DeferredWrites.write(
      tx,
      `UPDATE flags SET status = 'superseded'
        WHERE case_id = $1 AND status = 'open' AND (
          $2::boolean
          OR (code <> 'DEADLINE_BREACH' AND (NOT $3::boolean OR proposal_seq < $4::int))
          OR (code = 'DEADLINE_BREACH' AND (evidence->>'stageSeq')::int IS DISTINCT FROM $5::int))`,
      [
        row.id,
        FINAL_STATES.includes(row.state),
        PROPOSAL_STATES.includes(row.state),
        row.context.proposalSeq,
        row.context.stageSeq,
      ],
    );
  }

  /** All flags, newest first, filtered (governance's work list). */
  async list(q: FlagListQuery): Promise<Page<FlagEntity>> {
    const qb = this.ds
      .getRepository(FlagEntity)
      .createQueryBuilder('f')
      .orderBy('f.created_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(q.limit + 1);
    if (q.status) qb.andWhere('f.status = :status', { status: q.status });
    if (q.code) qb.andWhere('f.code = :code', { code: q.code });
    if (q.severity) qb.andWhere('f.severity = :severity', { severity: q.severity });
    if (q.consortiumId) qb.andWhere('f.consortium_id = :consortiumId', { consortiumId: q.consortiumId });
    if (q.caseId) qb.andWhere('f.case_id = :caseId', { caseId: q.caseId });
    if (q.servedConsortiumId) qb.andWhere('f.consortium_id = :served', { served: q.servedConsortiumId });
    const after = decodeCursor(q.cursor);
    if (after && !UUID.test(after.id)) throw invalidCursor();
    if (after) qb.andWhere('(f.created_at, f.id) < (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (f) => ({ t: f.createdAt.toISOString(), id: f.id }));
  }
}
