import type { EntityManager } from 'typeorm';
import type { Actor, CaseEffect, CaseEvent, CaseFacts, Decision, Role, SlaDeadlineKind } from '@makebuy/domain';
import type { CaseEntity } from './case.entities';

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

/** The event being applied, as the hooks see it: the engine adds `now` and the facts. */
export type FactEvent = DistributiveOmit<CaseEvent, 'facts' | 'now'>;

/** What an effect handler is given: the command's transaction and the case as saved by it. */
export interface EffectContext {
  tx: EntityManager;
  /** the case row as saved by this command (state, context and version after the transition) */
  row: CaseEntity;
  decision: Decision;
  now: Date;
  actor: Actor;
}

/**
 * What the engine asks of the case workflow, inside the command's transaction and under the
 * case lock. Both receive only `tx` for I/O: never a second pool connection while the lock is held.
 * Implemented once, by `CaseWorkflow` in libs/case-workflow, and bound to the engine once.
 */
export interface CaseHooks {
  /**
   * A batch of commands in one transaction, their cases just locked (`CaseEngine.lockAll`): what
   * their `factsFor` would read one case at a time, read ahead for all of them in set form. Each
   * case's next command takes its part; nothing here may be needed for the answer to be right.
   */
  prepare(tx: EntityManager, commands: { row: CaseEntity; event: FactEvent }[], now: Date): Promise<void>;
  /** the facts the statechart's guards need for this event */
  factsFor(tx: EntityManager, row: CaseEntity, event: FactEvent, now: Date): Promise<CaseFacts>;
  /** carries out one effect of the transition (rows only: the outbox relay does the rest after commit) */
  carryOut(effect: CaseEffect, ctx: EffectContext): Promise<void>;
  /** after the effects: what no longer stands once the case moved (e.g. flags of an ended proposal) */
  settle(ctx: EffectContext): Promise<void>;
  /** after the transition and its effects, in the same transaction: what the change publishes (the change feed) */
  recorded(ctx: EffectContext, event: FactEvent): Promise<void>;
  /** the people a human stage waits on (its obligations, resolved to people): reminders */
  waitingOn(tx: EntityManager, row: CaseEntity, kind: SlaDeadlineKind): Promise<string[]>;
}

/** The caller, as case views see them. */
export interface CaseViewer {
  personId: string | null;
  roles: readonly Role[];
  consortiumId: string | null;
  providerId: string | null;
}
