import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, Role } from '@makebuy/domain';
import { CaseEntity } from './case.entities';
import { CasePanel } from './case-panel.service';
import { CasesRepository } from './cases.repository';

export interface Viewer {
  personId: string | null;
  roles: readonly Role[];
  consortiumId: string | null;
}

/**
 * Who may see a case: its creator, its panel, governance officers (one with a consortiumId only
 * that consortium's cases), and commissioners of the case's consortium. Everyone else gets 404,
 * as if it did not exist.
 */
@Injectable()
export class CaseAccess {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: CasesRepository,
    private readonly panel: CasePanel,
  ) {}

  /**
   * `onPanel`, when the caller already knows whether the viewer sits on the panel (read with the
   * row), saves the membership read.
   */
  async canSee(
    viewer: Viewer,
    row: CaseEntity,
    tx: EntityManager = this.ds.manager,
    onPanel?: boolean,
  ): Promise<boolean> {
    if (viewer.roles.includes('governance') && (!viewer.consortiumId || viewer.consortiumId === row.consortiumId))
      return true;
    if (viewer.personId && row.createdBy === viewer.personId) return true;
    if (viewer.roles.includes('commissioner') && viewer.consortiumId && viewer.consortiumId === row.consortiumId)
      return true;
    if (onPanel !== undefined) return onPanel;
    // inside a case transaction: the panel held with the lock (no statement)
    if (viewer.personId) return this.panel.isMember(row.id, viewer.personId, tx);
    return false;
  }

  /** The case if the viewer may see it, else NOT_FOUND. */
  async visibleCase(viewer: Viewer, caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseEntity> {
    return (await this.visible(viewer, caseId, tx)).row;
  }

  /**
   * The case if the viewer may see it (else NOT_FOUND), and whether the viewer sits on its panel:
   * one statement (the row and the membership together), what the read-only routes' guard needs.
   */
  async visible(
    viewer: Viewer,
    caseId: string,
    tx: EntityManager = this.ds.manager,
  ): Promise<{ row: CaseEntity; onPanel: boolean }> {
    const found = await this.repo.findWithPanelSeat(tx, caseId, viewer.personId);
    if (!found || !(await this.canSee(viewer, found.row, tx, found.onPanel)))
      throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    return found;
  }

  /** SQL condition (for lists) matching the same rule; parameters are prefixed with v_. */
  visibilitySql(alias: string, viewer: Viewer): { sql: string; params: Record<string, unknown> } {
    const parts: string[] = [];
    const params: Record<string, unknown> = {};
    if (viewer.roles.includes('governance')) {
      if (!viewer.consortiumId) return { sql: 'TRUE', params: {} };
      parts.push(`${alias}.consortium_id = :v_consortium`);
      params.v_consortium = viewer.consortiumId;
    }
    if (viewer.personId) {
      parts.push(`${alias}.created_by = :v_person`);
      parts.push(`EXISTS (SELECT 1 FROM case_panel cp WHERE cp.case_id = ${alias}.id AND cp.person_id = :v_person)`);
      params.v_person = viewer.personId;
    }
    if (viewer.roles.includes('commissioner') && viewer.consortiumId && !params.v_consortium) {
      parts.push(`${alias}.consortium_id = :v_consortium`);
      params.v_consortium = viewer.consortiumId;
    }
    return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', params };
  }
}
