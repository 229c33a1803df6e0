import { addCalendarDays, WorkingDayCalendar } from '../calendar';
import type { PsrMakeProcess } from '../case/case.types';
import type { JsonObject } from './json';
import type { OcdsReleaseTag } from './release-tags';

/**
 * Builds one OCDS release from the facts of a case at the moment of a change. Pure: the
 * application reads the facts (in the transaction of the change) and stores what comes out.
 *
 * Every release is a full picture of what is public at that moment (not a diff), so each one reads
 * on its own and the compiled release is simply the latest picture plus earlier awards.
 *
 * Sealing is by construction: nothing about bids enters a release unless `closed` is given, and
 * the application gives it only once tendering has closed.
 */

export { OCDS_RELEASE_TAGS, type OcdsReleaseTag } from './release-tags';

export type OcdsTenderStatus = 'active' | 'complete' | 'cancelled' | 'unsuccessful';
export type OcdsAwardStatus = 'pending' | 'active' | 'cancelled';

export interface OcdsMoney {
  amount: number;
  currency: string;
}

export interface OcdsOrganisationFacts {
  id: string;
  name: string;
  /** OCDS Address fields, as the directory holds them */
  address?: {
    streetAddress?: string;
    locality?: string;
    region?: string;
    postalCode?: string;
    countryName?: string;
  } | null;
  companiesHouseNumber?: string | null;
  odsCode?: string | null;
}

export interface OcdsDocumentFacts {
  id: string;
  title: string;
  documentType: string;
  /** where anyone can fetch it, without a token */
  url: string;
  datePublished: string;
  dateModified?: string | null;
  format?: string | null;
}

export interface OcdsEnquiryFacts {
  id: string;
  /** when it was asked */
  date: string;
  question: string;
  answer: string;
  dateAnswered: string;
}

export interface OcdsAwardFacts {
  id: string;
  status: OcdsAwardStatus;
  /** when the intention to award was published */
  date: string;
  suppliers: OcdsOrganisationFacts[];
  /** lifetime value */
  value: OcdsMoney;
}

export interface OcdsContractFacts {
  id: string;
  awardId: string;
  /** when the case was awarded */
  awardedAt: string;
  termMonths: number;
  value: OcdsMoney;
}

export interface OcdsProcessFacts {
  ocid: string;
  title: string;
  serviceName: string;
  description?: string | null;
  cpvCode?: string | null;
  buyer: OcdsOrganisationFacts;
  tenderStatus: OcdsTenderStatus;
  /** `competitive` publishes an open tender; a make decision a limited one with its rationale */
  route: 'competitive' | PsrMakeProcess;
  makeJustification?: string | null;
  /** estimated lifetime value of the procurement */
  estimatedValue: OcdsMoney;
  /** buy route, once published */
  tenderPeriod?: { startDate: string; endDate: string } | null;
  enquiryPeriod?: { startDate: string; endDate: string } | null;
  criteria?: { key: string; weight: number }[] | null;
  documents?: OcdsDocumentFacts[];
  enquiries?: OcdsEnquiryFacts[];
  /** only once tendering has closed */
  closed?: { at: string; bidsReceived: number; tenderers: OcdsOrganisationFacts[] } | null;
  awards?: OcdsAwardFacts[];
  contract?: OcdsContractFacts | null;
}

export interface OcdsReleaseInput {
  id: string;
  date: string;
  tag: OcdsReleaseTag[];
  facts: OcdsProcessFacts;
}

const PSR_PROCESS_NAMES: Record<'competitive' | PsrMakeProcess, string> = {
  competitive: 'Provider Selection Regime: competitive process',
  direct_award_c: 'Provider Selection Regime: direct award process C',
  most_suitable_provider: 'Provider Selection Regime: most suitable provider process',
};

const CRITERION_NAMES: Record<string, string> = {
  quality_innovation: 'Quality and innovation',
  value: 'Value',
  integration_collaboration_sustainability: 'Integration, collaboration and service sustainability',
  access_inequalities_choice: 'Improving access, reducing health inequalities and facilitating choice',
  social_value: 'Social value',
};

