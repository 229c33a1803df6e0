import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { CaseEventEntity } from './case.entities';
import { verifyChain, VerifyResult } from './audit-chain';

export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  type: string;
  fromState: string | null;
  toState: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const entryOf = (r: CaseEventEntity): HistoryEntry => ({
  seq: r.seq,
  at: r.at.toISOString(),
  actor: r.actor,
  type: r.type,
  fromState: r.fromState,
  toState: r.toState,
  payload: r.payload,
  prevHash: r.prevHash,
  hash: r.hash,
});

@Injectable()
export class CaseHistory {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** With `tx`, read in the caller's transaction (the rows it has just appended included). */
  async list(caseId: string, tx: EntityManager = this.ds.manager): Promise<HistoryEntry[]> {
    const rows = await tx.getRepository(CaseEventEntity).find({ where: { caseId }, order: { seq: 'ASC' } });
    return rows.map(entryOf);
  }

  /** The history oldest first, in pages (what each reader may see of it: CaseViews.history). */
  async page(caseId: string, q: { limit: number; cursor?: string }): Promise<Page<HistoryEntry>> {
    const after = decodeCursor(q.cursor);
    const afterSeq = after ? Number(after.id) : 0;
    if (!Number.isInteger(afterSeq) || afterSeq < 0)
      throw new DomainError('VALIDATION_FAILED', 'cursor is not valid', {
        errors: [{ field: 'cursor', message: 'not a cursor from this API' }],
      });
    const rows = await this.ds
      .getRepository(CaseEventEntity)
      .createQueryBuilder('e')
      .where('e.case_id = :caseId AND e.seq > :afterSeq', { caseId, afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(q.limit + 1)
      .getMany();
    return pageOf(rows.map(entryOf), q.limit, (e) => ({ t: e.at, id: String(e.seq) }));
  }

  async verify(caseId: string): Promise<VerifyResult> {
    const rows = await this.list(caseId);
    return verifyChain(rows.map((r) => ({ ...r, caseId })));
  }

  /** Who sent which decision events on a case (for the favouritism checks). */
  async decisions(
    caseId: string,
  ): Promise<{ personId: string; event: 'DECIDE_MAKE' | 'DECIDE_BUY' | 'PROPOSE_AWARD'; at: string }[]> {
    const rows = await this.ds.getRepository(CaseEventEntity).find({ where: { caseId }, order: { seq: 'ASC' } });
    return rows
      .filter((r) => r.type === 'DECIDE_MAKE' || r.type === 'DECIDE_BUY' || r.type === 'PROPOSE_AWARD')
      .map((r) => ({ personId: r.actor, event: r.type as 'DECIDE_MAKE', at: r.at.toISOString() }));
  }
}
