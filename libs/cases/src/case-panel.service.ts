import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CasePanelEntity } from './case.entities';

/** The panel of a case: its decision makers and evaluators. */
@Injectable()
export class CasePanel {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async add(tx: EntityManager, caseId: string, personId: string, at: Date): Promise<boolean> {
    const r = await tx
      .createQueryBuilder()
      .insert()
      .into(CasePanelEntity)
      .values({ caseId, personId, addedAt: at })
      .orIgnore()
      .execute();
    return (r.raw as unknown[]).length > 0 || (r.identifiers?.length ?? 0) > 0;
  }

  /** Seats several people at once (a new case's panel): one statement. */
  async addAll(tx: EntityManager, caseId: string, personIds: string[], at: Date): Promise<void> {
    if (!personIds.length) return;
    await tx
      .createQueryBuilder()
      .insert()
      .into(CasePanelEntity)
      .values(personIds.map((personId) => ({ caseId, personId, addedAt: at })))
      .orIgnore()
      .execute();
  }

  async remove(tx: EntityManager, caseId: string, personId: string): Promise<boolean> {
    const r = await tx.delete(CasePanelEntity, { caseId, personId });
    return (r.affected ?? 0) > 0;
  }

  async isMember(caseId: string, personId: string, tx: EntityManager = this.ds.manager): Promise<boolean> {
    return tx.existsBy(CasePanelEntity, { caseId, personId });
  }

  async members(caseId: string, tx: EntityManager = this.ds.manager): Promise<{ personId: string; addedAt: Date }[]> {
    const rows = await tx.find(CasePanelEntity, { where: { caseId }, order: { addedAt: 'ASC', personId: 'ASC' } });
    return rows.map((r) => ({ personId: r.personId, addedAt: r.addedAt }));
  }

  async casesOf(personId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const rows = await tx.find(CasePanelEntity, { where: { personId } });
    return rows.map((r) => r.caseId);
  }
}
