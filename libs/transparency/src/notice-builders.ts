/**
 * The four notices, as pure functions of the case's records: structured `content` (what the
 * contract lists) and `text` (what a person reads: Europe/London times, names, amounts in pounds).
 * Both pass through the privacy rule (public-fields.ts) before anything is stored.
 */
import { PUBLIC_NOTICE_TYPES, type CriterionKey, type PublicNoticeType } from '@makebuy/domain';
import {
  AwardFacts,
  CancellationFacts,
  ConflictEntry,
  DecisionMaker,
  IntentionFacts,
  lifetimeValue,
  PublicProvider,
  TenderFacts,
} from './procurement-facts';
import { NOTICE_CONTENT, toPublic } from './public-fields';

export const NOTICE_TYPES = PUBLIC_NOTICE_TYPES;
export type NoticeType = PublicNoticeType;

export interface BuiltNotice {
  type: NoticeType;
  content: Record<string, unknown>;
  text: string;
}

const LONDON = 'Europe/London';
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

/** An instant as a person in England reads it: "Tuesday 1 December 2026 at 09:48 GMT". */
export function londonTime(iso: string): string {
  const parts = Object.fromEntries(timeFormat.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}
/** A calendar date (YYYY-MM-DD) as "1 December 2026". */
export const longDate = (date: string): string => dateFormat.format(new Date(`${date}T00:00:00Z`));
export const inPounds = (amount: number): string => pounds.format(amount);

const CRITERION_NAMES: Record<CriterionKey, string> = {
  quality_innovation: 'Quality and innovation',
  value: 'Value',
  integration_collaboration_sustainability: 'Integration, collaboration and service sustainability',
  access_inequalities_choice: 'Improving access, reducing health inequalities and facilitating choice',
  social_value: 'Social value',
};
export const criterionName = (key: string): string => CRITERION_NAMES[key as CriterionKey] ?? key;

const ROUTE_NAMES: Record<string, string> = {
  competitive: 'the competitive process',
  direct_award_c: 'direct award process C',
  most_suitable_provider: 'the most suitable provider process',
};
export const routeName = (route: string): string => ROUTE_NAMES[route] ?? route;

const MITIGATION_NAMES: Record<string, string> = {
  none: 'no restriction needed',
  exclude_from_decision: 'excluded from the decision',
  exclude_from_evaluation: 'excluded from the evaluation',
  exclude_entirely: 'excluded from the decision and the evaluation',
};

/** The calendar date (YYYY-MM-DD, Europe/London) of an instant. */
export function londonDateOf(iso: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}
const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const addMonths = (date: string, months: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
};
/** The contract runs from the day after the award for `termMonths`. */
export function contractPeriod(awardedAt: string, termMonths: number): { startDate: string; endDate: string } {
  const startDate = addDays(londonDateOf(awardedAt), 1);
  return { startDate, endDate: addDays(addMonths(startDate, termMonths), -1) };
}

const providerLine = (p: PublicProvider): string => {
  const bits = [p.name];
  if (p.address)
    bits.push(
      [p.address.streetAddress, p.address.locality, p.address.region, p.address.postalCode, p.address.countryName]
        .filter(Boolean)
        .join(', '),
    );
  if (p.odsCode) bits.push(`ODS code ${p.odsCode}`);
  if (p.companiesHouseNumber) bits.push(`Companies House number ${p.companiesHouseNumber}`);
  return bits.join('; ');
};
const decisionMakerLine = (d: DecisionMaker): string => `${d.name} (${d.role}): ${d.decisions.join(', ')}`;
const conflictLine = (c: ConflictEntry): string => {
  const managed = c.mitigation ? (MITIGATION_NAMES[c.mitigation] ?? c.mitigation) : 'not reviewed';
  const by = c.reviewedBy ? `, reviewed by ${c.reviewedBy}` : '';
  switch (c.kind) {
    case 'nil_return':
      return `${c.person}: declared no interest (nil return); ${managed}${by}`;
    case 'no_declaration':
      return `${c.person}: made no declaration`;
    case 'declared_interest':
      return `${c.person}: declared ${c.interest ?? 'an interest'}${c.organisation ? ` (${c.organisation})` : ''}; ${managed}${by}`;
    case 'detected_conflict':
      return `${c.person}: ${c.interest ?? 'a link'}${c.organisation ? ` with ${c.organisation}` : ''} (detected); ${managed}${by}`;
  }
};

const publicContent = (type: NoticeType, content: Record<string, unknown>) =>
  toPublic<Record<string, unknown>>(NOTICE_CONTENT[type], content, `${type}.content`);

const base = (f: { title: string; ocid: string }) => ({ title: f.title, reference: f.ocid });

export function buildTenderNotice(f: TenderFacts, correction = false): BuiltNotice {
  const content = publicContent('tender_notice', {
    ...base(f),
    buyer: f.consortium.name,
    serviceName: f.serviceName,
    serviceDescription: f.serviceDescription,
    cpvCode: f.cpvCode,
    estimatedAnnualValue: { amount: f.estimatedAnnualValue, currency: 'GBP' },
    termMonths: f.termMonths,
    lifetimeValue: lifetimeValue(f.estimatedAnnualValue, f.termMonths),
    criteria: f.criteria.map((c) => ({ key: c.key, weight: c.weight })),
    tenderPeriod: { startDate: f.tenderPublishedAt, endDate: f.tenderClosesAt },
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
    bidsTo: `/api/v1/tenders/${f.caseId}/bids`,
    questionsTo: `/api/v1/tenders/${f.caseId}/questions`,
  });
  const lines = [
    correction ? `Tender notice (correction): ${f.title}` : `Tender notice: ${f.title}`,
    `Reference: ${f.ocid}`,
    `Buyer: ${f.consortium.name}`,
    `Service: ${f.serviceName}${f.cpvCode ? ` (CPV ${f.cpvCode})` : ''}`,
    ...(f.serviceDescription ? [`Description: ${f.serviceDescription}`] : []),
    `Estimated value: ${inPounds(f.estimatedAnnualValue)} a year for ${f.termMonths} months (about ${inPounds(
      lifetimeValue(f.estimatedAnnualValue, f.termMonths).amount,
    )} in total)`,
    `Published: ${londonTime(f.tenderPublishedAt)}`,
    f.tenderClosesAt ? `Bids close: ${londonTime(f.tenderClosesAt)}` : 'Bids close: to be announced',
    ...(f.reason ? [`Why the closing time changed: ${f.reason}`] : []),
    `Award criteria: ${f.criteria.map((c) => `${criterionName(c.key)} ${c.weight}%`).join('; ')}`,
    `Bid through the provider portal (POST /api/v1/tenders/${f.caseId}/bids); ask clarification questions there too.`,
  ];
  return { type: 'tender_notice', content, text: lines.join('\n') };
}

export function buildIntentionNotice(f: IntentionFacts, correction = false): BuiltNotice {
  const value = lifetimeValue(f.annualValue, f.termMonths);
  const content = publicContent('intention_to_award', {
    ...base(f),
    awardees: f.awardees,
    serviceDescription: f.serviceDescription ?? f.serviceName,
    cpvCode: f.cpvCode,
    lifetimeValue: value,
    decisionMakers: f.decisionMakers,
    reasons: {
      justification: f.justification,
      routeRationale: f.routeRationale,
      ...(f.scoredCriteria ? { criteria: f.scoredCriteria } : {}),
      ...(f.awardeeWeightedScore !== undefined ? { awardeeWeightedScore: f.awardeeWeightedScore } : {}),
    },
    conflicts: f.conflicts,
    route: f.route,
    standstillEndsAt: f.standstillEndsAt,
    ...(f.standstillPaused ? { standstillPaused: true } : {}),
    representationsTo: { route: `/api/v1/cases/${f.caseId}/representations`, consortium: f.consortium.name },
  });
  const standstill = f.standstillPaused
    ? 'The standstill is paused while a representation is considered; a correction will give its new end.'
    : f.standstillEndsAt
      ? `The standstill ends at ${londonTime(f.standstillEndsAt)}.`
      : 'The standstill has ended.';
  const lines = [
    correction ? `Intention to award (correction): ${f.title}` : `Intention to award: ${f.title}`,
    `Reference: ${f.ocid}`,
    `${f.consortium.name} intends to award this contract under ${routeName(f.route)} of the Provider Selection Regime to:`,
    ...f.awardees.map((a) => `  - ${providerLine(a)}`),
    `Service: ${f.serviceDescription ?? f.serviceName}${f.cpvCode ? ` (CPV ${f.cpvCode})` : ''}`,
    `Approximate lifetime value: ${inPounds(value.amount)} (${inPounds(f.annualValue)} a year for ${f.termMonths} months)`,
    'Decided by:',
    ...f.decisionMakers.map((d) => `  - ${decisionMakerLine(d)}`),
    `Reasons: ${f.justification}`,
    ...(f.routeRationale ? [`Why this route: ${f.routeRationale}`] : []),
    ...(f.scoredCriteria
      ? [
          'Key criteria (weight, the awardee’s weighted score):',
          ...f.scoredCriteria.map(
            (c) =>
              `  - ${criterionName(c.key)}: ${c.weight}%, ${c.awardeeWeightedScore === null ? 'not scored' : c.awardeeWeightedScore}`,
          ),
          ...(f.awardeeWeightedScore !== undefined && f.awardeeWeightedScore !== null
            ? [`  Weighted total: ${f.awardeeWeightedScore} out of 10`]
            : []),
        ]
      : []),
    'Conflicts of interest and how they were managed:',
    ...(f.conflicts.length ? f.conflicts.map((c) => `  - ${conflictLine(c)}`) : ['  - none recorded']),
    standstill,
    `Representations: in writing to ${f.consortium.name} through POST /api/v1/cases/${f.caseId}/representations before the standstill ends.`,
  ];
  return { type: 'intention_to_award', content, text: lines.join('\n') };
}

export function buildAwardConfirmation(f: AwardFacts): BuiltNotice {
  const value = lifetimeValue(f.annualValue, f.termMonths);
  const period = contractPeriod(f.awardedAt, f.termMonths);
  const content = publicContent('award_confirmation', {
    ...base(f),
    awardees: f.awardees,
    route: f.route,
    lifetimeValue: value,
    awardedAt: f.awardedAt,
    contractPeriod: period,
    intentionNoticeId: f.intentionNoticeId,
  });
  const lines = [
    `Contract awarded: ${f.title}`,
    `Reference: ${f.ocid}`,
    `${f.consortium.name} awarded this contract under ${routeName(f.route)} on ${londonTime(f.awardedAt)} to:`,
    ...f.awardees.map((a) => `  - ${providerLine(a)}`),
    `Value: ${inPounds(value.amount)} over ${f.termMonths} months (${inPounds(f.annualValue)} a year)`,
    `Contract period: ${longDate(period.startDate)} to ${longDate(period.endDate)}`,
  ];
  return { type: 'award_confirmation', content, text: lines.join('\n') };
}

const REASON_NAMES: Record<string, string> = {
  no_longer_needed: 'the service is no longer needed',
  legal_breach: 'continuing would breach the law',
  force_majeure: 'force majeure',
  budget: 'budget',
  other: 'other reasons',
};

export function buildCancellation(f: CancellationFacts): BuiltNotice {
  const content = publicContent('cancellation', {
    ...base(f),
    reasonCode: f.reasonCode,
    note: f.note,
    cancelledAt: f.cancelledAt,
    stage: f.stage,
  });
  const lines = [
    `Procurement cancelled: ${f.title}`,
    `Reference: ${f.ocid}`,
    `${f.consortium.name} cancelled this procurement on ${londonTime(f.cancelledAt)} (at the ${f.stage.replace(/_/g, ' ')} stage).`,
    `Reason: ${REASON_NAMES[f.reasonCode] ?? f.reasonCode}${f.note ? `. ${f.note}` : ''}`,
    'No contract will be awarded under this procurement.',
  ];
  return { type: 'cancellation', content, text: lines.join('\n') };
}
