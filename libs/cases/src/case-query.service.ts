import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseState } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { CaseEntity } from './case.entities';
import { CaseAccess, Viewer } from './case-access.service';

/** What GET /cases reads of each case (CaseViews.summaries). */
export const CASE_LIST_COLUMNS = [
  'id',
  'ocid',
  'title',
  'serviceName',
  'consortiumId',
  'state',
  'track',
  'context',
  'version',
  'updatedAt',
] as const;
export type CaseListRow = Pick<CaseEntity, (typeof CASE_LIST_COLUMNS)[number]>;

@Injectable()
export class CaseQueries {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: CaseAccess,
  ) {}

  /**
   * GET /cases: the cases the viewer may see, most recently updated first, filtered by state,
   * consortium, words in title or service name (each word a prefix) and `caseIds` (awaiting=me).
   */
  async list(
    viewer: Viewer,
    q: {
      state?: CaseState;
      consortiumId?: string;
      q?: string;
      caseIds?: string[];
      /** a further predicate over `c` (awaiting=me: CaseTasks.awaitingSql) */
      where?: { sql: string; params: Record<string, unknown> };
      limit: number;
      cursor?: string;
    },
  ): Promise<Page<CaseListRow>> {
    const qb = this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      // a summary's columns only: a page of 50 full rows (snapshot, state value) costs the API
      // process more CPU to receive and hydrate than the query costs PostgreSQL
      .select(CASE_LIST_COLUMNS.map((k) => `c.${k}`))
      .orderBy('c.updated_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(q.limit + 1);
    const vis = this.access.visibilitySql('c', viewer);
    qb.where(vis.sql, vis.params);
    if (q.state) qb.andWhere('c.state = :state', { state: q.state });
    if (q.consortiumId) qb.andWhere('c.consortium_id = :consortiumId', { consortiumId: q.consortiumId });
    if (q.caseIds) qb.andWhere('c.id = ANY(:caseIds::uuid[])', { caseIds: q.caseIds });
    if (q.where) qb.andWhere(q.where.sql, q.where.params);
    const words = wordsQuery(q.q);
    if (words)
      qb.andWhere(`to_tsvector('simple', c.title || ' ' || c.service_name) @@ to_tsquery('simple', :words)`, { words });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(c.updated_at, c.id) < (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (c) => ({ t: c.updatedAt.toISOString(), id: c.id }));
  }

  find(caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseEntity | null> {
    return tx.findOneBy(CaseEntity, { id: caseId });
  }

  /** Cases whose tender has been published (route competitive and past tendering's start). */
  async published(q: { states?: CaseState[]; limit: number; cursor?: string }): Promise<Page<CaseEntity>> {
    const qb = this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .where(`c.context->>'tenderPublishedAt' IS NOT NULL`)
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(q.limit + 1);
    if (q.states?.length) qb.andWhere('c.state IN (:...states)', { states: q.states });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(c.created_at, c.id) > (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (c) => ({ t: c.createdAt.toISOString(), id: c.id }));
  }

  /** Cases that need a machine migration (reported, never crashed on). */
  needingMigration(): Promise<CaseEntity[]> {
    return this.ds.getRepository(CaseEntity).find({ where: { needsMigration: true } });
  }
}

/** `q` as a tsquery: every word (letters and digits) must start a word of the title or service name. */
export function wordsQuery(q: string | undefined): string | null {
  const words = (q ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}