export function buildRelease({ id, date, tag, facts }: OcdsReleaseInput): JsonObject {
  const buyerRef = { id: facts.buyer.id, name: facts.buyer.name };
  const competitive = facts.route === 'competitive';
  const awards = facts.awards ?? [];

  const tender: JsonObject = {
    id: `${facts.ocid}-tender`,
    title: facts.title,
    status: facts.tenderStatus,
    procurementMethod: competitive ? 'open' : 'limited',
    procurementMethodDetails: PSR_PROCESS_NAMES[facts.route],
    mainProcurementCategory: 'services',
    value: money(facts.estimatedValue),
    procuringEntity: buyerRef,
    items: [item(facts)],
  };
  if (facts.description) tender.description = facts.description;
  if (!competitive) {
    tender.procurementMethodRationale = `${PSR_PROCESS_NAMES[facts.route]}. ${facts.makeJustification ?? ''}`.trim();
  }
  if (facts.tenderPeriod) tender.tenderPeriod = { ...facts.tenderPeriod };
  if (facts.enquiryPeriod) tender.enquiryPeriod = { ...facts.enquiryPeriod };
  if (competitive && facts.criteria?.length) {
    tender.awardCriteria = 'ratedCriteria';
    tender.awardCriteriaDetails = facts.criteria
      .map((c) => `${CRITERION_NAMES[c.key] ?? c.key}: ${c.weight}%`)
      .join('; ');
  }
  if (competitive) {
    tender.submissionMethod = ['electronicSubmission'];
    tender.hasEnquiries = (facts.enquiries?.length ?? 0) > 0;
  }
  if (facts.enquiries?.length) {
    tender.enquiries = facts.enquiries.map((e) => ({
      id: e.id,
      date: e.date,
      title: `Clarification question ${e.id}`,
      description: e.question,
      answer: e.answer,
      dateAnswered: e.dateAnswered,
    }));
  }
  if (facts.documents?.length) tender.documents = facts.documents.map(document);
  if (facts.closed) {
    tender.numberOfTenderers = facts.closed.tenderers.length;
    tender.tenderers = facts.closed.tenderers.map((t) => ({ id: t.id, name: t.name }));
  }

  const release: JsonObject = {
    ocid: facts.ocid,
    id,
    date,
    tag: [...tag],
    initiationType: 'tender',
    language: 'en',
    parties: parties(facts),
    buyer: buyerRef,
    tender,
  };
  if (facts.closed) {
    release.bids = {
      statistics: [{ id: 'bids', measure: 'bids', value: facts.closed.bidsReceived, date: facts.closed.at }],
    };
  }
  if (awards.length) {
    release.awards = awards.map((a) => ({
      id: a.id,
      title: `Award: ${facts.title}`,
      status: a.status,
      date: a.date,
      value: money(a.value),
      suppliers: a.suppliers.map((s) => ({ id: s.id, name: s.name })),
    }));
  }
  if (facts.contract) release.contracts = [contract(facts.title, facts.contract)];
  return release;
}

function item(facts: OcdsProcessFacts): JsonObject {
  const out: JsonObject = { id: '1', description: facts.serviceName };
  if (facts.cpvCode) out.classification = { scheme: 'CPV', id: facts.cpvCode };
  return out;
}

function document(d: OcdsDocumentFacts): JsonObject {
  const out: JsonObject = {
    id: d.id,
    documentType: d.documentType,
    title: d.title,
    url: d.url,
    datePublished: d.datePublished,
    language: 'en',
  };
  if (d.dateModified) out.dateModified = d.dateModified;
  if (d.format) out.format = d.format;
  return out;
}

function parties(facts: OcdsProcessFacts): JsonObject[] {
  const byId = new Map<string, { org: OcdsOrganisationFacts; roles: Set<string> }>();
  const add = (org: OcdsOrganisationFacts, role: string) => {
    const entry = byId.get(org.id) ?? { org, roles: new Set<string>() };
    entry.roles.add(role);
    byId.set(org.id, entry);
  };
  add(facts.buyer, 'buyer');
  add(facts.buyer, 'procuringEntity');
  for (const t of facts.closed?.tenderers ?? []) add(t, 'tenderer');
  for (const a of facts.awards ?? []) for (const s of a.suppliers) add(s, 'supplier');
  return [...byId.values()].map(({ org, roles }) => party(org, [...roles]));
}

function party(org: OcdsOrganisationFacts, roles: string[]): JsonObject {
  const out: JsonObject = { id: org.id, name: org.name, roles };
  if (org.companiesHouseNumber) {
    out.identifier = { scheme: 'GB-COH', id: org.companiesHouseNumber, legalName: org.name };
  }
  // NHS Organisation Data Service code (org-id.guide scheme GB-NHS)
  if (org.odsCode) out.additionalIdentifiers = [{ scheme: 'GB-NHS', id: org.odsCode, legalName: org.name }];
  if (org.address) {
    const address: JsonObject = {};
    for (const [k, v] of Object.entries(org.address)) if (typeof v === 'string' && v) address[k] = v;
    out.address = address;
  }
  return out;
}

const calendar = new WorkingDayCalendar();

function contract(title: string, c: OcdsContractFacts): JsonObject {
  // the contract runs from the day after the award (Europe/London) for its term
  const startDay = addCalendarDays(calendar.londonDate(new Date(c.awardedAt)), 1);
  const endDay = addCalendarMonths(startDay, c.termMonths);
  return {
    id: c.id,
    awardID: c.awardId,
    title: `Contract: ${title}`,
    status: 'active',
    period: {
      startDate: calendar.londonMidnight(startDay).toISOString(),
      endDate: calendar.londonMidnight(endDay).toISOString(),
    },
    value: money(c.value),
  };
}

/** `YYYY-MM-DD` plus whole months, clamped to the last day of the target month. */
export function addCalendarMonths(localDate: string, months: number): string {
  const [y, m, d] = localDate.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, lastDay))}`;
}

function money(m: OcdsMoney): JsonObject {
  return { amount: Math.round(m.amount * 100) / 100, currency: m.currency };
}

/** Lifetime value: an annual value over a term in months. */
export function lifetimeValue(annual: number, termMonths: number, currency: string): OcdsMoney {
  return { amount: Math.round((annual * termMonths * 100) / 12) / 100, currency };
}
