import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { CaseCaller, CaseEntity } from '@makebuy/cases';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { TenderAccess } from './tender-access.service';
import { EvaluationService } from './evaluation.service';
import { bidOutcome, INTENTION_STATES, tenderStatusOf } from './tender-status';
import { RepresentationsService, representationView } from './representations.service';
import { BidsRepository } from './bids.repository';
import { BidView, BidViews, MyBidView } from './bid-views';
import { BidReceipts } from './bid-receipts.service';

/** Reading bids: a tender's (sealed until it closes), one bid, a provider's across tenders. */
@Injectable()
export class BidQueries {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: BidsRepository,
    private readonly views: BidViews,
    private readonly access: TenderAccess,
    private readonly evaluation: EvaluationService,
    private readonly representations: RepresentationsService,
    private readonly receipts: BidReceipts,
  ) {}

  /**
   * GET /tenders/{caseId}/bids: a provider sees its own bids (any status); the case's commissioners,
   * governance and panel see every received bid once tendering closed, and BIDS_SEALED before.
   */
  async bidsForTender(
    caller: CaseCaller,
    caseId: string,
    q: { limit: number; cursor?: string },
  ): Promise<Page<BidView>> {
    const row = await this.access.publishedTender(caseId);
    const own = this.access.isProviderUser(caller);
    if (!own) await this.requireOpened(caller, row);
    const rows = await this.repo.tenderPage(caseId, {
      limit: q.limit,
      after: decodeCursor(q.cursor),
      providerId: own ? caller.providerId : null,
    });
    const page = pageOf(rows, q.limit, (b) => ({ t: b.submittedAt.toISOString(), id: b.id }));
    const names = await this.views.providerNames(page.items.map((b) => b.providerId));
    // one bid at a time: a page's views on as many pool connections at once would crowd out other requests
    const items: BidView[] = [];
    for (const b of page.items) items.push(await (own ? this.views.ownView(b, names) : this.views.view(b, names)));
    return { items, nextCursor: page.nextCursor };
  }

  /** One bid: its bidder always (with revisions); the case's people only once tendering closed. */
  async getBid(caller: CaseCaller, caseId: string, bidId: string): Promise<BidView> {
    const row = await this.access.publishedTender(caseId);
    if (this.access.isProviderUser(caller)) {
      const own = await this.repo.ofProvider(caseId, bidId, caller.providerId!);
      if (!own) throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
      return this.views.ownView(own);
    }
    await this.requireOpened(caller, row);
    const b = await this.repo.received(caseId, bidId);
    if (!b) throw new DomainError('NOT_FOUND', `bid ${bidId} not found`);
    return this.views.view(b, await this.views.providerNames([b.providerId]));
  }

  /** GET /bids: the caller's provider's bids across tenders, with the case's state and the outcome. */
  async myBids(caller: CaseCaller, q: { limit: number; cursor?: string }): Promise<Page<MyBidView>> {
    const { providerId } = this.access.requireProviderUser(caller);
    const rows = await this.repo.providerPage(providerId, { limit: q.limit, after: decodeCursor(q.cursor) });
    const page = pageOf(rows, q.limit, (b) => ({ t: b.submittedAt.toISOString(), id: b.id }));
    const caseIds = [...new Set(page.items.map((b) => b.caseId))];
    const cases = new Map((await this.repo.cases(caseIds)).map((c) => [c.id, c]));
    const reps = await this.repo.representationsOf(caseIds, providerId);
    const names = await this.views.providerNames([providerId]);
    const items: MyBidView[] = [];
    for (const b of page.items) {
      const row = cases.get(b.caseId)!;
      const standstillEndsAt =
        b.status === 'submitted' ? await this.representations.standstillEndsAt(this.ds.manager, row) : null;
      items.push({
        ...(await this.views.ownView(b, names)),
        tender: {
          caseId: row.id,
          ocid: row.ocid,
          title: row.title,
          serviceName: row.serviceName,
          status: tenderStatusOf(row.state),
          closesAt: row.context.tenderClosesAt,
        },
        caseState: row.state,
        outcome: bidOutcome(b, row),
        assessment: await this.views.assessment(row, b),
        debrief:
          INTENTION_STATES.includes(row.state) && b.status === 'submitted'
            ? ((await this.evaluation.debriefs(row, standstillEndsAt)).get(b.id) ?? null)
            : null,
        standstillEndsAt: standstillEndsAt?.toISOString() ?? null,
        representations: reps.filter((r) => r.caseId === row.id).map(representationView),
        opened: await this.receipts.openedOf(row.id, b.id),
      });
    }
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * The provider's current bid (live, or closed with the case) on each of a page of tenders that
   * has one, by case id: the bids in one statement.
   */
  async currentBidsOf(caseIds: string[], providerId: string): Promise<Map<string, BidView>> {
    const out = new Map<string, BidView>();
    const bids = await this.repo.currentOfCases(caseIds, providerId);
    if (!bids.size) return out;
    const names = await this.views.providerNames([providerId]);
    for (const [caseId, b] of bids) out.set(caseId, await this.views.ownView(b, names));
    return out;
  }

  /** Case people only (not panel members excluded from evaluation: 404), and only after tendering closed. */
  private async requireOpened(caller: CaseCaller, row: CaseEntity): Promise<void> {
    await this.access.requireCaseViewer(caller, row);
    if (!(await this.access.evaluationSight(caller, row.id)).bids)
      throw new DomainError(
        'NOT_FOUND',
        `the bids of case ${row.id} are not visible to a member excluded from evaluation`,
      );
    if (!(await this.access.hasClosed(row))) {
      throw new DomainError('BIDS_SEALED', 'bids are sealed until tendering closes');
    }
  }
}
