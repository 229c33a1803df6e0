import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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

/** The previous release of the same ocid, as far as the next one builds on it. */
export interface PreviousRelease {
  seq: number;
  date: Date;
  release: JsonObject;
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

  async previous(tx: EntityManager, ocid: string): Promise<PreviousRelease | null> {
    const rows: { seq: number; date: Date; release: JsonObject }[] = await tx.query(
      `SELECT seq, date, release FROM ocds_releases WHERE ocid = $1 ORDER BY seq DESC LIMIT 1`,
      [ocid],
    );
    return rows[0] ?? null;
  }

  async facts(tx: EntityManager, caseId: string, previous: PreviousRelease | null): Promise<OcdsProcessFacts> {
    const [row]: CaseRow[] = await tx.query(
      `SELECT c.id, c.ocid, c.title, c.service_name, c.consortium_id, k.name AS consortium_name,
              c.estimated_annual_value, c.currency, c.term_months, c.description, c.cpv_code,
              c.track, c.state, c.context
         FROM cases c JOIN consortia k ON k.id = c.consortium_id WHERE c.id = $1`,
      [caseId],
    );
    if (!row) throw new Error(`case ${caseId} not found while publishing its OCDS release`);
    const ctx = row.context;
    const currency = row.currency;
    const annual = Number(row.estimated_annual_value);
    const route = ctx.route ?? 'competitive';
    const proposal = ctx.proposal;

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
      facts.enquiries = await this.enquiries(tx, caseId);
      facts.documents = await this.documents(tx, caseId, startDate);
      if (this.closed(row, previous)) facts.closed = await this.closedFacts(tx, caseId, ctx);
    }

    facts.awards = await this.awards(tx, row, previous, currency);
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
    return row.state === 'cancelled' && previous?.release.bids !== undefined;
  }

  private async closedFacts(tx: EntityManager, caseId: string, ctx: CaseContext) {
    const bids: { provider_id: string }[] = await tx.query(
      `SELECT provider_id FROM bids WHERE case_id = $1 AND status <> 'withdrawn' ORDER BY submitted_at, id`,
      [caseId],
    );
    const ids = [...new Set(bids.map((b) => b.provider_id))];
    const orgs = await this.organisations(tx, ids);
    const tenderers = ids.map((id) => orgs.get(id) ?? { id, name: id });
    return { at: ctx.tenderClosesAt!, bidsReceived: bids.length, tenderers };
  }

  private async enquiries(tx: EntityManager, caseId: string) {
    const rows: { id: string; text: string; asked_at: Date; answer: string; answered_at: Date }[] = await tx.query(
      `SELECT id, text, asked_at, answer, answered_at FROM questions
        WHERE case_id = $1 AND answer IS NOT NULL ORDER BY answered_at, id`,
      [caseId],
    );
    return rows.map((q) => ({
      id: q.id,
      date: q.asked_at.toISOString(),
      question: q.text,
      answer: q.answer,
      dateAnswered: q.answered_at.toISOString(),
    }));
  }

  /**
   * The tender's documents once published (anyone may read them then): one per lineage, its latest
   * version, fetched from its public URL. Bid documents are sealed and never read here.
   */
  private async documents(tx: EntityManager, caseId: string, publishedAt: string): Promise<OcdsDocumentFacts[]> {
    const rows: {
      lineage_id: string;
      id: string;
      title: string;
      document_type: string;
      media_type: string;
      first_at: Date;
      uploaded_at: Date;
    }[] = await tx.query(
      `SELECT DISTINCT ON (d.lineage_id) d.lineage_id, d.id, d.title, d.document_type, d.media_type, d.uploaded_at,
              (SELECT min(f.uploaded_at) FROM documents f WHERE f.lineage_id = d.lineage_id) AS first_at
         FROM documents d
        WHERE d.case_id = $1 AND d.bid_id IS NULL
        ORDER BY d.lineage_id, d.version DESC`,
      [caseId],
    );
    const base = this.config.publicBaseUrl;
    return rows
      .sort((a, b) => a.first_at.getTime() - b.first_at.getTime() || a.lineage_id.localeCompare(b.lineage_id))
      .map((d) => {
        // public from the tender's publication: a document uploaded in draft was published then
        const datePublished = maxIso(publishedAt, d.first_at.toISOString());
        const modified = d.uploaded_at.toISOString();
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
  private async awards(
    tx: EntityManager,
    row: CaseRow,
    previous: PreviousRelease | null,
    currency: string,
  ): Promise<OcdsAwardFacts[]> {
    const ctx = row.context;
    const earlier = ((previous?.release.awards ?? []) as JsonObject[]).map((a) => ({
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
      const value = await this.awardValue(tx, row, currency);
      byId.set(id, {
        id,
        status: row.state === 'awarded' ? 'active' : 'pending',
        date: ctx.intentionPublishedAt!,
        value,
        supplierIds: [...proposal.providerIds],
      });
    }
    const currentId = standing ? awardId(row.ocid, proposal.seq) : null;
    const ids = [...new Set([...byId.values()].flatMap((a) => a.supplierIds))];
    const orgs = await this.organisations(tx, ids);
    return [...byId.values()].map((a) => ({
      id: a.id,
      status: a.id !== currentId && a.status === 'pending' ? 'cancelled' : a.status,
      date: a.date,
      value: a.value,
      suppliers: a.supplierIds.map((id) => orgs.get(id) ?? { id, name: id }),
    }));
  }

  /** Lifetime value: the awarded bid's annual price (buy) or the estimated annual value (make), over the term. */
  private async awardValue(tx: EntityManager, row: CaseRow, currency: string) {
    const proposal = row.context.proposal!;
    let annual = Number(row.estimated_annual_value);
    if (proposal.kind === 'buy' && proposal.bidId) {
      const [bid]: { price_amount: string }[] = await tx.query(
        `SELECT price_amount FROM bids WHERE id = $1 AND case_id = $2`,
        [proposal.bidId, row.id],
      );
      if (bid) annual = Number(bid.price_amount);
    }
    return lifetimeValue(annual, row.term_months, currency);
  }

  private async organisations(tx: EntityManager, ids: string[]): Promise<Map<string, OcdsOrganisationFacts>> {
    if (!ids.length) return new Map();
    const rows: {
      id: string;
      name: string;
      address: OcdsOrganisationFacts['address'];
      ods_code: string | null;
      companies_house_number: string | null;
    }[] = await tx.query(
      `SELECT id, name, address, ods_code, companies_house_number FROM providers WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          name: r.name,
          address: r.address,
          odsCode: r.ods_code,
          companiesHouseNumber: r.companies_house_number,
        },
      ]),
    );
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
