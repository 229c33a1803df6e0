/** CONFLICTED_PARTICIPANT (blocking): someone linked to an awardee (an affiliation with it, or one
 * of their register interests naming it) decided without being excluded from decision, or scored
 * a bid without being excluded from evaluation. One flag per (person, awardee). */
import {
  EXCLUDED_FROM_DECISION,
  compareStrings,
  EXCLUDED_FROM_EVALUATION,
  canonicalScores,
  indexFacts,
  makeFlag,
  roundOrNull,
  sortedUnique,
} from './facts';
import type {
  AwardFacts,
  ConflictedParticipantEvidence,
  InterestCategory,
  RaisedFlag,
  Relationship,
  ScoredBidEvidence,
} from './flag.types';
import { weightedScore } from './scoring';

export function checkConflictedParticipant(facts: AwardFacts): RaisedFlag[] {
  const ix = indexFacts(facts);
  const flags: RaisedFlag[] = [];
  for (const providerId of ix.awardeeIds) {
    const provider = ix.provider(providerId);
    const relationships = new Map<string, Relationship[]>();
    const interests = new Map<string, { interestId: string; category: InterestCategory }[]>();
    for (const a of facts.affiliations)
      if (a.providerId === providerId)
        relationships.set(a.personId, [...(relationships.get(a.personId) ?? []), a.relationship]);
    for (const i of facts.interests)
      if (i.providerId === providerId)
        interests.set(i.personId, [...(interests.get(i.personId) ?? []), { interestId: i.id, category: i.category }]);

    for (const personId of sortedUnique([...relationships.keys(), ...interests.keys()])) {
      const member = ix.panel.get(personId);
      const mitigation = member?.mitigation ?? null;
      const excludedFromDecision = mitigation !== null && EXCLUDED_FROM_DECISION.includes(mitigation);
      const excludedFromEvaluation = mitigation !== null && EXCLUDED_FROM_EVALUATION.includes(mitigation);

      const decided = excludedFromDecision ? [] : ix.decisionsOf(personId);
      const scored: ScoredBidEvidence[] = excludedFromEvaluation
        ? []
        : [...ix.sheetsByBid.entries()]
            .flatMap(([, sheets]) => sheets.filter((s) => s.evaluatorId === personId))
            .map((s) => {
              const bid = ix.bids.get(s.bidId)!;
              return {
                bidId: bid.id,
                providerId: bid.providerId,
                providerName: ix.provider(bid.providerId).name,
                scores: canonicalScores(s.scores),
                weightedScore: roundOrNull(weightedScore(facts.criteria, [s])),
              };
            })
            .sort((a, b) => compareStrings(a.bidId, b.bidId));
      if (decided.length === 0 && scored.length === 0) continue;

      const links = [...(interests.get(personId) ?? [])].sort((a, b) => compareStrings(a.interestId, b.interestId));
      const evidence: ConflictedParticipantEvidence = {
        personId,
        personName: ix.personName(personId),
        providerId,
        providerName: provider.name,
        relationships: sortedUnique(relationships.get(personId) ?? []),
        interests: links,
        interestIds: links.map((l) => l.interestId),
        onPanel: member !== undefined,
        mitigation,
        decided,
        scored,
      };
      flags.push(makeFlag('CONFLICTED_PARTICIPANT', evidence, summarise(evidence)));
    }
  }
  return flags;
}

function summarise(e: ConflictedParticipantEvidence): string {
  const who = e.personName ?? e.personId;
  const link = [
    ...e.relationships.map((r) => r.replace(/_/g, ' ')),
    ...(e.interestIds.length > 0 ? [`declared interest ${e.interestIds.join(', ')}`] : []),
  ].join(', ');
  const did = [
    ...(e.decided.length > 0 ? [`decided (${sortedUnique(e.decided.map((d) => d.event)).join(', ')})`] : []),
    ...(e.scored.length > 0 ? [`scored ${e.scored.length} bid${e.scored.length === 1 ? '' : 's'}`] : []),
  ].join(' and ');
  const status = e.onPanel ? `mitigation ${e.mitigation ?? 'not reviewed'}` : 'not on the panel';
  return `${who}, linked to the proposed awardee ${e.providerName} (${link}), ${did} without being excluded (${status}).`;
}
