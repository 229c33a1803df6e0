import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, MoreThanOrEqual } from 'typeorm';
import { EarlierAwardFacts, PolicyBook, AwardFactsError } from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';
import { POLICY_BOOK } from '@makebuy/settings';
import { AwardEntity } from './flag.entities';
import { AwardSources } from './award-sources';

/**
 * The register of awards made: one row per case that reached `awarded`, written in the same
 * transaction as the transition (the machine's `recordAward` effect). AWARD_CONCENTRATION
 * looks back over it.
 */
@Injectable()
export class AwardsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly sources: AwardSources,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  /** Inserts the award of a case that has just reached `awarded`. Idempotent (one per case). */
  async record(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    const proposal = row.context.proposal;
    if (!proposal) throw new AwardFactsError('an awarded case has no proposal', { caseId: row.id });
    let providerIds = [...proposal.providerIds];
    let bidId: string | null = null;
    let value = row.estimatedAnnualValue;
    if (proposal.kind === 'buy') {
      const bid = proposal.bidId ? await this.sources.bid(tx, row.id, proposal.bidId) : null;
      if (!bid)
        throw new AwardFactsError('the awarded bid is not on record', { caseId: row.id, bidId: proposal.bidId });
      providerIds = [bid.providerId];
      bidId = bid.id;
      value = bid.price;
    }
    await tx
      .createQueryBuilder()
      .insert()
      .into(AwardEntity)
      .values({
        caseId: row.id,
        consortiumId: row.consortiumId,
        providerIds,
        bidId,
        valueAmount: value,
        route: row.context.route ?? (proposal.kind === 'buy' ? 'competitive' : (proposal.psrProcess ?? 'unknown')),
        awardedAt: row.context.awardedAt ? new Date(row.context.awardedAt) : now,
      } as never)
      .orIgnore()
      .execute();
  }

  /** The consortium's awards that may fall in the concentration window ending `now` (the rule filters exactly). */
  async recentAwards(
    consortiumId: string,
    now: Date,
    tx: EntityManager = this.ds.manager,
  ): Promise<EarlierAwardFacts[]> {
    const since = new Date(now.getTime());
    since.setUTCMonth(since.getUTCMonth() - this.policy.flags.concentrationWindowMonths - 1);
    const rows = await tx.find(AwardEntity, {
      where: { consortiumId, awardedAt: MoreThanOrEqual(since) },
      order: { awardedAt: 'ASC' },
    });
    return rows.map((a) => ({
      caseId: a.caseId,
      providerIds: a.providerIds,
      value: a.valueAmount,
      awardedAt: a.awardedAt.toISOString(),
    }));
  }

  forCase(caseId: string, tx: EntityManager = this.ds.manager): Promise<AwardEntity | null> {
    return tx.findOneBy(AwardEntity, { caseId });
  }
}
