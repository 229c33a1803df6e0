import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CancelReasonCode, Route } from '@makebuy/domain';
import { CaseEntity, CaseHistory, CasePanel, HistoryEntry } from '@makebuy/cases';
import { ConflictsService } from '@makebuy/conflicts';
import { DirectoryService, ProviderEntity } from '@makebuy/directory';
import { EvaluationService, RepresentationsService, TenderingQueries } from '@makebuy/tendering';
import type {
  AwardFacts,
  CancellationFacts,
  CaseFactsBase,
  ConflictEntry,
  DecisionMaker,
  IntentionFacts,
  PublicProvider,
  TenderFacts,
} from './procurement-facts';
import type { RecordFacts } from './decision-register';

/** What each audited event means as a decision (events not listed are not decisions). */
const DECISIONS: Record<string, (payload: Record<string, unknown>) => string> = {
  COMPLETE_CONFLICT_CHECK: () => 'completed the conflict check',
  DECIDE_MAKE: (p) =>
    p.psrProcess === 'most_suitable_provider'
      ? 'chose the most suitable provider process and the provider'
      : 'chose direct award process C and the provider',
  DECIDE_BUY: () => 'chose the competitive process and its key criteria',
  SCORE_RECORDED: () => 'scored the bids',
  PROPOSE_AWARD: () => 'proposed the award',
  FLAG_RESOLVED: () => 'resolved a favouritism flag',
  APPROVE_AWARD: () => 'approved the award',
  REJECT_AWARD: () => 'rejected a proposed award',
  REPRESENTATION_RESOLVED: () => 'decided a representation',
  CANCEL: () => 'cancelled the procurement',
};
const GOVERNANCE_DECISIONS = new Set([
  'COMPLETE_CONFLICT_CHECK',
  'FLAG_RESOLVED',
  'APPROVE_AWARD',
  'REJECT_AWARD',
  'REPRESENTATION_RESOLVED',
]);

const CATEGORY_NAMES: Record<string, string> = {
  financial: 'a financial interest',
  non_financial_professional: 'a non-financial professional interest',
  non_financial_personal: 'a non-financial personal interest',
  indirect: 'an indirect interest',
};

export const publicProvider = (p: ProviderEntity): PublicProvider => ({
  name: p.name,
  address: p.address ?? null,
  odsCode: p.odsCode ?? null,
  companiesHouseNumber: p.companiesHouseNumber ?? null,
});

/**
 * Gathers, in the caller's transaction, the case records a notice or a register entry is computed
 * from: the case, its consortium, panel, declarations and reviews, detected conflicts, audit
 * history, bids and scores (through tendering's exported services), representations.
 */
@Injectable()
export class ProcurementFactsReader {
  constructor(
    private readonly directory: DirectoryService,
    private readonly history: CaseHistory,
    private readonly panel: CasePanel,
    private readonly conflicts: ConflictsService,
    private readonly tendering: TenderingQueries,
    private readonly evaluation: EvaluationService,
    private readonly representations: RepresentationsService,
  ) {}

  async base(tx: EntityManager, row: CaseEntity): Promise<CaseFactsBase> {
    const [consortium] = await this.directory.findConsortia([row.consortiumId], tx);
    return {
      caseId: row.id,
      ocid: row.ocid,
      title: row.title,
      serviceName: row.serviceName,
      serviceDescription: row.description ?? null,
      cpvCode: row.cpvCode ?? null,
      consortium: { id: row.consortiumId, name: consortium?.name ?? '' },
      estimatedAnnualValue: row.estimatedAnnualValue,
      termMonths: row.termMonths,
    };
  }

  async tender(tx: EntityManager, row: CaseEntity, reason?: string): Promise<TenderFacts> {
    return {
      ...(await this.base(tx, row)),
      criteria: row.context.criteria ?? [],
      tenderPublishedAt: row.context.tenderPublishedAt!,
      tenderClosesAt: row.context.tenderClosesAt,
      ...(reason !== undefined ? { reason } : {}),
    };
  }

  async intention(tx: EntityManager, row: CaseEntity, standstillEndsAt: Date | null): Promise<IntentionFacts> {
    const proposal = row.context.proposal!;
    const route = routeOf(row);
    // one after another: they share the transaction's one connection (pg queues, and warns about,
    // a query sent while another runs on the same client)
    const base = await this.base(tx, row);
    const awardees = await this.awardees(tx, row);
    const annualValue = await this.annualValue(tx, row);
    const events = await this.history.list(row.id, tx);
    const facts: IntentionFacts = {
      ...base,
      route,
      awardees,
      annualValue,
      decisionMakers: await this.decisionMakers(tx, row, events),
      justification: proposal.justification,
      routeRationale: proposal.kind === 'make' ? proposal.justification : null,
      conflicts: await this.conflictEntries(tx, row),
      standstillEndsAt: standstillEndsAt ? standstillEndsAt.toISOString() : null,
      standstillPaused: isPaused(row.stateValue),
    };
    if (proposal.kind === 'buy' && proposal.bidId) {
      const scores = (await this.evaluation.debriefs(row, null, tx)).get(proposal.bidId)?.ownScores;
      facts.scoredCriteria = (row.context.criteria ?? []).map((c) => ({
        key: c.key,
        weight: c.weight,
        awardeeWeightedScore: scores?.criteria.find((s) => s.key === c.key)?.weightedScore ?? null,
      }));
      facts.awardeeWeightedScore = scores?.weightedScore ?? null;
    }
    return facts;
  }

