import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  acceptedEventTypes,
  CLIENT_EVENT_TYPES,
  ClientEventType,
  EXCLUDED_FROM_DECISION_EVENTS,
  DomainError,
  EVENT_ROLES,
  PolicyBook,
  policyFor,
  Role,
  SnapshotRestoreError,
  Track,
} from '@makebuy/domain';
import { APP_CONFIG, AppConfig, POLICY_BOOK } from '@makebuy/settings';
import { DirectoryService } from '@makebuy/directory';
import { CaseEntity } from './case.entities';
import { CaseEngine, EventInput } from './case-engine.service';
import { CasePanel } from './case-panel.service';
import { CaseFactsRegistry, CaseViewer, CaseViewRegistry, ExclusionRegistry } from './case-registries';

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

/** Use cases on the case itself: create, send a client event, say what the caller may do. */
@Injectable()
export class CaseCommands implements OnModuleInit {
  constructor(
    private readonly engine: CaseEngine,
    private readonly panel: CasePanel,
    private readonly directory: DirectoryService,
    private readonly facts: CaseFactsRegistry,
    private readonly views: CaseViewRegistry,
    private readonly exclusions: ExclusionRegistry,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // policy numbers the guards compare against, for the case's track and route
    this.facts.register(['SUBMIT', 'COMPLETE_CONFLICT_CHECK', 'DEADLINE_DUE'], async (_tx, row) => {
      const p = policyFor(this.policy, row.track, row.context.route);
      return { quorum: p.quorum, minimumBids: p.minimumBids };
    });
  }

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

  /** Client events the caller could send now: the state accepts it, the role allows it, no exclusion forbids it. */
  async allowedEvents(row: CaseEntity, viewer: CaseViewer): Promise<ClientEventType[]> {
    if (row.needsMigration) return [];
    let accepted: Set<string>;
    try {
      accepted = new Set(acceptedEventTypes(row.machineVersion, row.snapshot));
    } catch (e) {
      if (e instanceof SnapshotRestoreError) return []; // reported by the engine and the migrator, never a crash
      throw e;
    }
    const candidates = CLIENT_EVENT_TYPES.filter(
      (t) => accepted.has(t) && EVENT_ROLES[t].some((r: Role) => viewer.roles.includes(r)),
    );
    if (!candidates.some((t) => EXCLUDED_FROM_DECISION_EVENTS.includes(t))) return candidates;
    const ex = await this.exclusions.of(row.id, viewer.personId);
    return candidates.filter((t) => !(ex.fromDecision && EXCLUDED_FROM_DECISION_EVENTS.includes(t)));
  }

  /** GET /cases/{id}: the case's own fields, then each feature's part. */
  async view(row: CaseEntity, viewer: CaseViewer): Promise<Record<string, unknown>> {
    const ctx = row.context;
    const base = {
      id: row.id,
      ocid: row.ocid,
      title: row.title,
      serviceName: row.serviceName,
      description: row.description,
      cpvCode: row.cpvCode,
      consortiumId: row.consortiumId,
      fromSetting: row.fromSetting,
      toSetting: row.toSetting,
      estimatedAnnualValue: { amount: row.estimatedAnnualValue, currency: row.currency },
      termMonths: row.termMonths,
      track: row.track,
      route: ctx.route,
      state: row.state,
      stateValue: row.stateValue,
      version: row.version,
      machineVersion: row.machineVersion,
      needsMigration: row.needsMigration,
      allowedEvents: await this.allowedEvents(row, viewer),
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      criteria: ctx.criteria,
      tender: ctx.tenderPublishedAt ? { publishedAt: ctx.tenderPublishedAt, closesAt: ctx.tenderClosesAt } : null,
      proposal: ctx.proposal,
      intentionPublishedAt: ctx.intentionPublishedAt,
      awardedAt: ctx.awardedAt,
      cancellation: ctx.cancellation,
      panel: [],
      declarations: [],
      detectedConflicts: [],
      deadlines: [],
      flags: [],
    };
    return { ...base, ...(await this.views.compose(row, viewer)) };
  }
}
