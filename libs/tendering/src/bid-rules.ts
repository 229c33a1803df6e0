import { CRITERION_KEYS, Criterion, DomainError } from '@makebuy/domain';
import type { CaseEntity } from '@makebuy/cases';
import type { BidEntity } from './tendering.entities';

export interface Money {
  amount: number;
  currency: 'GBP';
}

export interface BidInput {
  price: Money;
  responses: Record<string, string>;
}

export const money = (amount: number): Money => ({ amount, currency: 'GBP' });

/** Responses: non-empty text for exactly the tender's criteria. */
export function responseProblems(
  criteria: readonly Criterion[],
  responses: Record<string, unknown>,
): { field: string; message: string }[] {
  const keys = new Set<string>(criteria.map((c) => c.key));
  const errors: { field: string; message: string }[] = [];
  for (const c of criteria) {
    const v = responses[c.key];
    if (typeof v !== 'string' || v.trim() === '')
      errors.push({ field: `responses.${c.key}`, message: `a response to ${c.key} is required` });
  }
  for (const k of Object.keys(responses)) {
    if (!keys.has(k))
      errors.push({
        field: `responses.${k}`,
        message: (CRITERION_KEYS as readonly string[]).includes(k)
          ? `${k} is not a criterion of this tender`
          : `unknown criterion ${k}`,
      });
  }
  return errors;
}

/** VALIDATION_FAILED unless the responses fit the tender's criteria. */
export function requireResponses(tender: CaseEntity, responses: Record<string, unknown>): void {
  const errors = responseProblems(tender.context.criteria ?? [], responses);
  if (errors.length) {
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
      errors,
    });
  }
}

/** Bids move only while tendering and strictly before the closing instant (server time). */
export function requireOpen(row: CaseEntity, now: Date): void {
  const closesAt = row.context.tenderClosesAt ? Date.parse(row.context.tenderClosesAt) : NaN;
  if (row.state !== 'tendering' || !(now.getTime() < closesAt)) {
    throw new DomainError('WINDOW_CLOSED', 'tendering is closed: bids can no longer be submitted or changed', {
      closesAt: row.context.tenderClosesAt,
    });
  }
}

/** A withdrawn bid is gone (CONFLICT); a closed one went with the tender (WINDOW_CLOSED). */
export function requireLive(b: BidEntity): void {
  if (b.status === 'withdrawn') throw new DomainError('CONFLICT', `bid ${b.id} was withdrawn`);
  if (b.status === 'closed') {
    throw new DomainError('WINDOW_CLOSED', `bid ${b.id} was closed with the tender`);
  }
}
