/**
 * AWARD_CONCENTRATION (advisory): over the consortium's earlier awards with awardedAt in
 * [now - policy.concentrationWindowMonths calendar months (UTC), now], not counting this case's
 * own award(s), and only when there are at least policy.concentrationMinimumEarlierAwards of
 * them: an awardee whose share of their total value is greater than policy.concentrationShare.
 * A joint award (several providers) counts in full towards each of its providers.
 */
import {
  SCORE_EPSILON,
  assertFlagPolicy,
  compareStrings,
  indexFacts,
  makeFlag,
  parseInstant,
  round,
  sortedUnique,
  subtractMonths,
  sum,
} from './facts';
import type { AwardConcentrationEvidence, AwardFacts, FlagPolicy, RaisedFlag } from './flag.types';

export function checkAwardConcentration(facts: AwardFacts, policy: FlagPolicy): RaisedFlag[] {
  assertFlagPolicy(policy);
  const ix = indexFacts(facts);
  const now = parseInstant(facts.now, 'now');
  const windowStart = subtractMonths(now, policy.concentrationWindowMonths);
  const earlier = facts.earlierAwards
    .filter((a) => a.caseId !== facts.caseId)
    .filter((a) => {
      const t = parseInstant(a.awardedAt, 'earlierAwards[].awardedAt');
      return t >= windowStart && t <= now;
    })
    .sort((a, b) => compareStrings(a.caseId, b.caseId));
  if (earlier.length === 0 || earlier.length < policy.concentrationMinimumEarlierAwards) return [];
  const totalValue = sum(earlier.map((a) => a.value));
  if (!(totalValue > 0)) return [];

  const flags: RaisedFlag[] = [];
  for (const providerId of ix.awardeeIds) {
    const won = earlier.filter((a) => a.providerIds.includes(providerId));
    const awardeeValue = sum(won.map((a) => a.value));
    const share = awardeeValue / totalValue;
    if (!(share > policy.concentrationShare + SCORE_EPSILON)) continue;
    const provider = ix.provider(providerId);
    const evidence: AwardConcentrationEvidence = {
      providerId,
      providerName: provider.name,
      awardeeValue: round(awardeeValue),
      awardeeCaseIds: sortedUnique(won.map((a) => a.caseId)),
      totalValue: round(totalValue),
      share: round(share, 4),
      shareThreshold: policy.concentrationShare,
      earlierAwardCount: earlier.length,
      windowMonths: policy.concentrationWindowMonths,
      windowStart: new Date(windowStart).toISOString(),
      windowEnd: new Date(now).toISOString(),
      proposedValue: facts.proposedValue,
    };
    flags.push(
      makeFlag(
        'AWARD_CONCENTRATION',
        evidence,
        `${provider.name} won ${(evidence.share * 100).toFixed(1)}% of the value of the consortium's ${earlier.length} earlier awards in the last ${policy.concentrationWindowMonths} months, above the ${(policy.concentrationShare * 100).toFixed(1)}% threshold.`,
      ),
    );
  }
  return flags;
}
