import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { preparedQuery } from '@makebuy/queue';
import {
  lifetimeValue,
  type CaseContext,
  type CaseState,
  type JsonObject,
  type OcdsAwardFacts,
  type OcdsDocumentFacts,
  type OcdsOrganisationFacts,
  type OcdsProcessFacts,
  type OcdsTenderStatus,
} from '@makebuy/domain';
import { CaseTimePolicy } from '@makebuy/cases';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';

/** States reached only once tendering closed (bids opened, or too few). */
const AFTER_CLOSE: readonly CaseState[] = [
  'evaluation',
  'award_checks',
  'governance_review',
  'standstill',
  'awarded',
  'unsuccessful',
];

interface CaseRow {
  id: string;
  ocid: string;
  title: string;
  service_name: string;
  consortium_id: string;
  consortium_name: string;
  estimated_annual_value: string;
  currency: string;
  term_months: number;
  description: string | null;
  cpv_code: string | null;
  track: 'fast' | 'standard';
  state: CaseState;
  context: CaseContext;
}

/**
 * The previous release of the same ocid, as far as the next one builds on it: its number and
 * date, its awards, and whether it spoke of bids (not the whole release: a batch of closes reads
 * fifty at once).
 */
export interface PreviousRelease {
  seq: number;
  date: Date;
  awards: JsonObject[] | null;
  hadBids: boolean;
}

/** An instant as `Date.toISOString` writes a timestamptz read by node-postgres (milliseconds, truncated). */
const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface ReleaseReadRow extends CaseRow {
  prev_seq: number | null;
  prev_date: Date | null;
  prev_awards: JsonObject[] | null;
  prev_had_bids: boolean | null;
  /** the providers of the bids received, oldest bid first; empty until tendering closed */
  bid_provider_ids: string[];
  /** the annual price of the proposal's bid (buy) */
  proposal_price: string | null;
  enquiries: { id: string; text: string; askedAt: string; answer: string; answeredAt: string }[];
  documents: {
    lineage_id: string;
    id: string;
    title: string;
    document_type: string;
    media_type: string;
    first_at: string;
    uploaded_at: string;
  }[];
  organisations: {
    id: string;
    name: string;
    address: OcdsOrganisationFacts['address'];
    odsCode: string | null;
    companiesHouseNumber: string | null;
  }[];
}

/**
 * Everything the next release of a case builds on, in one statement: the case with its consortium,
 * the previous release of its ocid, the answered questions, the tender's documents (latest version
 * per lineage), the bids received (only once tendering closed: a cancelled case, once a release
 * said so), the proposal's bid price, and the organisations any of them name. It runs in the
 * transaction of the change (a tender close of a deadline storm among them), where it replaced
 * seven reads.
 */
const RELEASE_READ = `
  WITH c AS (
    SELECT c.id, c.ocid, c.title, c.service_name, c.consortium_id, k.name AS consortium_name,
           c.estimated_annual_value, c.currency, c.term_months, c.description, c.cpv_code,
           c.track, c.state, c.context
      FROM cases c JOIN consortia k ON k.id = c.consortium_id WHERE c.id = ANY($1::uuid[]))
  SELECT c.*, prev.seq AS prev_seq, prev.date AS prev_date, prev.release->'awards' AS prev_awards,
    prev.release ? 'bids' AS prev_had_bids,
    opened.ids AS bid_provider_ids,
    (SELECT b.price_amount FROM bids b
      WHERE b.case_id = c.id AND b.id::text = c.context->'proposal'->>'bidId') AS proposal_price,
    (SELECT coalesce(json_agg(json_build_object('id', q.id, 'text', q.text, 'askedAt', ${iso('q.asked_at')},
              'answer', q.answer, 'answeredAt', ${iso('q.answered_at')}) ORDER BY q.answered_at, q.id), '[]')
       FROM questions q WHERE q.case_id = c.id AND q.answer IS NOT NULL) AS enquiries,
    (SELECT coalesce(json_agg(json_build_object('lineage_id', d.lineage_id, 'id', d.id, 'title', d.title,
              'document_type', d.document_type, 'media_type', d.media_type,
              'first_at', ${iso('d.first_at')}, 'uploaded_at', ${iso('d.uploaded_at')})), '[]')
       FROM (SELECT DISTINCT ON (d.lineage_id) d.lineage_id, d.id, d.title, d.document_type, d.media_type,
                    d.uploaded_at, (SELECT min(f.uploaded_at) FROM documents f WHERE f.lineage_id = d.lineage_id) AS first_at
               FROM documents d WHERE d.case_id = c.id AND d.bid_id IS NULL
              ORDER BY d.lineage_id, d.version DESC) d) AS documents,
    (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'address', p.address,
              'odsCode', p.ods_code, 'companiesHouseNumber', p.companies_house_number)), '[]')
       FROM providers p
      WHERE p.id = ANY(ARRAY(
        SELECT unnest(opened.ids)
        UNION SELECT x::uuid FROM (
          SELECT jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(c.context->'proposal'->'providerIds') = 'array'
                 THEN c.context->'proposal'->'providerIds' ELSE '[]'::jsonb END) AS x
          UNION SELECT s->>'id'
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(prev.release->'awards') = 'array'
                                           THEN prev.release->'awards' ELSE '[]'::jsonb END) a,
                 jsonb_array_elements(CASE WHEN jsonb_typeof(a->'suppliers') = 'array'
                                           THEN a->'suppliers' ELSE '[]'::jsonb END) s) ids
         -- provider ids only (an id that is no uuid names no provider)
         WHERE x ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'))) AS organisations
    FROM c
    LEFT JOIN LATERAL (SELECT r.seq, r.date, r.release FROM ocds_releases r
                        WHERE r.ocid = c.ocid ORDER BY r.seq DESC LIMIT 1) prev ON true
    -- the bids received, once tendering closed (a cancelled case: once a release said so)
    CROSS JOIN LATERAL (SELECT ARRAY(
      SELECT b.provider_id FROM bids b
       WHERE b.case_id = c.id AND b.status <> 'withdrawn'
         AND (c.state = ANY($2::text[]) OR (c.state = 'cancelled' AND prev.release ? 'bids'))
       ORDER BY b.submitted_at, b.id) AS ids) opened`;

