/** Pure rules of the conflicts feature: what a mitigation excludes, calendar dates, the shape of a
 * declaration, and why a conflict check cannot complete. No I/O. */
import { DomainError, INTEREST_CATEGORIES, MITIGATIONS, type Mitigation } from '@makebuy/domain';

export { INTEREST_CATEGORIES, MITIGATIONS };

export interface Exclusion {
  /** null: no reviewed declaration (nothing excludes the person yet) */
  mitigation: Mitigation | null;
  fromDecision: boolean;
  fromEvaluation: boolean;
}

/** exclude_from_decision and exclude_entirely count against the quorum; exclude_from_evaluation and
 * exclude_entirely bar scoring. */
export function exclusionFor(mitigation: Mitigation | null): Exclusion {
  return {
    mitigation,
    fromDecision: mitigation === 'exclude_from_decision' || mitigation === 'exclude_entirely',
    fromEvaluation: mitigation === 'exclude_from_evaluation' || mitigation === 'exclude_entirely',
  };
}

// ---- calendar dates (YYYY-MM-DD) ----

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (2024-02-30 is not). */
export function isCalendarDate(v: unknown): v is string {
  const m = typeof v === 'string' ? LOCAL_DATE.exec(v) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

const londonFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The last answer, by UTC minute: London's offsets are whole hours, so a date never changes within one. */
let lastLondon: { minute: number; date: string } | null = null;

/** The calendar date in Europe/London of an instant (formatToParts is costly: every declaration asks). */
export function londonDate(instant: Date): string {
  const minute = Math.floor(instant.getTime() / 60000);
  if (lastLondon?.minute === minute) return lastLondon.date;
  const parts = Object.fromEntries(londonFormatter.formatToParts(instant).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (Number.isFinite(minute)) lastLondon = { minute, date };
  return date;
}

/** The same calendar day `months` months earlier, clamped to the end of a shorter month
 * (31 August minus 6 months is 28/29 February). */
export function monthsBefore(date: string, months: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(d, lastDay))}`;
}

/**
 * The earliest `endsOn` still shown on the public register (and still counted as a possible
 * conflict): interests that ended within the last `visibleMonths` months stay relevant.
 */
export function endedInterestCutoff(now: Date, visibleMonths: number): string {
  return monthsBefore(londonDate(now), visibleMonths);
}

// ---- interests and declarations ----

const fail = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] });

/** startsOn and endsOn are calendar dates, and an interest cannot end before it starts. */
export function checkInterestDates(startsOn: string, endsOn?: string | null): void {
  if (!isCalendarDate(startsOn)) throw fail('startsOn', 'must be a calendar date YYYY-MM-DD');
  if (endsOn != null) {
    if (!isCalendarDate(endsOn)) throw fail('endsOn', 'must be a calendar date YYYY-MM-DD');
    if (endsOn < startsOn) throw fail('endsOn', 'must not be before startsOn');
  }
}

/** A nil return names no interest; a declaration that is not a nil return names at least one. */
export function checkDeclarationShape(input: { interestIds: string[]; nilReturn: boolean }): void {
  if (input.nilReturn && input.interestIds.length > 0)
    throw fail('interestIds', 'must be empty for a nil return (nilReturn: true)');
  if (!input.nilReturn && input.interestIds.length === 0)
    throw fail('interestIds', 'must name at least one of your interests, or send nilReturn: true');
}

/** Every named interest must be one of the declarer's own register entries. */
export function checkOwnInterests(interestIds: string[], ownIds: ReadonlySet<string>): void {
  const foreign = interestIds.filter((id) => !ownIds.has(id));
  if (foreign.length)
    throw new DomainError('VALIDATION_FAILED', `interestIds: not your interests: ${foreign.join(', ')}`, {
      errors: foreign.map(() => ({ field: 'interestIds', message: 'not one of your register interests' })),
      interestIds: foreign,
    });
}

// ---- the conflict check ----

export interface PanelDeclarationState {
  personId: string;
  /** the member's current (not superseded) declaration, if any */
  declaration: { id: string; mitigation: Mitigation | null } | null;
}

export interface ConflictCheckStatus {
  /** every panel member has a current declaration that governance has reviewed */
  declarationsComplete: boolean;
  /** panel members with no current declaration */
  missingDeclarations: string[];
  /** current declarations not reviewed yet */
  unreviewed: { personId: string; declarationId: string }[];
  /** panel members not excluded from decisions (exclude_from_decision, exclude_entirely) */
  unexcludedDecisionMakers: number;
  quorum: number;
  quorumMet: boolean;
  /** the rule codes COMPLETE_CONFLICT_CHECK would fail with now, in the order they are checked */
  blockers: ('DECLARATIONS_INCOMPLETE' | 'QUORUM_NOT_MET')[];
}

/** Why COMPLETE_CONFLICT_CHECK would pass or fail, from the panel's current declarations. */
export function conflictCheckStatus(panel: PanelDeclarationState[], quorum: number): ConflictCheckStatus {
  const missingDeclarations = panel.filter((m) => !m.declaration).map((m) => m.personId);
  const unreviewed = panel.flatMap((m) =>
    m.declaration && m.declaration.mitigation === null
      ? [{ personId: m.personId, declarationId: m.declaration.id }]
      : [],
  );
  const declarationsComplete = missingDeclarations.length === 0 && unreviewed.length === 0;
  const unexcludedDecisionMakers = panel.filter(
    (m) => !exclusionFor(m.declaration?.mitigation ?? null).fromDecision,
  ).length;
  const quorumMet = unexcludedDecisionMakers >= quorum;
  const blockers: ConflictCheckStatus['blockers'] = [];
  if (!declarationsComplete) blockers.push('DECLARATIONS_INCOMPLETE');
  if (!quorumMet) blockers.push('QUORUM_NOT_MET');
  return {
    declarationsComplete,
    missingDeclarations,
    unreviewed,
    unexcludedDecisionMakers,
    quorum,
    quorumMet,
    blockers,
  };
}

// ---- annual declarations ----

/**
 * When a person's annual declaration falls due: `maxAgeDays` after their last declaration (an
 * interest, a nil return or a case declaration), or, for someone who never declared,
 * `newInterestDays` after they joined the directory.
 */
export function annualDeclarationDue(
  lastDeclaredAt: Date | null,
  joinedAt: Date,
  policy: { maxAgeDays: number; newInterestDays: number },
): Date {
  const DAY = 86_400_000;
  return lastDeclaredAt
    ? new Date(lastDeclaredAt.getTime() + policy.maxAgeDays * DAY)
    : new Date(joinedAt.getTime() + policy.newInterestDays * DAY);
}
