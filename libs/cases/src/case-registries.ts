import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseEvent, CaseEventType, CaseFacts, Role } from '@makebuy/domain';
import type { CaseEntity } from './case.entities';

/** What a fact provider is told about the event being applied. */
export type FactEvent = Omit<CaseEvent, 'facts' | 'now'> & { type: CaseEventType };
export type FactProvider = (
  tx: EntityManager,
  row: CaseEntity,
  event: FactEvent,
  now: Date,
) => Promise<Partial<CaseFacts>>;

/**
 * Features contribute the facts the statechart's guards need (declarations from conflicts,
 * bids and scores from tendering, open flags from flags...), read in the command's transaction.
 */
@Injectable()
export class CaseFactsRegistry {
  private readonly providers = new Map<CaseEventType, FactProvider[]>();

  register(types: CaseEventType[], provider: FactProvider): void {
    for (const t of types) this.providers.set(t, [...(this.providers.get(t) ?? []), provider]);
  }

  async gather(tx: EntityManager, row: CaseEntity, event: FactEvent, now: Date): Promise<CaseFacts> {
    const facts: CaseFacts = {};
    for (const p of this.providers.get(event.type) ?? []) Object.assign(facts, await p(tx, row, event, now));
    return facts;
  }
}

/** The caller, as case views see them. */
export interface CaseViewer {
  personId: string | null;
  roles: readonly Role[];
  consortiumId: string | null;
  providerId: string | null;
}

export type ViewContributor = (row: CaseEntity, viewer: CaseViewer) => Promise<Record<string, unknown>>;

/** Features add their parts of GET /cases/{id} (panel, declarations, deadlines, flags, ranking). */
@Injectable()
export class CaseViewRegistry {
  private readonly contributors: { name: string; fn: ViewContributor }[] = [];

  register(name: string, fn: ViewContributor): void {
    this.contributors.push({ name, fn });
  }

  async compose(row: CaseEntity, viewer: CaseViewer): Promise<Record<string, unknown>> {
    const parts = await Promise.all(this.contributors.map((c) => c.fn(row, viewer)));
    return Object.assign({}, ...parts);
  }
}

/** Per-caller exclusions (conflicts registers the provider): used for allowedEvents. */
export interface CallerExclusion {
  /** the caller's declaration on this case was reviewed */
  reviewed: boolean;
  fromDecision: boolean;
  fromEvaluation: boolean;
}
export type ExclusionProvider = (caseId: string, personId: string) => Promise<CallerExclusion>;
const NO_EXCLUSION: CallerExclusion = { reviewed: false, fromDecision: false, fromEvaluation: false };

@Injectable()
export class ExclusionRegistry {
  private provider: ExclusionProvider = async () => NO_EXCLUSION;
  set(p: ExclusionProvider): void {
    this.provider = p;
  }
  of(caseId: string, personId: string | null) {
    return personId ? this.provider(caseId, personId) : Promise.resolve(NO_EXCLUSION);
  }
}
