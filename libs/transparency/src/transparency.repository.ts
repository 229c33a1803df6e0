import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { DeferredWrites } from '@makebuy/queue';
import { DecisionRecordEntity, NoticeEntity } from './transparency.entities';
import type { NoticeType } from './notice-builders';

/** The SQL of the transparency feature: notices and the register's index. Queries only. */
@Injectable()
export class TransparencyRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** A published notice: deferred in the case engine's transaction (rides with its next statement). */
  async insertNotice(tx: EntityManager, n: NoticeEntity): Promise<void> {
    await DeferredWrites.write(
      tx,
      `INSERT INTO notices (id, case_id, consortium_id, ocid, type, published_at, corrects, content, text, case_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      [
        n.id,
        n.caseId,
        n.consortiumId,
        n.ocid,
        n.type,
        n.publishedAt,
        n.corrects,
        JSON.stringify(n.content),
        n.text,
        n.caseVersion,
      ],
    );
  }

  /** The latest notice of a type for a case (the one a correction corrects). */
  latestNotice(tx: EntityManager, caseId: string, type: NoticeType): Promise<NoticeEntity | null> {
    return tx.findOne(NoticeEntity, {
      where: { caseId, type },
      order: { publishedAt: 'DESC', caseVersion: 'DESC' },
    });
  }

  noticesOfCase(caseId: string, tx: EntityManager = this.ds.manager): Promise<NoticeEntity[]> {
    return tx.find(NoticeEntity, { where: { caseId }, order: { publishedAt: 'ASC', caseVersion: 'ASC' } });
  }

  findNotice(id: string): Promise<NoticeEntity | null> {
    return this.ds.manager.findOneBy(NoticeEntity, { id });
  }

  /** Notices, oldest first within a case list; newest first in the public register. */
  async pageNotices(q: {
    caseId?: string;
    consortiumId?: string;
    type?: NoticeType;
    limit: number;
    cursor?: string;
    order: 'ASC' | 'DESC';
  }): Promise<Page<NoticeEntity>> {
    const qb = this.ds
      .getRepository(NoticeEntity)
      .createQueryBuilder('n')
      .orderBy('n.published_at', q.order)
      .addOrderBy('n.id', q.order)
      .limit(q.limit + 1);
    if (q.caseId) qb.andWhere('n.case_id = :caseId', { caseId: q.caseId });
    if (q.consortiumId) qb.andWhere('n.consortium_id = :c', { c: q.consortiumId });
    if (q.type) qb.andWhere('n.type = :type', { type: q.type });
    const after = decodeCursor(q.cursor);
    if (after)
      qb.andWhere(`(n.published_at, n.id) ${q.order === 'ASC' ? '>' : '<'} (:t, :id)`, { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (n) => ({ t: n.publishedAt.toISOString(), id: n.id }));
  }

  /** Puts a case on the register (or moves its decision time to the latest decision). */
  async upsertDecisionRecord(tx: EntityManager, r: DecisionRecordEntity): Promise<void> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(DecisionRecordEntity)
      .values(r)
      .orUpdate(['decided_at', 'updated_at'], ['case_id'])
      .execute();
  }

  findDecisionRecord(caseId: string): Promise<DecisionRecordEntity | null> {
    return this.ds.manager.findOneBy(DecisionRecordEntity, { caseId });
  }

  /** Register entries newest decision first; `year` is the calendar year in Europe/London. */
  async pageDecisionRecords(q: {
    consortiumId?: string;
    year?: number;
    limit: number;
    cursor?: string;
  }): Promise<Page<DecisionRecordEntity>> {
    const qb = this.ds
      .getRepository(DecisionRecordEntity)
      .createQueryBuilder('d')
      .orderBy('d.decided_at', 'DESC')
      .addOrderBy('d.case_id', 'DESC')
      .limit(q.limit + 1);
    if (q.consortiumId) qb.andWhere('d.consortium_id = :c', { c: q.consortiumId });
    if (q.year !== undefined)
      qb.andWhere(`extract(year from d.decided_at AT TIME ZONE 'Europe/London') = :year`, { year: q.year });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(d.decided_at, d.case_id) < (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (d) => ({ t: d.decidedAt.toISOString(), id: d.caseId }));
  }

  /** Every register entry of a consortium (or all), for the annual summary. */
  allDecisionRecords(consortiumId?: string): Promise<DecisionRecordEntity[]> {
    return this.ds.manager.find(DecisionRecordEntity, {
      where: consortiumId ? { consortiumId } : {},
      order: { decidedAt: 'ASC', caseId: 'ASC' },
    });
  }
}
