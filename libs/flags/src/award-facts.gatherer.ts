import { Injectable } from '@nestjs/common';
import { CaseEntity, CaseHistory } from '@makebuy/cases';
import { DirectoryService } from '@makebuy/directory';
import { proposalOf, peopleInvolved, providersReferenced, type AwardFactsInput } from './award-facts.assembly';
import { AwardSources } from './award-sources';
import { AwardsService } from './awards.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads what the award checks need from the features that own it: the panel with mitigations
 * and declarations and the register interests (conflicts), live bids and scores (tendering), who
 * decided (the case history), names, affiliations and providers (directory), the consortium's
 * recent awards (this feature). Shaping is left to `assembleAwardFacts` (pure).
 */
@Injectable()
export class AwardFactsGatherer {
  constructor(
    private readonly sources: AwardSources,
    private readonly history: CaseHistory,
    private readonly directory: DirectoryService,
    private readonly awards: AwardsService,
  ) {}

  async gather(row: CaseEntity, now: Date): Promise<{ input: AwardFactsInput; consortiumName: string | null }> {
    const base = {
      caseId: row.id,
      proposal: row.context.proposal,
      proposalSeq: row.context.proposalSeq,
    };
    const proposal = proposalOf(base);
    const buy = proposal.kind === 'buy';
    const [participants, decisions, bids, scores, earlierAwards, consortium] = await Promise.all([
      this.sources.participants(row.id),
      this.history.decisions(row.id),
      buy ? this.sources.liveBids(row.id) : Promise.resolve([]),
      buy ? this.sources.scores(row.id) : Promise.resolve([]),
      this.awards.recentAwards(row.consortiumId, now),
      this.directory.getConsortium(row.consortiumId).catch(() => null),
    ]);
    // actor ids that are not directory people (e.g. an admin token's sub) have no name or links
    const personIds = peopleInvolved({ participants: participants.panel, decisions, scores, proposal }).filter((id) =>
      UUID.test(id),
    );
    const [people, affiliations, interests] = await Promise.all([
      this.directory.findPeople(personIds),
      this.directory.affiliationsOf(personIds),
      this.sources.registerInterests(personIds, participants.interests),
    ]);
    const providerIds = providersReferenced({ proposal, bids, affiliations, interests, earlierAwards });
    const providers = await this.directory.findProviders(providerIds);
    const input: AwardFactsInput = {
      ...base,
      consortiumId: row.consortiumId,
      now,
      criteria: row.context.criteria,
      estimatedAnnualValue: row.estimatedAnnualValue,
      participants: participants.panel,
      interests,
      decisions,
      bids,
      scores,
      people: people.map((p) => ({ id: p.id, name: p.name })),
      affiliations: affiliations.map((a) => ({
        personId: a.personId,
        providerId: a.providerId,
        relationship: a.relationship,
      })),
      providers: providers.map((p) => ({ id: p.id, name: p.name, memberOfConsortiumId: p.memberOfConsortiumId })),
      earlierAwards,
    };
    return { input, consortiumName: consortium?.name ?? null };
  }
}
