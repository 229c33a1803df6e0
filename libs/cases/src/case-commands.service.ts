import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ClientEventType, DomainError, EVENT_ROLES, Track } from '@makebuy/domain';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { DirectoryService } from '@makebuy/directory';
import { CaseEntity } from './case.entities';
import { CaseEngine, EventInput } from './case-engine.service';
import { CasePanel } from './case-panel.service';
import type { CaseViewer } from './case-hooks';

export interface CreateCaseInput {
  title: string;
  serviceName: string;
  description?: string;
  cpvCode?: string;
  consortiumId: string;
  fromSetting: string;
  toSetting: string;
  estimatedAnnualValue: { amount: number; currency: 'GBP' };
  termMonths: number;
  track: Track;
  panelPersonIds: string[];
}

export interface CaseCaller extends CaseViewer {
  sub: string;
}

/** Use cases on the case itself: create, send a client event. */
@Injectable()
export class CaseCommands {
  constructor(
    private readonly engine: CaseEngine,
    private readonly panel: CasePanel,
    private readonly directory: DirectoryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async createCase(caller: CaseCaller, input: CreateCaseInput): Promise<CaseEntity> {
    if (!caller.personId) throw new DomainError('FORBIDDEN', 'only a person in the directory can raise a case');
    await this.directory.getConsortium(input.consortiumId).catch(() => {
      throw new DomainError('VALIDATION_FAILED', `consortiumId: consortium ${input.consortiumId} does not exist`, {
        errors: [{ field: 'consortiumId', message: 'unknown consortium' }],
      });
    });
    const panelIds = [...new Set(input.panelPersonIds.map((p) => p.toLowerCase()))];
    await this.requirePanelCandidates(panelIds);
    const id = randomUUID();
    const { row } = await this.engine.create(
      {
        id,
        ocid: `${this.config.ocidPrefix}-${id}`,
        title: input.title,
        serviceName: input.serviceName,
        description: input.description ?? null,
        cpvCode: input.cpvCode ?? null,
        consortiumId: input.consortiumId,
        fromSetting: input.fromSetting,
        toSetting: input.toSetting,
        estimatedAnnualValue: input.estimatedAnnualValue.amount,
        termMonths: input.termMonths,
        track: input.track,
        createdBy: caller.personId,
      },
      { id: caller.sub, roles: caller.roles },
      async (tx, r, now) => {
        for (const personId of panelIds) await this.panel.add(tx, r.id, personId, now);
      },
      { ...input, panelPersonIds: panelIds },
    );
    return row;
  }

  /** People who can sit on a panel: in the directory and not a provider's user. */
  async requirePanelCandidates(personIds: string[], field = 'panelPersonIds'): Promise<void> {
    const people = await this.directory.findPeople(personIds);
    const found = new Map(people.map((p) => [p.id, p]));
    const errors = personIds.flatMap((id) =>
      !found.has(id)
        ? [{ field, message: `person ${id} does not exist` }]
        : found.get(id)!.providerId
          ? [{ field, message: `person ${id} acts for a provider and cannot sit on a panel` }]
          : [],
    );
    if (errors.length) throw new DomainError('VALIDATION_FAILED', errors.map((e) => e.message).join('; '), { errors });
  }

  /** Role check for a client event (403), before the payload is validated. */
  assertMaySend(caller: CaseCaller, type: ClientEventType): void {
    const roles = EVENT_ROLES[type];
    if (!roles.some((r) => caller.roles.includes(r))) {
      throw new DomainError('FORBIDDEN', `${type} needs one of the roles: ${roles.join(', ')}`);
    }
  }

  async sendEvent(
    caller: CaseCaller,
    caseId: string,
    event: EventInput,
    expectedVersion?: number,
  ): Promise<CaseEntity> {
    const { row } = await this.engine.apply({
      caseId,
      actor: { id: caller.personId ?? caller.sub, roles: caller.roles },
      event,
      expectedVersion,
    });
    return row;
  }
}
