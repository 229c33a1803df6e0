/** UNDECLARED_AFFILIATION (blocking): a panel member is affiliated with a bidder or an awardee but
 * their case declaration names no interest in that provider. One flag per (person, provider). */
import { compareStrings, indexFacts, makeFlag, sortedUnique } from './facts';
import type { AwardFacts, RaisedFlag, Relationship, UndeclaredAffiliationEvidence } from './flag.types';

export function checkUndeclaredAffiliation(facts: AwardFacts): RaisedFlag[] {
  const ix = indexFacts(facts);
  const bidders = new Set(facts.bids.map((b) => b.providerId));
  const awardees = new Set(ix.awardeeIds);
  const interestsById = new Map(facts.interests.map((i) => [i.id, i]));
  const flags: RaisedFlag[] = [];

  for (const member of [...facts.panel].sort((a, b) => compareStrings(a.personId, b.personId))) {
    const byProvider = new Map<string, Relationship[]>();
    for (const a of facts.affiliations)
      if (a.personId === member.personId && (bidders.has(a.providerId) || awardees.has(a.providerId)))
        byProvider.set(a.providerId, [...(byProvider.get(a.providerId) ?? []), a.relationship]);
    if (byProvider.size === 0) continue;

    // Only the member's own register interests count as a declaration.
    const declaredProviders = new Set(
      member.declaredInterestIds
        .map((id) => interestsById.get(id))
        .filter((i) => i !== undefined && i.personId === member.personId && i.providerId !== null)
        .map((i) => i!.providerId as string),
    );

    for (const providerId of sortedUnique(byProvider.keys())) {
      if (declaredProviders.has(providerId)) continue;
      const provider = ix.provider(providerId);
      const evidence: UndeclaredAffiliationEvidence = {
        personId: member.personId,
        personName: ix.personName(member.personId),
        providerId,
        providerName: provider.name,
        relationships: sortedUnique(byProvider.get(providerId)!),
        providerIsBidder: bidders.has(providerId),
        providerIsAwardee: awardees.has(providerId),
        declaredInterestIds: sortedUnique(member.declaredInterestIds),
        nilReturn: member.nilReturn,
        mitigation: member.mitigation,
      };
      const role = evidence.providerIsAwardee ? 'proposed awardee' : 'bidder';
      const declared = member.nilReturn
        ? 'made a nil return'
        : evidence.declaredInterestIds.length === 0
          ? 'declared no interests'
          : 'declared no interest in it';
      flags.push(
        makeFlag(
          'UNDECLARED_AFFILIATION',
          evidence,
          `Panel member ${evidence.personName ?? member.personId} is affiliated with the ${role} ${provider.name} (${evidence.relationships.join(', ').replace(/_/g, ' ')}) but ${declared} for this case.`,
        ),
      );
    }
  }
  return flags;
}