  async award(tx: EntityManager, row: CaseEntity, intentionNoticeId: string | null, now: Date): Promise<AwardFacts> {
    return {
      ...(await this.base(tx, row)),
      route: routeOf(row),
      awardees: await this.awardees(tx, row),
      annualValue: await this.annualValue(tx, row),
      awardedAt: row.context.awardedAt ?? now.toISOString(),
      intentionNoticeId,
    };
  }

  async cancellation(tx: EntityManager, row: CaseEntity, fromState: string, now: Date): Promise<CancellationFacts> {
    const c = row.context.cancellation;
    return {
      ...(await this.base(tx, row)),
      reasonCode: (c?.reasonCode ?? 'other') as CancelReasonCode,
      note: c?.note ?? null,
      cancelledAt: c?.at ?? now.toISOString(),
      stage: fromState,
    };
  }

  /** A register entry's facts, read now (outside a command: `tx` is the pool's manager). */
  async record(
    tx: EntityManager,
    row: CaseEntity,
    decidedAt: Date,
    notices: { id: string; type: string; publishedAt: string }[],
  ): Promise<RecordFacts> {
    const events = await this.history.list(row.id, tx);
    const closed = events.some(
      (e) => e.fromState === 'tendering' && (e.toState === 'evaluation' || e.toState === 'unsuccessful'),
    );
    const standing = row.state === 'standstill' || row.state === 'awarded';
    const proposal = row.context.proposal;
    return {
      ...(await this.base(tx, row)),
      state: row.state,
      route: row.context.route,
      routeRationale: proposal?.kind === 'make' && row.context.route !== 'competitive' ? proposal.justification : null,
      decisionMakers: await this.decisionMakers(tx, row, events),
      conflicts: await this.conflictEntries(tx, row),
      criteria: row.context.route === 'competitive' ? (row.context.criteria ?? []) : [],
      bidsReceived: closed ? (await this.tendering.receivedBids(row.id, tx)).length : null,
      awardees: standing && proposal ? await this.awardees(tx, row) : null,
      annualValue: standing && proposal ? await this.annualValue(tx, row) : null,
      decidedAt: decidedAt.toISOString(),
      representations: await this.representations.outcomes([row.id], tx),
      notices,
    };
  }

  /** The awardees of the case's current proposal, named as the regulations ask. */
  async awardees(tx: EntityManager, row: CaseEntity): Promise<PublicProvider[]> {
    const ids = row.context.proposal?.providerIds ?? [];
    const found = new Map((await this.directory.findProviders(ids, tx)).map((p) => [p.id, p]));
    return ids.flatMap((id) => (found.has(id) ? [publicProvider(found.get(id)!)] : []));
  }

  /** The contract's annual value: the awarded bid's annual price (buy), or the case's estimate (make). */
  async annualValue(tx: EntityManager, row: CaseEntity): Promise<number> {
    const proposal = row.context.proposal;
    if (proposal?.kind === 'buy' && proposal.bidId) {
      const bid = await this.tendering.bid(proposal.bidId, tx);
      if (bid && bid.caseId === row.id) return bid.price;
    }
    return row.estimatedAnnualValue;
  }

  /** The representations lodged on these cases and how each stands (one statement). */
  representationOutcomes(tx: EntityManager, caseIds: string[]): Promise<{ lodgedAt: string; outcome: string }[]> {
    return this.representations.outcomes(caseIds, tx);
  }

  /** Contracts the consortium holds, for the annual summary: providers by id and name. */
  async contractProviders(tx: EntityManager, providerIds: string[]): Promise<Map<string, string>> {
    return new Map((await this.directory.findProviders(providerIds, tx)).map((p) => [p.id, p.name]));
  }