/** What the next release of a case is built from. */
export interface ReleaseInputs {
  ocid: string;
  previous: PreviousRelease | null;
  /** the facts, built only when asked for (a cancellation before any release publishes nothing) */
  facts: () => OcdsProcessFacts;
}

/**
 * Reads what a release publishes about a case, only through the transaction it is given (the one
 * of the change being published, under the case lock). What is sealed is never read before close.
 */
@Injectable()
export class OcdsFactsReader {
  constructor(
    private readonly time: CaseTimePolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The case's previous release and the facts of its next one, read in one statement. */
  async read(tx: EntityManager, caseId: string): Promise<ReleaseInputs> {
    return (await this.readMany(tx, [caseId])).get(caseId)!;
  }

  /** The same for several cases in one statement (a batch of closes publishing theirs together). */
  async readMany(tx: EntityManager, caseIds: string[]): Promise<Map<string, ReleaseInputs>> {
    const rows = await preparedQuery<ReleaseReadRow>(tx, 'ocds-release-read', RELEASE_READ, [caseIds, AFTER_CLOSE]);
    const out = new Map<string, ReleaseInputs>();
    for (const row of rows) {
      const previous: PreviousRelease | null =
        row.prev_seq === null
          ? null
          : { seq: row.prev_seq, date: row.prev_date!, awards: row.prev_awards, hadBids: !!row.prev_had_bids };
      out.set(row.id, { ocid: row.ocid, previous, facts: () => this.facts(row, previous) });
    }
    for (const id of caseIds)
      if (!out.has(id)) throw new Error(`case ${id} not found while publishing its OCDS release`);
    return out;
  }

  private facts(row: ReleaseReadRow, previous: PreviousRelease | null): OcdsProcessFacts {
    const ctx = row.context;
    const currency = row.currency;
    const annual = Number(row.estimated_annual_value);
    const route = ctx.route ?? 'competitive';
    const proposal = ctx.proposal;
    const orgs = new Map<string, OcdsOrganisationFacts>(row.organisations.map((o) => [o.id, { ...o }]));

    const facts: OcdsProcessFacts = {
      ocid: row.ocid,
      title: row.title,
      serviceName: row.service_name,
      description: row.description,
      cpvCode: row.cpv_code,
      buyer: { id: row.consortium_id, name: row.consortium_name },
      tenderStatus: tenderStatusOf(row.state),
      route,
      makeJustification: route !== 'competitive' ? (proposal?.justification ?? null) : null,
      estimatedValue: lifetimeValue(annual, row.term_months, currency),
      criteria: ctx.criteria,
    };

    if (route === 'competitive' && ctx.tenderPublishedAt && ctx.tenderClosesAt) {
      const startDate = ctx.tenderPublishedAt;
      const endDate = ctx.tenderClosesAt;
      facts.tenderPeriod = { startDate, endDate };
      const cutoff = this.time.clarificationCutoff(row, new Date(endDate));
      facts.enquiryPeriod = { startDate, endDate: maxIso(startDate, cutoff.toISOString()) };
      facts.enquiries = row.enquiries.map((q) => ({
        id: q.id,
        date: q.askedAt,
        question: q.text,
        answer: q.answer,
        dateAnswered: q.answeredAt,
      }));
      facts.documents = this.documents(row.documents, startDate);
      if (this.closed(row, previous)) {
        const ids = [...new Set(row.bid_provider_ids)];
        facts.closed = {
          at: ctx.tenderClosesAt,
          bidsReceived: row.bid_provider_ids.length,
          tenderers: ids.map((id) => orgs.get(id) ?? { id, name: id }),
        };
      }
    }

    facts.awards = this.awards(row, previous, currency, orgs);
    const current = proposal ? facts.awards.find((a) => a.id === awardId(row.ocid, proposal.seq)) : undefined;
    if (row.state === 'awarded' && current && ctx.awardedAt) {
      facts.contract = {
        id: `${row.ocid}-contract-${proposal!.seq}`,
        awardId: current.id,
        awardedAt: ctx.awardedAt,
        termMonths: row.term_months,
        value: current.value,
      };
    }
    return facts;
  }

  /** Bids are opened at close; a cancelled case counts as closed only if a release already said so. */
  private closed(row: CaseRow, previous: PreviousRelease | null): boolean {
    if (AFTER_CLOSE.includes(row.state)) return true;
    return row.state === 'cancelled' && !!previous?.hadBids;
  }

  /**
   * The tender's documents once published (anyone may read them then): one per lineage, its latest
   * version, fetched from its public URL. Bid documents are sealed and never read here.
   */
  private documents(rows: ReleaseReadRow['documents'], publishedAt: string): OcdsDocumentFacts[] {
    const base = this.config.publicBaseUrl;
    return [...rows]
      .sort((a, b) => Date.parse(a.first_at) - Date.parse(b.first_at) || a.lineage_id.localeCompare(b.lineage_id))
      .map((d) => {
        // public from the tender's publication: a document uploaded in draft was published then
        const datePublished = maxIso(publishedAt, d.first_at);
        const modified = d.uploaded_at;
        return {
          id: d.lineage_id,
          title: d.title,
          documentType: d.document_type,
          url: `${base}/api/v1/documents/${d.id}/content`,
          datePublished,
          dateModified: Date.parse(modified) > Date.parse(datePublished) ? modified : null,
          format: d.media_type,
        };
      });
  }

  /**
   * Every award ever published for the case (from the previous release), each with its status now:
   * the current proposal's award is pending in standstill and active once awarded; every other
   * award that was pending has been set aside (upheld representation, cancellation).
   */
  private awards(
    row: ReleaseReadRow,
    previous: PreviousRelease | null,
    currency: string,
    orgs: Map<string, OcdsOrganisationFacts>,
  ): OcdsAwardFacts[] {
    const ctx = row.context;
    const earlier = (Array.isArray(previous?.awards) ? previous.awards : []).map((a) => ({
      id: String(a.id),
      status: a.status as OcdsAwardFacts['status'],
      date: String(a.date),
      value: a.value as unknown as OcdsAwardFacts['value'],
      supplierIds: ((a.suppliers ?? []) as JsonObject[]).map((s) => String(s.id)),
    }));
    const byId = new Map(earlier.map((a) => [a.id, a]));
    const proposal = ctx.proposal;
    const standing = (row.state === 'standstill' || row.state === 'awarded') && proposal && ctx.intentionPublishedAt;
    if (standing) {
      const id = awardId(row.ocid, proposal.seq);
      byId.set(id, {
        id,
        status: row.state === 'awarded' ? 'active' : 'pending',
        date: ctx.intentionPublishedAt!,
        value: this.awardValue(row, currency),
        supplierIds: [...proposal.providerIds],
      });
    }
    const currentId = standing ? awardId(row.ocid, proposal.seq) : null;
    return [...byId.values()].map((a) => ({
      id: a.id,
      status: a.id !== currentId && a.status === 'pending' ? 'cancelled' : a.status,
      date: a.date,
      value: a.value,
      suppliers: a.supplierIds.map((id) => orgs.get(id) ?? { id, name: id }),
    }));
  }

  /** Lifetime value: the awarded bid's annual price (buy) or the estimated annual value (make), over the term. */
  private awardValue(row: ReleaseReadRow, currency: string) {
    const proposal = row.context.proposal!;
    let annual = Number(row.estimated_annual_value);
    if (proposal.kind === 'buy' && proposal.bidId && row.proposal_price !== null) annual = Number(row.proposal_price);
    return lifetimeValue(annual, row.term_months, currency);
  }
}

export const awardId = (ocid: string, proposalSeq: number) => `${ocid}-award-${proposalSeq}`;

function tenderStatusOf(state: CaseState): OcdsTenderStatus {
  if (state === 'awarded') return 'complete';
  if (state === 'cancelled') return 'cancelled';
  if (state === 'unsuccessful') return 'unsuccessful';
  return 'active';
}

const maxIso = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
