import { Injectable } from '@nestjs/common';
import { Clock } from '@makebuy/settings';
import type { Criterion } from '@makebuy/domain';
import { CaseCaller, CaseEntity, CaseQueries } from '@makebuy/cases';
import { Page } from '@makebuy/database';
import { TenderAccess } from './tender-access.service';
import { ClarificationsService, QuestionView } from './clarifications.service';
import { BidQueries } from './bid-queries.service';
import type { BidView } from './bid-views';
import { statesOfTenderStatus, TenderStatus, tenderStatusOf } from './tender-status';
import { TenderDocumentsService } from './tender-documents.service';
import type { DocumentView } from '@makebuy/documents';

/** A published tender as any signed-in person sees it. Nothing here says who bid or how many. */
export interface TenderView {
  caseId: string;
  ocid: string;
  title: string;
  serviceName: string;
  /** what is being bought */
  description: string | null;
  cpvCode: string | null;
  estimatedAnnualValue: { amount: number; currency: string };
  termMonths: number;
  /** the current version of each tender document (GET /cases/{id}/documents lists every version) */
  documents: DocumentView[];
  criteria: Criterion[];
  tenderPeriod: { startDate: string; endDate: string | null };
  /** questions are accepted until this instant */
  clarificationDeadline: string | null;
  status: TenderStatus;
  /** bids may be submitted, revised or withdrawn now */
  acceptingBids: boolean;
  questions: QuestionView[];
  /** the caller's organisation's current bid (providers only), else null */
  myBid: BidView | null;
}

/** The provider portal's read side: open and past tenders. */
@Injectable()
export class TendersService {
  constructor(
    private readonly cases: CaseQueries,
    private readonly access: TenderAccess,
    private readonly clarifications: ClarificationsService,
    private readonly bids: BidQueries,
    private readonly documents: TenderDocumentsService,
    private readonly clock: Clock,
  ) {}

  async list(
    caller: CaseCaller,
    q: { status?: TenderStatus; limit: number; cursor?: string },
  ): Promise<Page<TenderView>> {
    const page = await this.cases.published({
      states: q.status ? statesOfTenderStatus(q.status) : undefined,
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: await this.views(caller, page.items), nextCursor: page.nextCursor };
  }

  /** The case of a published tender, else NOT_FOUND (for guards: 404 comes before 403). */
  requirePublished(caseId: string): Promise<CaseEntity> {
    return this.access.publishedTender(caseId);
  }

  async get(caller: CaseCaller, caseId: string): Promise<TenderView> {
    return (await this.views(caller, [await this.access.publishedTender(caseId)]))[0];
  }

  /**
   * Tender views of published cases, in their order: the documents, questions and (for a provider)
   * bids of the whole page read together, a statement each, not a statement each per tender
   * (a page of 50 was about 150 statements and 70-110 ms at 5,000 open tenders).
   */
  async views(caller: CaseCaller, rows: CaseEntity[]): Promise<TenderView[]> {
    if (!rows.length) return [];
    const now = this.clock.now().getTime();
    const providerId = this.access.isProviderUser(caller) ? caller.providerId : null;
    const documents = await this.documents.currentOfCases(rows);
    const questions = await this.clarifications.visibleOnTenders(caller, rows);
    const bids = providerId
      ? await this.bids.currentBidsOf(
          rows.map((r) => r.id),
          providerId,
        )
      : new Map<string, BidView>();
    return rows.map((row) => {
      const ctx = row.context;
      const clarificationDeadline = this.clarifications.clarificationDeadline(row);
      return {
        caseId: row.id,
        ocid: row.ocid,
        title: row.title,
        serviceName: row.serviceName,
        description: row.description,
        cpvCode: row.cpvCode,
        estimatedAnnualValue: { amount: row.estimatedAnnualValue, currency: row.currency },
        termMonths: row.termMonths,
        documents: documents.get(row.id) ?? [],
        criteria: ctx.criteria ?? [],
        tenderPeriod: { startDate: ctx.tenderPublishedAt!, endDate: ctx.tenderClosesAt },
        clarificationDeadline: clarificationDeadline?.toISOString() ?? null,
        status: tenderStatusOf(row.state),
        acceptingBids:
          row.state === 'tendering' && !!ctx.tenderClosesAt && now < new Date(ctx.tenderClosesAt).getTime(),
        questions: questions.get(row.id) ?? [],
        myBid: bids.get(row.id) ?? null,
      };
    });
  }
}
