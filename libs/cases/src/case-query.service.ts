import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseState } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { CaseEntity } from './case.entities';
import { CaseAccess, Viewer } from './case-access.service';

@Injectable()
export class CaseQueries {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: CaseAccess,
  ) {}

  async list(
    viewer: Viewer,
    q: { state?: CaseState; consortiumId?: string; limit: number; cursor?: string },
  ): Promise<Page<CaseEntity>> {
    const qb = this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(q.limit + 1);
    const vis = this.access.visibilitySql('c', viewer);
    qb.where(vis.sql, vis.params);
    if (q.state) qb.andWhere('c.state = :state', { state: q.state });
    if (q.consortiumId) qb.andWhere('c.consortium_id = :consortiumId', { consortiumId: q.consortiumId });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(c.created_at, c.id) > (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (c) => ({ t: c.createdAt.toISOString(), id: c.id }));
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
