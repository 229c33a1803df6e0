/** Runs every award check and returns all the flags raised, in rule order (the contract's table
 * order), each rule's flags in a stable order. Pure and deterministic: the result does not
 * depend on the order of the input arrays. Throws AwardFactsError on inconsistent facts or policy. */
import { assertFlagPolicy, indexFacts } from './facts';
import { FLAG_SEVERITY } from './flag.types';
import type { AwardCheckCode, AwardFacts, AwardRule, FlagPolicy, FlagSeverity, RaisedFlag } from './flag.types';
import { checkAwardConcentration } from './award-concentration.rule';
import { checkConflictedParticipant } from './conflicted-participant.rule';
import { checkMemberPracticeAward } from './member-practice-award.rule';
import { checkNotTopRanked } from './not-top-ranked.rule';
import { checkScoringBias } from './scoring-bias.rule';
import { checkSingleBid } from './single-bid.rule';
import { checkUndeclaredAffiliation } from './undeclared-affiliation.rule';

export interface AwardCheck {
  code: AwardCheckCode;
  severity: FlagSeverity;
  check: AwardRule;
}

const rule = (code: AwardCheckCode, check: AwardRule): AwardCheck => ({ code, severity: FLAG_SEVERITY[code], check });

export const AWARD_CHECKS: readonly AwardCheck[] = [
  rule('MEMBER_PRACTICE_AWARD', checkMemberPracticeAward),
  rule('CONFLICTED_PARTICIPANT', checkConflictedParticipant),
  rule('UNDECLARED_AFFILIATION', checkUndeclaredAffiliation),
  rule('NOT_TOP_RANKED', checkNotTopRanked),
  rule('SCORING_BIAS', checkScoringBias),
  rule('SINGLE_BID', checkSingleBid),
  rule('AWARD_CONCENTRATION', checkAwardConcentration),
];

export function runAwardChecks(facts: AwardFacts, policy: FlagPolicy): RaisedFlag[] {
  assertFlagPolicy(policy);
  indexFacts(facts);
  return AWARD_CHECKS.flatMap((r) => r.check(facts, policy));
}

/** Counts for the CHECKS_COMPLETED event (`blockingFlags`, `advisoryFlags`). */
export function countFlags(flags: readonly RaisedFlag[]): { blockingFlags: number; advisoryFlags: number } {
  return {
    blockingFlags: flags.filter((f) => f.severity === 'blocking').length,
    advisoryFlags: flags.filter((f) => f.severity === 'advisory').length,
  };
}
