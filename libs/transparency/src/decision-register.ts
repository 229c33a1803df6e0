/**
 * The register of procurement decisions (regulation 24) and the annual summary (regulation 25), as
 * pure functions of the case records. Nothing here is typed in by a person: every field comes from
 * the case, its panel, declarations, history, scores and representations.
 */
import type { CaseState, Criterion, Route } from '@makebuy/domain';
import type { CaseFactsBase, ConflictEntry, DecisionMaker, PublicProvider } from './procurement-facts';
import { lifetimeValue } from './procurement-facts';
import { contractPeriod } from './notice-builders';
import { PUBLIC_DECISION_RECORD, PUBLIC_SUMMARY, toPublic } from './public-fields';

export interface RecordFacts extends CaseFactsBase {
  state: CaseState;
  route: Route | null;
  routeRationale: string | null;
  decisionMakers: DecisionMaker[];
  conflicts: ConflictEntry[];
  criteria: Criterion[];
  /** bids received once tendering closed; null when there was no tender or it never closed */
  bidsReceived: number | null;
  /** the awardees and annual value of the intention that stands (standstill or awarded) */
  awardees: PublicProvider[] | null;
  annualValue: number | null;
  decidedAt: string;
  representations: { lodgedAt: string; outcome: string }[];
  notices: { id: string; type: string; publishedAt: string }[];
}

/** The register's status of a case: its final state, `standstill`, or `reconsidering` once the
 * intention was withdrawn (an upheld representation) and the case went back. */
export function recordStatus(state: CaseState): string {
  switch (state) {
    case 'standstill':
    case 'awarded':
    case 'unsuccessful':
    case 'cancelled':
      return state;
    default:
      return 'reconsidering';
  }
}

export interface DecisionRecord {
  caseId: string;
  ocid: string;
  consortium: { id: string; name: string };
  service: { title: string; name: string; description: string | null; cpvCode: string | null };
  route: Route | null;
  routeRationale: string | null;
  decisionMakers: DecisionMaker[];
  conflicts: ConflictEntry[];
  criteria: { key: string; weight: number }[];
  bids?: { received: number };
  result: {
    status: string;
    awardees?: PublicProvider[];
    value?: { amount: number; currency: 'GBP' };
    decidedAt: string;
  };
  representations: { lodgedAt: string; outcome: string }[];
  links: { notices: { id: string; type: string; publishedAt: string; href: string }[]; auditVerification: string };
}

export function buildDecisionRecord(f: RecordFacts): DecisionRecord {
  const status = recordStatus(f.state);
  const standing = (status === 'standstill' || status === 'awarded') && f.awardees && f.annualValue !== null;
  return toPublic<DecisionRecord>(
    PUBLIC_DECISION_RECORD,
    {
      caseId: f.caseId,
      ocid: f.ocid,
      consortium: f.consortium,
      service: { title: f.title, name: f.serviceName, description: f.serviceDescription, cpvCode: f.cpvCode },
      route: f.route,
      routeRationale: f.routeRationale,
      decisionMakers: f.decisionMakers,
      conflicts: f.conflicts,
      criteria: f.criteria.map((c) => ({ key: c.key, weight: c.weight })),
      ...(f.bidsReceived !== null ? { bids: { received: f.bidsReceived } } : {}),
      result: {
        status,
        ...(standing ? { awardees: f.awardees, value: lifetimeValue(f.annualValue!, f.termMonths) } : {}),
        decidedAt: f.decidedAt,
      },
      representations: f.representations,
      links: {
        notices: f.notices.map((n) => ({ ...n, href: `/api/v1/registers/notices/${n.id}` })),
        auditVerification: `/api/v1/registers/decisions/${f.caseId}/verification`,
      },
    },
    'decision',
  );
}

// ---- the annual summary ----

export interface ContractFact {
  caseId: string;
  route: Route;
  providers: { id: string; name: string }[];
  awardedAt: string;
  termMonths: number;
}

export interface AnnualSummary {
  consortiumId: string | null;
  year: number;
  contracts: number;
  contractsPerRoute: Record<Route, number>;
  newProviders: { name: string }[];
  providersNoLongerContracted: { name: string }[];
  representations: { received: number; upheld: number; notUpheld: number; open: number };
}

const yearOf = (date: string) => Number(date.slice(0, 4));
const heldDuring = (c: ContractFact, year: number) => {
  const p = contractPeriod(c.awardedAt, c.termMonths);
  return yearOf(p.startDate) <= year && yearOf(p.endDate) >= year;
};
const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Regulation 25 for one calendar year: contracts awarded that year per route; new providers (awarded a
 * contract that year, none before); providers who held a contract the year before and none this
 * year (a contract is held from the day after its award for its term); representations lodged that
 * year and their outcome. `contracts` are every contract of the consortium, any year.
 */
export function annualSummary(
  year: number,
  consortiumId: string | null,
  contracts: readonly ContractFact[],
  representations: readonly { lodgedAt: string; outcome: string }[],
): AnnualSummary {
  const thisYear = contracts.filter((c) => londonYear(c.awardedAt) === year);
  const perRoute: Record<Route, number> = { competitive: 0, direct_award_c: 0, most_suitable_provider: 0 };
  for (const c of thisYear) perRoute[c.route] += 1;

  const earlier = new Set(
    contracts.filter((c) => londonYear(c.awardedAt) < year).flatMap((c) => c.providers.map((p) => p.id)),
  );
  const providers = new Map<string, { id: string; name: string }>();
  for (const c of contracts) for (const p of c.providers) providers.set(p.id, p);
  const newIds = new Set(thisYear.flatMap((c) => c.providers.map((p) => p.id)).filter((id) => !earlier.has(id)));
  const heldLastYear = new Set(
    contracts.filter((c) => heldDuring(c, year - 1)).flatMap((c) => c.providers.map((p) => p.id)),
  );
  const heldThisYear = new Set(
    contracts.filter((c) => heldDuring(c, year)).flatMap((c) => c.providers.map((p) => p.id)),
  );
  const gone = [...heldLastYear].filter((id) => !heldThisYear.has(id));

  const reps = representations.filter((r) => londonYear(r.lodgedAt) === year);
  return toPublic<AnnualSummary>(PUBLIC_SUMMARY, {
    consortiumId,
    year,
    contracts: thisYear.length,
    contractsPerRoute: perRoute,
    newProviders: [...newIds]
      .map((id) => providers.get(id)!)
      .sort(byName)
      .map((p) => ({ name: p.name })),
    providersNoLongerContracted: gone
      .map((id) => providers.get(id)!)
      .sort(byName)
      .map((p) => ({ name: p.name })),
    representations: {
      received: reps.length,
      upheld: reps.filter((r) => r.outcome === 'upheld').length,
      notUpheld: reps.filter((r) => r.outcome === 'not_upheld').length,
      open: reps.filter((r) => r.outcome === 'open').length,
    },
  });
}

/** The calendar year in Europe/London of an instant. */
export function londonYear(iso: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric' }).format(new Date(iso)));
}