  /** Everyone who decided, by name and part, in the order they first acted (system actors left out). */
  async decisionMakers(tx: EntityManager, row: CaseEntity, events: HistoryEntry[]): Promise<DecisionMaker[]> {
    const acts = new Map<string, { decisions: string[]; governance: boolean }>();
    for (const e of events) {
      const label = DECISIONS[e.type];
      if (!label || e.actor.startsWith('system:')) continue;
      const entry = acts.get(e.actor) ?? { decisions: [], governance: false };
      const what = label(e.payload ?? {});
      if (!entry.decisions.includes(what)) entry.decisions.push(what);
      if (GOVERNANCE_DECISIONS.has(e.type)) entry.governance = true;
      acts.set(e.actor, entry);
    }
    const ids = [...acts.keys()];
    const people = await this.directory.findPeople(ids, tx);
    const members = await this.panel.members(row.id, tx);
    const byId = new Map(people.map((p) => [p.id, p]));
    const onPanel = new Set(members.map((m) => m.personId));
    // the part they played: on the case's panel, else their directory role (governance acts count too)
    const roleOf = (id: string) =>
      onPanel.has(id)
        ? 'panel member'
        : (byId.get(id)!.roles ?? []).includes('governance') || acts.get(id)!.governance
          ? 'governance officer'
          : 'commissioner';
    // only people in the directory are named (an admin token without a person record is not a decision maker)
    return ids
      .filter((id) => byId.has(id))
      .map((id) => ({ name: byId.get(id)!.name, role: roleOf(id), decisions: acts.get(id)!.decisions }));
  }

  /**
   * Every panel member's position: each declared interest, each detected link not already declared,
   * or a nil return; with the mitigation governance set and who set it.
   */
  async conflictEntries(tx: EntityManager, row: CaseEntity): Promise<ConflictEntry[]> {
    const members = await this.panel.members(row.id, tx);
    const record = await this.conflicts.caseConflictRecord(row.id, tx);
    const declarations = new Map(record.declarations.map((d) => [d.personId, d]));
    const personIds = [
      ...new Set([
        ...members.map((m) => m.personId),
        ...record.declarations.flatMap((d) => (d.reviewedBy ? [d.reviewedBy] : [])),
      ]),
    ];
    const providerIds = [
      ...new Set([
        ...record.detected.map((d) => d.providerId),
        ...record.declarations.flatMap((d) => d.interests.flatMap((i) => (i.providerId ? [i.providerId] : []))),
      ]),
    ];
    const people = await this.directory.findPeople(personIds, tx);
    const providers = await this.directory.findProviders(providerIds, tx);
    const person = new Map(people.map((p) => [p.id, p.name]));
    const org = (id: string | null) => (id ? (providers.find((p) => p.id === id)?.name ?? null) : null);
    const out: ConflictEntry[] = [];
    // by name: the panel has no other order worth publishing (its members join together)
    const ordered = [...members].sort(
      (a, b) =>
        (person.get(a.personId) ?? '').localeCompare(person.get(b.personId) ?? '', 'en-GB') ||
        (a.personId < b.personId ? -1 : 1),
    );
    for (const m of ordered) {
      const name = person.get(m.personId) ?? '';
      const d = declarations.get(m.personId);
      if (!d) {
        out.push({
          person: name,
          kind: 'no_declaration',
          interest: null,
          organisation: null,
          mitigation: null,
          reviewedBy: null,
        });
        continue;
      }
      const managed = {
        mitigation: d.mitigation,
        reviewedBy: d.reviewedBy ? (person.get(d.reviewedBy) ?? null) : null,
      };
      if (d.nilReturn || d.interests.length === 0)
        out.push({ person: name, kind: 'nil_return', interest: null, organisation: null, ...managed });
      for (const i of d.interests)
        out.push({
          person: name,
          kind: 'declared_interest',
          interest: `${CATEGORY_NAMES[i.category] ?? i.category}: ${i.description}`,
          organisation: org(i.providerId),
          ...managed,
        });
      const declaredIds = new Set(d.interests.map((i) => i.id));
      for (const link of record.detected.filter((l) => l.personId === m.personId)) {
        if (link.interestId && declaredIds.has(link.interestId)) continue;
        out.push({
          person: name,
          kind: 'detected_conflict',
          interest: link.relationship
            ? relationshipName(link.relationship)
            : 'a register interest not declared for this case',
          organisation: org(link.providerId),
          ...managed,
        });
      }
    }
    return out;
  }
}

const RELATIONSHIPS: Record<string, string> = {
  partner: 'partner',
  salaried_gp: 'salaried GP',
  director: 'director',
  shareholder: 'shareholder',
  employee: 'employee',
  family: 'family member of someone there',
};
const relationshipName = (r: string) => RELATIONSHIPS[r] ?? r;

export function routeOf(row: CaseEntity): Route {
  return (row.context.route ?? row.context.proposal?.psrProcess ?? 'competitive') as Route;
}

export const isPaused = (stateValue: unknown): boolean =>
  typeof stateValue === 'object' &&
  stateValue !== null &&
  (stateValue as Record<string, unknown>).standstill === 'paused';
