import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  CLIENT_EVENT_TYPES,
  ClientEventType,
  DomainError,
  EVENT_ROLES,
  EXCLUDED_FROM_DECISION_EVENTS,
  Track,
} from '@makebuy/domain';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { DirectoryService } from '@makebuy/directory';
import { CaseEntity } from './case.entities';
import { Admitted, CaseEngine, EventInput } from './case-engine.service';
import { CaseAccess } from './case-access.service';
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
    private readonly access: CaseAccess,
    private readonly directory: DirectoryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async createCase(caller: CaseCaller, input: CreateCaseInput): Promise<CaseEntity> {
    if (!caller.personId) throw new DomainError('FORBIDDEN', 'only a person in the directory can raise a case');
    if (caller.consortiumId !== input.consortiumId)
      throw new DomainError('FORBIDDEN', 'a commissioner raises cases only in its own consortium');
    const panelIds = [...new Set(input.panelPersonIds.map((p) => p.toLowerCase()))];
    // the consortium and the panel's people: one read
    const { consortium, people } = await this.directory.consortiumAndPeople(input.consortiumId, panelIds);
    if (!consortium)
      throw new DomainError('VALIDATION_FAILED', `consortiumId: consortium ${input.consortiumId} does not exist`, {
        errors: [{ field: 'consortiumId', message: 'unknown consortium' }],
      });
    panelCandidatesProblem(panelIds, input.consortiumId, people);
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
        await this.panel.addAll(tx, r, panelIds, now);
      },
      { ...input, panelPersonIds: panelIds },
    );
    return row;
  }

  /** The panel is made of commissioners of the case's consortium (400 otherwise). */
  async requirePanelCandidates(personIds: string[], consortiumId: string, field = 'panelPersonIds'): Promise<void> {
    panelCandidatesProblem(personIds, consortiumId, await this.directory.findPeople(personIds), field);
  }

  /**
   * Who may send a client event (403), before the payload is validated: the role, and for
   * decisions a seat on the panel. Exclusions are the machine's rule (422 EXCLUDED_BY_CONFLICT).
   */
  async assertMaySend(caller: CaseCaller, row: CaseEntity, type: ClientEventType, tx?: EntityManager): Promise<void> {
    const roles = EVENT_ROLES[type];
    if (!roles.some((r) => caller.roles.includes(r))) {
      throw new DomainError('FORBIDDEN', `${type} needs one of the roles: ${roles.join(', ')}`);
    }
    if (
      EXCLUDED_FROM_DECISION_EVENTS.includes(type) &&
      !(caller.personId && (await this.panel.isMember(row.id, caller.personId, tx)))
    ) {
      throw new DomainError('FORBIDDEN', `${type} is sent by a member of the case's panel`);
    }
  }

  /**
   * A client event from the HTTP API, admitted on the row the engine locks (read once): 404 if
   * the caller may not see the case, 400 for an unknown type, 403 (role, panel seat), then the
   * payload's own validation and the If-Match (`settle`), all before anything changes.
   */
  async sendClientEvent(
    caller: CaseCaller,
    caseId: string,
    type: unknown,
    settle: (type: ClientEventType) => Promise<Admitted & { event: EventInput }>,
  ): Promise<CaseEntity> {
    const { row } = await this.engine.apply({
      caseId,
      actor: { id: caller.personId ?? caller.sub, roles: caller.roles },
      event: { type } as EventInput,
      admit: async (tx, locked) => {
        if (!(await this.access.canSee(caller, locked, tx)))
          throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
        if (typeof type !== 'string' || !(CLIENT_EVENT_TYPES as readonly string[]).includes(type)) {
          throw new DomainError('VALIDATION_FAILED', `type must be one of ${CLIENT_EVENT_TYPES.join(', ')}`, {
            errors: [{ field: 'type', message: 'unknown event type' }],
          });
        }
        await this.assertMaySend(caller, locked, type as ClientEventType, tx);
        return settle(type as ClientEventType);
      },
    });
    return row;
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

function panelCandidatesProblem(
  personIds: string[],
  consortiumId: string,
  people: { id: string; roles: readonly string[]; consortiumId: string | null }[],
  field = 'panelPersonIds',
): void {
  const found = new Map(people.map((p) => [p.id, p]));
  const errors = personIds.flatMap((id) => {
    const p = found.get(id);
    if (!p) return [{ field, message: `person ${id} does not exist` }];
    if (!p.roles.includes('commissioner') || p.consortiumId !== consortiumId)
      return [{ field, message: `person ${id} is not a commissioner of the case's consortium` }];
    return [];
  });
  if (errors.length) throw new DomainError('VALIDATION_FAILED', errors.map((e) => e.message).join('; '), { errors });
}
