import { SLA_DEADLINE_KINDS, type CaseState, type DeadlineKind, type SlaDeadlineKind } from '@makebuy/domain';

/** Human stages with a service level: they get a reminder, and a breach when they run over. */
export const SLA_KINDS = SLA_DEADLINE_KINDS;
export type SlaKind = SlaDeadlineKind;
export const isSlaKind = (kind: string): kind is SlaKind => (SLA_KINDS as readonly string[]).includes(kind);

/** The stage each service level belongs to. */
export const SLA_STAGE: Record<SlaKind, CaseState> = {
  conflict_check_sla: 'conflict_check',
  evaluation_sla: 'evaluation',
  governance_review_sla: 'governance_review',
};

const REMINDER_SUFFIX = '.reminder';
/** The reminder row's kind for a human stage's deadline, e.g. `evaluation_sla.reminder`. */
export const reminderKind = (kind: DeadlineKind): string => `${kind}${REMINDER_SUFFIX}`;
/** The deadline a reminder kind belongs to (null when `kind` is not a reminder). */
export const remindedKind = (kind: string): DeadlineKind | null =>
  kind.endsWith(REMINDER_SUFFIX) ? (kind.slice(0, -REMINDER_SUFFIX.length) as DeadlineKind) : null;

/** The actor every deadline event is applied as. */
export const DEADLINE_ACTOR = { id: 'system:deadlines', roles: [] as const };
