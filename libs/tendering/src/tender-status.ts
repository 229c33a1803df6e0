import type { CaseState } from '@makebuy/domain';

/** OCDS tender status (codelist tenderStatus) as providers see it. */
export const TENDER_STATUSES = ['active', 'complete', 'cancelled', 'unsuccessful'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];

/** Case states in which a published tender is `active` (publication until a final state). */
export const ACTIVE_TENDER_STATES: readonly CaseState[] = [
  'tendering',
  'evaluation',
  'award_checks',
  'governance_review',
  'standstill',
];

/** States reached only after tendering closed (bids opened, or too few bids). `cancelled` may be either. */
export const AFTER_CLOSE_STATES: readonly CaseState[] = [
  'evaluation',
  'award_checks',
  'governance_review',
  'standstill',
  'awarded',
  'unsuccessful',
];

export function tenderStatusOf(state: CaseState): TenderStatus {
  if (state === 'awarded') return 'complete';
  if (state === 'cancelled') return 'cancelled';
  if (state === 'unsuccessful') return 'unsuccessful';
  return 'active';
}

export function statesOfTenderStatus(status: TenderStatus): CaseState[] {
  switch (status) {
    case 'active':
      return [...ACTIVE_TENDER_STATES];
    case 'complete':
      return ['awarded'];
    case 'cancelled':
      return ['cancelled'];
    case 'unsuccessful':
      return ['unsuccessful'];
  }
}

/** What a bidder learns about its bid. */
export const BID_OUTCOMES = [
  'pending',
  'awarded_to_you',
  'not_awarded',
  'cancelled',
  'unsuccessful',
  'withdrawn',
] as const;
export type BidOutcome = (typeof BID_OUTCOMES)[number];

export function bidOutcome(
  bid: { id: string; status: string },
  row: { state: CaseState; context: { proposal: { bidId?: string } | null } },
): BidOutcome {
  if (bid.status === 'withdrawn') return 'withdrawn';
  switch (row.state) {
    case 'cancelled':
      return 'cancelled';
    case 'unsuccessful':
      return 'unsuccessful';
    case 'awarded':
      return row.context.proposal?.bidId === bid.id ? 'awarded_to_you' : 'not_awarded';
    default:
      return 'pending';
  }
}

/** States in which the intention to award is published and bidders see the assessment summary. */
export const INTENTION_STATES: readonly CaseState[] = ['standstill', 'awarded'];

export const round2 = (x: number): number => Math.round(x * 100) / 100;
