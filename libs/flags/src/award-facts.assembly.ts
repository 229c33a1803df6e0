/** Pure helpers around the award checks: turn what the features hold into `AwardFacts`, give each
 * raised flag a dedupe key, and enrich evidence with names a governance officer can act on.
 * No I/O here: `AwardFactsGatherer` reads the rows, these functions shape them. */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  AwardFactsError,
  type AwardFacts,
  type AffiliationFacts,
  type BidFacts,
  type Criterion,
  type CriterionKey,
  type DecisionFacts,
  type EarlierAwardFacts,
  type InterestFacts,
  type Mitigation,
  type Proposal,
  type ProviderFacts,
  type RaisedFlag,
} from '@makebuy/domain';

/** A panel member as the conflicts feature reports them for an award. */
export interface ParticipantInput {
  personId: string;
  mitigation: Mitigation | null;
  declaredInterestIds: string[];
  nilReturn: boolean;
}

/** A register interest, with its description for the evidence. */
export interface InterestInput extends InterestFacts {
  description?: string | null;
}

export interface AwardFactsInput {
  caseId: string;
  consortiumId: string;
  now: Date;
  /** `row.context.proposal` */
  proposal: Proposal | null;
  proposalSeq: number;
  /** `row.context.criteria` */
  criteria: Criterion[] | null;
  /** the case's estimated annual value (the award's value on the make route) */
  estimatedAnnualValue: number;
  participants: ParticipantInput[];
  interests: InterestInput[];
  decisions: DecisionFacts[];
  /** live (submitted, not withdrawn) bids */
  bids: BidFacts[];
  scores: { bidId: string; evaluatorId: string; scores: Partial<Record<CriterionKey, number>> }[];
  people: { id: string; name: string }[];
  affiliations: AffiliationFacts[];
  providers: ProviderFacts[];
  earlierAwards: EarlierAwardFacts[];
}

/** The proposal under check, validated: the rules must never see a half-formed one. */
export function proposalOf(input: Pick<AwardFactsInput, 'proposal' | 'proposalSeq' | 'caseId'>): Proposal {
  const p = input.proposal;
  if (!p) throw new AwardFactsError('the case has no proposal to check', { caseId: input.caseId });
  if (p.seq !== input.proposalSeq)
    throw new AwardFactsError('the case proposal is not the one under check', {
      proposalSeq: input.proposalSeq,
      contextProposalSeq: p.seq,
    });
  if (p.kind === 'buy' && !p.bidId) throw new AwardFactsError('a buy proposal names no bid', { proposalSeq: p.seq });
  if (p.kind === 'make' && (!Array.isArray(p.providerIds) || p.providerIds.length === 0))
    throw new AwardFactsError('a make proposal names no provider', { proposalSeq: p.seq });
  return p;
}

/** Bids and scores that matter to a proposal: on the make route nothing was tendered for it. */
const competitive = (p: Proposal) => p.kind === 'buy';

/** Everyone whose names, affiliations and interests the checks need: panel, deciders, scorers, proposer. */
export function peopleInvolved(
  input: Pick<AwardFactsInput, 'participants' | 'decisions' | 'scores'> & { proposal: Proposal },
): string[] {
  const ids = new Set<string>();
  for (const m of input.participants) ids.add(m.personId);
  for (const d of input.decisions) ids.add(d.personId);
  if (competitive(input.proposal)) for (const s of input.scores) ids.add(s.evaluatorId);
  ids.add(input.proposal.proposedBy);
  return [...ids].filter(isPersonId).sort();
}

/** System actors (`system:<component>`) are not people. */
const isPersonId = (id: string) => !id.startsWith('system:');

