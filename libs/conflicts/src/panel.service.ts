import { Injectable } from '@nestjs/common';
import { DomainError } from '@makebuy/domain';
import { CaseCommands, CaseEngine, CaseEntity, CasePanel, CaseQueries } from '@makebuy/cases';
import { ConflictDetection } from './conflict-detection.service';
import { ConflictsCaller, DeclarationsService } from './declarations.service';

/**
 * Panel changes while the case is in draft or conflict_check (PANEL_MEMBER_ADDED /
 * PANEL_MEMBER_REMOVED; the statechart refuses them elsewhere with EVENT_NOT_ALLOWED).
 */
@Injectable()
export class PanelService {
  constructor(
    private readonly engine: CaseEngine,
    private readonly commands: CaseCommands,
    private readonly queries: CaseQueries,
    private readonly panel: CasePanel,
    private readonly detection: ConflictDetection,
    private readonly declarations: DeclarationsService,
  ) {}

  async addMember(
    caller: ConflictsCaller,
    caseId: string,
    personId: string,
    expectedVersion?: number,
  ): Promise<CaseEntity> {
    const id = personId.toLowerCase();
    const current = await this.queries.find(caseId);
    if (!current) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    await this.commands.requirePanelCandidates([id], current.consortiumId, 'personId');
    const { row } = await this.engine.apply({
      caseId,
      actor: { id: caller.personId ?? caller.sub, roles: caller.roles },
      expectedVersion,
      event: { type: 'PANEL_MEMBER_ADDED', personId: id },
      within: async (tx, r, _decision, now) => {
        if (await this.panel.isMember(caseId, id, tx))
          throw new DomainError('CONFLICT', `person ${id} is already on the panel`, { personId: id });
        await this.panel.add(tx, r, id, now);
        await this.detection.recordMemberPracticeConflicts(tx, r, [id], now);
      },
    });
    return row;
  }

  /** The member leaves the panel; their current declaration for the case is superseded. */
  async removeMember(
    caller: ConflictsCaller,
    caseId: string,
    personId: string,
    expectedVersion?: number,
  ): Promise<CaseEntity> {
    const id = personId.toLowerCase();
    const { row } = await this.engine.apply({
      caseId,
      actor: { id: caller.personId ?? caller.sub, roles: caller.roles },
      expectedVersion,
      event: { type: 'PANEL_MEMBER_REMOVED', personId: id },
      within: async (tx, _r, _decision, now) => {
        if (!(await this.panel.remove(tx, caseId, id)))
          throw new DomainError('NOT_FOUND', `person ${id} is not on the panel of case ${caseId}`);
        await this.declarations.supersedeCurrent(tx, caseId, id, now);
      },
    });
    return row;
  }
}
