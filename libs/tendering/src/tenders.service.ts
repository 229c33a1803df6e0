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
    return { items: await Promise.all(page.items.map((r) => this.view(caller, r))), nextCursor: page.nextCursor };
  }

  /** The case of a published tender, else NOT_FOUND (for guards: 404 comes before 403). */
  requirePublished(caseId: string): Promise<CaseEntity> {
    return this.access.publishedTender(caseId);
  }

  async get(caller: CaseCaller, caseId: string): Promise<TenderView> {
    return this.view(caller, await this.access.publishedTender(caseId));
  }

  async view(caller: CaseCaller, row: CaseEntity): Promise<TenderView> {
    const ctx = row.context;
    const now = this.clock.now().getTime();
    const clarificationDeadline = this.clarifications.clarificationDeadline(row);
    const providerId = this.access.isProviderUser(caller) ? caller.providerId : null;
    return {
      caseId: row.id,
      ocid: row.ocid,
      title: row.title,
      serviceName: row.serviceName,
      description: row.description,
      cpvCode: row.cpvCode,
      estimatedAnnualValue: { amount: row.estimatedAnnualValue, currency: row.currency },
      termMonths: row.termMonths,
      documents: await this.documents.current(row),
      criteria: ctx.criteria ?? [],
      tenderPeriod: { startDate: ctx.tenderPublishedAt!, endDate: ctx.tenderClosesAt },
      clarificationDeadline: clarificationDeadline?.toISOString() ?? null,
      status: tenderStatusOf(row.state),
      acceptingBids: row.state === 'tendering' && !!ctx.tenderClosesAt && now < new Date(ctx.tenderClosesAt).getTime(),
      questions: await this.clarifications.visibleTo(caller, row),
      myBid: providerId ? await this.bids.currentBidOf(row.id, providerId) : null,
    };
  }
}
