import { Injectable } from '@nestjs/common';
import { CriterionKey, weightedScore } from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { BidAction, BidEntity, BidResponses, BidStatus } from './tendering.entities';
import { BidsRepository } from './bids.repository';
import { Debrief, EvaluationService } from './evaluation.service';
import { BidOutcome, INTENTION_STATES, round2, TenderStatus } from './tender-status';
import type { RepresentationView } from './representations.service';
import { Money, money } from './bid-rules';
import { BidReceipt, BidReceipts } from './bid-receipts.service';
import { DocumentsService, documentView, DocumentView } from '@makebuy/documents';

export interface BidRevisionView {
  revision: number;
  action: BidAction;
  price: Money;
  at: string;
}

export interface BidView {
  id: string;
  caseId: string;
  providerId: string;
  providerName: string;
  status: BidStatus;
  price: Money;
  responses: BidResponses;
  revision: number;
  submittedAt: string;
  updatedAt: string;
  withdrawnAt: string | null;
  /** the bid's attachments, every version (sealed like the bid) */
  documents: DocumentView[];
  /** the bidder's own view only */
  revisions?: BidRevisionView[];
  /** the bidder's own view only: SHA-256 of the sealed bid as it stands (see BidReceipts) */
  receipt?: BidReceipt;
}

/** What a bidder is told once the intention to award is published. */
export interface AssessmentSummary {
  criteria: { key: CriterionKey; weight: number; score: number | null }[];
  /** this bid's weighted score (0..10) across the evaluators */
  weightedScore: number | null;
  /** the weighted score of the bid the case intends to award (or awarded) */
  winningWeightedScore: number | null;
}

export interface MyBidView extends BidView {
  tender: {
    caseId: string;
    ocid: string;
    title: string;
    serviceName: string;
    status: TenderStatus;
    closesAt: string | null;
  };
  caseState: string;
  outcome: BidOutcome;
  /** present from the intention to award (standstill) on */
  assessment: AssessmentSummary | null;
  /** from the intention to award on, for a live bid: the awardees, this bid's and the awardee's scores, its rank */
  debrief: Debrief | null;
  /** while the standstill runs: representations are accepted until this instant */
  standstillEndsAt: string | null;
  representations: RepresentationView[];
  /** once tendering closed: the receipt recorded when the bids were opened (BIDS_OPENED) */
  opened: { sha256: string; at: string } | null;
}

/** How a bid reads: to anyone who may see it, and to its bidder (with its revision trail). */
@Injectable()
export class BidViews {
  constructor(
    private readonly repo: BidsRepository,
    private readonly directory: DirectoryService,
    private readonly evaluation: EvaluationService,
    private readonly receipts: BidReceipts,
    private readonly documents: DocumentsService,
  ) {}

  async providerNames(ids: string[]): Promise<Map<string, string>> {
    return new Map((await this.directory.findProviders([...new Set(ids)])).map((p) => [p.id, p.name]));
  }

  async view(b: BidEntity, names: Map<string, string>): Promise<BidView> {
    return {
      id: b.id,
      caseId: b.caseId,
      providerId: b.providerId,
      providerName: names.get(b.providerId) ?? '',
      status: b.status,
      price: money(b.priceAmount),
      responses: b.responses,
      revision: b.revision,
      submittedAt: b.submittedAt.toISOString(),
      updatedAt: b.updatedAt.toISOString(),
      withdrawnAt: b.withdrawnAt ? b.withdrawnAt.toISOString() : null,
      documents: (await this.documents.ofBid(b.id)).map(documentView),
    };
  }

  /** The bidder's view: the bid with its revision trail. */
  async ownView(b: BidEntity, names?: Map<string, string>): Promise<BidView> {
    const revisions = await this.repo.revisionsOf(b.id);
    return {
      ...(await this.view(b, names ?? (await this.providerNames([b.providerId])))),
      receipt: await this.receipts.receiptOf(b),
      revisions: revisions.map((r) => ({
        revision: r.revision,
        action: r.action,
        price: money(r.priceAmount),
        at: r.at.toISOString(),
      })),
    };
  }

  /** What a bidder is told once the intention to award is published. */
  async assessment(row: CaseEntity, bid: BidEntity): Promise<AssessmentSummary | null> {
    if (!INTENTION_STATES.includes(row.state) || bid.status !== 'submitted') return null;
    const criteria = row.context.criteria ?? [];
    const sheets = await this.evaluation.countedSheets(row);
    const mine = sheets.filter((s) => s.bidId === bid.id);
    const winnerId = row.context.proposal?.bidId;
    const winner = winnerId ? sheets.filter((s) => s.bidId === winnerId) : [];
    const r = (x: number | null) => (x === null ? null : round2(x));
    return {
      criteria: criteria.map((c) => {
        const values = mine.map((s) => s.scores[c.key]).filter((v): v is number => typeof v === 'number');
        const score = values.length ? values.reduce((a, v) => a + v, 0) / values.length : null;
        return { key: c.key, weight: c.weight, score: score === null ? null : round2(score) };
      }),
      weightedScore: r(weightedScore(criteria, mine)),
      winningWeightedScore: r(weightedScore(criteria, winner)),
    };
  }
}