/** Every provider the facts reference: awardees, bidders, affiliations, interests, earlier awards. */
export function providersReferenced(
  input: Pick<AwardFactsInput, 'bids' | 'affiliations' | 'interests' | 'earlierAwards'> & { proposal: Proposal },
): string[] {
  const ids = new Set<string>(input.proposal.providerIds ?? []);
  if (competitive(input.proposal)) for (const b of input.bids) ids.add(b.providerId);
  for (const a of input.affiliations) ids.add(a.providerId);
  for (const i of input.interests) if (i.providerId) ids.add(i.providerId);
  for (const a of input.earlierAwards) for (const p of a.providerIds) ids.add(p);
  return [...ids].sort();
}

/** The facts the pure rules read. Throws AwardFactsError when the proposal cannot be checked. */
export function assembleAwardFacts(input: AwardFactsInput): AwardFacts {
  const proposal = proposalOf(input);
  const buy = competitive(proposal);
  const bids = buy ? input.bids : [];
  const bidIds = new Set(bids.map((b) => b.id));
  const proposedBid = buy ? bids.find((b) => b.id === proposal.bidId) : undefined;
  if (buy && !proposedBid)
    throw new AwardFactsError('the proposed bid is not a live bid on this tender', { bidId: proposal.bidId });
  const names = new Map(input.people.map((p) => [p.id, p.name]));
  const panelIds = new Set(input.participants.map((m) => m.personId));
  const involved = new Set(peopleInvolved({ ...input, proposal }));

  return {
    caseId: input.caseId,
    consortiumId: input.consortiumId,
    now: input.now.toISOString(),
    proposal: {
      seq: proposal.seq,
      kind: proposal.kind,
      ...(proposedBid ? { bidId: proposedBid.id } : {}),
      awardeeProviderIds: proposedBid ? [proposedBid.providerId] : [...proposal.providerIds],
      proposedBy: proposal.proposedBy,
    },
    providers: input.providers.map((p) => ({ id: p.id, name: p.name, memberOfConsortiumId: p.memberOfConsortiumId })),
    panel: input.participants.map((m) => ({
      personId: m.personId,
      name: names.get(m.personId) ?? m.personId,
      mitigation: m.mitigation,
      declaredInterestIds: [...m.declaredInterestIds],
      nilReturn: m.nilReturn,
    })),
    people: input.people.filter((p) => involved.has(p.id) || panelIds.has(p.id)).map((p) => ({ ...p })),
    affiliations: input.affiliations
      .filter((a) => involved.has(a.personId))
      .map((a) => ({ personId: a.personId, providerId: a.providerId, relationship: a.relationship })),
    interests: input.interests
      .filter((i) => involved.has(i.personId))
      .map((i) => ({ id: i.id, personId: i.personId, providerId: i.providerId, category: i.category })),
    decisions: input.decisions.filter((d) => isPersonId(d.personId)).map((d) => ({ ...d })),
    bids: bids.map((b) => ({ id: b.id, providerId: b.providerId, price: b.price })),
    criteria: buy ? (input.criteria ?? []).map((c) => ({ key: c.key, weight: c.weight })) : [],
    scores: buy
      ? input.scores
          .filter((s) => bidIds.has(s.bidId))
          .map((s) => ({ bidId: s.bidId, evaluatorId: s.evaluatorId, scores: { ...s.scores } }))
      : [],
    earlierAwards: input.earlierAwards.map((a) => ({ ...a, providerIds: [...a.providerIds] })),
    proposedValue: proposedBid ? proposedBid.price : input.estimatedAnnualValue,
  };
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/**
 * The key that makes raising a finding idempotent: one flag per (proposal, code, subject).
 * The subject is what the finding is about (the awardee, the person and provider, the evaluator
 * and bid...), so a re-run of the checks for the same proposal raises nothing new.
 */
export function flagDedupeKey(proposalSeq: number, flag: Pick<RaisedFlag, 'code' | 'evidence'>): string {
  const e = flag.evidence;
  let subject: string;
  switch (flag.code) {
    case 'MEMBER_PRACTICE_AWARD':
    case 'AWARD_CONCENTRATION':
      subject = str(e.providerId);
      break;
    case 'CONFLICTED_PARTICIPANT':
    case 'UNDECLARED_AFFILIATION':
      subject = `${str(e.personId)}/${str(e.providerId)}`;
      break;
    case 'NOT_TOP_RANKED':
      subject = str((e.proposedBid as { bidId?: string } | undefined)?.bidId);
      break;
    case 'SCORING_BIAS':
      subject = `${str(e.evaluatorId)}/${str(e.bidId)}`;
      break;
    case 'SINGLE_BID':
      subject = str(e.bidId);
      break;
    default:
      subject = '';
  }
  if (!subject || subject.startsWith('/') || subject.endsWith('/'))
    subject = createHash('sha256')
      .update(canonicalize(e) ?? '')
      .digest('hex')
      .slice(0, 32);
  return `p${proposalSeq}/${flag.code}/${subject}`;
}

/** Names and records the evidence refers to by id. */
export interface EvidenceLookup {
  consortiumName: string | null;
  people: Map<string, string>;
  interests: Map<string, InterestInput>;
  providers: Map<string, ProviderFacts>;
  earlierAwards: Map<string, EarlierAwardFacts>;
}

export function lookupFor(input: AwardFactsInput, consortiumName: string | null): EvidenceLookup {
  return {
    consortiumName,
    people: new Map(input.people.map((p) => [p.id, p.name])),
    interests: new Map(input.interests.map((i) => [i.id, i])),
    providers: new Map(input.providers.map((p) => [p.id, p])),
    earlierAwards: new Map(input.earlierAwards.map((a) => [a.caseId, a])),
  };
}

/**
 * Adds what the pure rules leave as ids: the consortium's name, the other evaluators' names,
 * what each interest says and which provider it names, the earlier awards behind a concentration.
 * Never removes or changes a field the rule produced (only fills a null name).
 */
export function enrichFlag(flag: RaisedFlag, look: EvidenceLookup): RaisedFlag {
  const e: Record<string, unknown> = { ...flag.evidence };
  const person = (id: unknown) => (typeof id === 'string' ? (look.people.get(id) ?? null) : null);
  const providerName = (id: string | null | undefined) => (id ? (look.providers.get(id)?.name ?? null) : null);
  const interest = (id: string) => {
    const i = look.interests.get(id);
    return {
      interestId: id,
      category: i?.category ?? null,
      providerId: i?.providerId ?? null,
      providerName: providerName(i?.providerId),
      description: i?.description ?? null,
    };
  };
  let summary = flag.summary;

  if ('personId' in e && e.personName == null) e.personName = person(e.personId);
  if ('evaluatorId' in e && e.evaluatorName == null) e.evaluatorName = person(e.evaluatorId);
  if (typeof e.consortiumId === 'string' && look.consortiumName) {
    e.consortiumName = look.consortiumName;
    summary = summary.split(e.consortiumId).join(look.consortiumName);
  }
  switch (flag.code) {
    case 'CONFLICTED_PARTICIPANT':
      e.interestDetails = ((e.interestIds as string[] | undefined) ?? []).map(interest);
      break;
    case 'UNDECLARED_AFFILIATION':
      e.declaredInterests = ((e.declaredInterestIds as string[] | undefined) ?? []).map(interest);
      break;
    case 'SCORING_BIAS':
      e.otherEvaluators = ((e.otherEvaluatorIds as string[] | undefined) ?? []).map((id) => ({
        id,
        name: person(id),
      }));
      break;
    case 'AWARD_CONCENTRATION':
      e.awardeeAwards = ((e.awardeeCaseIds as string[] | undefined) ?? []).map((caseId) => {
        const a = look.earlierAwards.get(caseId);
        return {
          caseId,
          value: a?.value ?? null,
          awardedAt: a?.awardedAt ?? null,
          providers: (a?.providerIds ?? []).map((id) => ({ id, name: providerName(id) })),
        };
      });
      break;
  }
  return { ...flag, evidence: e, summary };
}
