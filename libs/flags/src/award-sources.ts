import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BidFacts } from '@makebuy/domain';
import { ConflictsService } from '@makebuy/conflicts';
import { TenderingQueries } from '@makebuy/tendering';
import type { InterestInput, ParticipantInput, AwardFactsInput } from './award-facts.assembly';

/**
 * The one place the award checks read other features, through their exported services:
 * conflicts (panel, declarations, mitigations, register interests) and tendering (bids, scores).
 */
@Injectable()
export class AwardSources {
  constructor(
    private readonly conflicts: ConflictsService,
    private readonly tendering: TenderingQueries,
  ) {}

  /** The panel with mitigations and declarations, and the register interests conflicts knows of. */
  async participants(
    caseId: string,
    tx?: EntityManager,
  ): Promise<{ panel: ParticipantInput[]; interests: InterestInput[] }> {
    const p = await this.conflicts.awardParticipants(caseId, tx);
    return {
      panel: p.panel.map((m) => ({
        personId: m.personId,
        mitigation: m.mitigation,
        declaredInterestIds: [...m.declaredInterestIds],
        nilReturn: m.nilReturn,
      })),
      interests: p.interests.map((i) => ({
        id: i.id,
        personId: i.personId,
        providerId: i.providerId,
        category: i.category,
        description: i.description ?? null,
      })),
    };
  }

  /** Register interests of everyone involved (deciders and scorers too, not only the panel). */
  async registerInterests(personIds: string[], known: InterestInput[]): Promise<InterestInput[]> {
    const missing = personIds.filter((id) => !known.some((i) => i.personId === id));
    const more = missing.length ? await this.conflicts.interestsOf(missing) : [];
    const byId = new Map<string, InterestInput>();
    for (const i of [...known, ...more])
      byId.set(i.id, {
        id: i.id,
        personId: i.personId,
        providerId: i.providerId,
        category: i.category,
        description: i.description ?? null,
      });
    return [...byId.values()].filter((i) => personIds.includes(i.personId));
  }

  async liveBids(caseId: string, tx?: EntityManager): Promise<BidFacts[]> {
    return (await this.tendering.liveBids(caseId, tx)).map((b) => ({
      id: b.id,
      providerId: b.providerId,
      price: b.price,
    }));
  }

  async scores(caseId: string, tx?: EntityManager): Promise<AwardFactsInput['scores']> {
    return (await this.tendering.scoreSheets(caseId, tx)).map((s) => ({
      bidId: s.bidId,
      evaluatorId: s.evaluatorId,
      scores: { ...s.scores },
    }));
  }

  /** A bid of the case (any status), for the award record. */
  async bid(tx: EntityManager, caseId: string, bidId: string): Promise<BidFacts | null> {
    const b = await this.tendering.bid(bidId, tx);
    return b && b.caseId === caseId ? { id: b.id, providerId: b.providerId, price: b.price } : null;
  }
}
