import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  Actor,
  CaseEvent,
  CaseFacts,
  CaseInput,
  Decision,
  DomainError,
  SnapshotRestoreError,
  SlaDeadlineKind,
  CASE_MACHINE_VERSION,
  decideCase,
  startCase,
} from '@makebuy/domain';
import { Clock } from '@makebuy/settings';
import { OutboxSignal } from '@makebuy/queue';
import { Metrics } from '@makebuy/metrics';
import { CaseEntity } from './case.entities';
import { CasesRepository } from './cases.repository';
import { auditHash, GENESIS_HASH } from './audit-chain';
import type { CaseHooks, EffectContext, FactEvent } from './case-hooks';

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
/** An event as a command sends it: the engine adds the actor, the clock and the facts. */
export type EventInput = DistributiveOmit<CaseEvent, 'actor' | 'now' | 'facts'>;

export interface ApplyCommand<T> {
  caseId: string;
  actor: Actor;
  event: EventInput;
  /** If-Match: the version the caller saw */
  expectedVersion?: number;
  /** facts for the machine's guards, read inside the transaction under the case lock */
  facts?: (tx: EntityManager, row: CaseEntity, now: Date) => Promise<CaseFacts>;
  /** the feature's own writes, in the same transaction, once the machine has accepted the event */
  within?: (tx: EntityManager, row: CaseEntity, decision: Decision, now: Date) => Promise<T>;
  /** the audited payload (default: the event's own fields) */
  audit?: (result: T) => Record<string, unknown>;
}

export interface ApplyResult<T> {
  row: CaseEntity;
  decision: Decision;
  result: T;
}

export interface NewCase {
  id: string;
  ocid: string;
  title: string;
  serviceName: string;
  description?: string | null;
  cpvCode?: string | null;
  consortiumId: string;
  fromSetting: string;
  toSetting: string;
  estimatedAnnualValue: number;
  termMonths: number;
  track: CaseInput['track'];
  createdBy: string;
}

/**
 * One transaction per command: lock the case, check the version, gather the facts (hooks),
 * restore and transition, save the snapshot, append the audit row (hash chain), carry out the
 * effects (hooks); commit; wake the relay. The hooks are the case workflow, bound once at boot.
 */
@Injectable()
export class CaseEngine {
  private readonly log = new Logger(CaseEngine.name);
  private hooks: CaseHooks | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly signal: OutboxSignal,
    private readonly repo: CasesRepository,
    private readonly metrics: Metrics,
  ) {}

  /** Binds the case workflow. Once: a second, different binding is a programming error. */
  bind(hooks: CaseHooks): void {
    if (this.hooks && this.hooks !== hooks) throw new Error('the case engine is already bound to a case workflow');
    this.hooks = hooks;
  }

  private get workflow(): CaseHooks {
    if (!this.hooks) throw new Error('the case engine has no case workflow bound (import CaseWorkflowModule)');
    return this.hooks;
  }

  private async carryOut(ctx: EffectContext): Promise<void> {
    for (const effect of ctx.decision.effects) await this.workflow.carryOut(effect, ctx);
    await this.workflow.settle(ctx);
  }

  async create<T>(
    input: NewCase,
    actor: Actor,
    within?: (tx: EntityManager, row: CaseEntity, now: Date) => Promise<T>,
    audit?: Record<string, unknown>,
  ): Promise<{ row: CaseEntity; result: T | undefined }> {
    const now = this.clock.now();
    const out = await this.ds.transaction(async (tx) => {
      const decision = startCase({ caseId: input.id, track: input.track, now: now.toISOString() });
      const row = tx.create(CaseEntity, {
        ...input,
        currency: 'GBP',
        state: decision.state,
        stateValue: decision.stateValue,
        context: decision.context,
        snapshot: decision.snapshot,
        machineVersion: CASE_MACHINE_VERSION,
        version: 1,
        needsMigration: false,
        migrationError: null,
        createdAt: now,
        updatedAt: now,
      });
      await this.repo.insert(tx, row);
      const result = within ? await within(tx, row, now) : undefined;
      await this.append(tx, row.id, {
        at: now,
        actor,
        type: 'CREATED',
        fromState: null,
        toState: decision.state,
        payload: audit ?? {},
      });
      await this.carryOut({ tx, row, decision, now, actor });
      return { row, result };
    });
    this.signal.wake();
    this.metrics.transitions.inc({ event: 'CREATED' });
    return out;
  }

  async apply<T = undefined>(cmd: ApplyCommand<T>): Promise<ApplyResult<T>> {
    try {
      const out = await this.ds.transaction((tx) => this.applyIn(tx, cmd));
      this.signal.wake();
      this.metrics.transitions.inc({ event: cmd.event.type });
      return out;
    } catch (e) {
      if (e instanceof SnapshotRestoreError) {
        await this.markNeedsMigration(cmd.caseId, e.message);
        throw new DomainError(
          'CASE_NEEDS_MIGRATION',
          `case ${cmd.caseId} no longer restores on its machine version and was marked for migration`,
        );
      }
      throw e;
    }
  }

  /**
   * The command inside a transaction the caller owns (e.g. a batch of deadline closes sharing
   * one transaction). The caller commits, then calls `committed` for each applied event.
   */
  async applyIn<T = undefined>(tx: EntityManager, cmd: ApplyCommand<T>): Promise<ApplyResult<T>> {
    const row = await this.lock(tx, cmd.caseId);
    if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== row.version) {
      throw new DomainError('VERSION_MISMATCH', `the case is at version ${row.version}, not ${cmd.expectedVersion}`, {
        currentVersion: row.version,
      });
    }
    if (row.needsMigration)
      throw new DomainError(
        'CASE_NEEDS_MIGRATION',
        `case ${row.id} needs a machine migration before it can move: ${row.migrationError ?? ''}`,
      );
    const now = this.clock.now();
    // the workflow's facts for this event type first; a command's own facts win
    const facts = {
      ...(await this.workflow.factsFor(tx, row, { ...cmd.event, actor: cmd.actor }, now)),
      ...(cmd.facts ? await cmd.facts(tx, row, now) : {}),
    };
    const event = { ...cmd.event, actor: cmd.actor, now: now.toISOString(), facts } as CaseEvent;
    const decision = decideCase(row.machineVersion, row.snapshot, event);
    const result = (cmd.within ? await cmd.within(tx, row, decision, now) : undefined) as T;
    row.snapshot = decision.snapshot;
    row.state = decision.state;
    row.stateValue = decision.stateValue;
    row.context = decision.context;
    row.version += 1;
    row.updatedAt = now;
    await this.repo.update(tx, row.id, {
      snapshot: row.snapshot,
      state: row.state,
      stateValue: row.stateValue,
      context: row.context,
      version: row.version,
      updatedAt: now,
    });
    const payload = cmd.audit ? cmd.audit(result) : eventPayload(cmd.event);
    await this.append(tx, row.id, {
      at: now,
      actor: cmd.actor,
      type: cmd.event.type,
      fromState: decision.fromState,
      toState: decision.toState,
      payload,
    });
    const ctx = { tx, row, decision, now, actor: cmd.actor };
    await this.carryOut(ctx);
    await this.workflow.recorded(ctx, { ...cmd.event, actor: cmd.actor } as FactEvent);
    return { row, decision, result };
  }

  /** After the caller's transaction of `applyIn` committed: wake the relay, count the transition. */
  committed(eventType: string, n = 1): void {
    this.signal.wake();
    this.metrics.transitions.inc({ event: eventType }, n);
  }

  /** Locks the case row for the rest of the transaction (serialises every writer of one case). */
  async lock(tx: EntityManager, caseId: string): Promise<CaseEntity> {
    const row = await this.repo.lock(tx, caseId);
    if (!row) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    return row;
  }

  /** The people the case waits on in a human stage, read through `tx` (the workflow's obligations). */
  waitingOn(tx: EntityManager, row: CaseEntity, kind: SlaDeadlineKind): Promise<string[]> {
    return this.workflow.waitingOn(tx, row, kind);
  }

  /** Runs work under the case lock without a transition (e.g. a bid checked against the closing instant). */
  async withCaseLock<T>(caseId: string, fn: (tx: EntityManager, row: CaseEntity, now: Date) => Promise<T>): Promise<T> {
    const out = await this.ds.transaction(async (tx) => fn(tx, await this.lock(tx, caseId), this.clock.now()));
    this.signal.wake();
    return out;
  }

  /** Appends an audit row without a transition (e.g. machine migration, flag resolution on a final case). */
  async appendAudit(
    tx: EntityManager,
    caseId: string,
    entry: {
      at: Date;
      actor: Actor;
      type: string;
      fromState: string | null;
      toState: string;
      payload: Record<string, unknown>;
    },
  ): Promise<void> {
    await this.append(tx, caseId, entry);
  }

  private async append(
    tx: EntityManager,
    caseId: string,
    e: {
      at: Date;
      actor: Actor;
      type: string;
      fromState: string | null;
      toState: string;
      payload: Record<string, unknown>;
    },
  ): Promise<void> {
    const last = await this.repo.auditHead(tx, caseId);
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const payload = JSON.parse(JSON.stringify(e.payload ?? {}));
    const entry = {
      caseId,
      seq,
      at: e.at.toISOString(),
      actor: e.actor.id,
      type: e.type,
      fromState: e.fromState,
      toState: e.toState,
      payload,
    };
    await this.repo.appendAudit(tx, { ...entry, at: e.at, prevHash, hash: auditHash(prevHash, entry) });
  }

  /** Marks a case whose snapshot no longer restores (e.g. found by a batch of deadline closes). */
  async markNeedsMigration(caseId: string, reason: string): Promise<void> {
    this.log.error(`case ${caseId} needs migration: ${reason}`);
    await this.repo.markNeedsMigration(caseId, reason.slice(0, 1000));
  }
}

/** The event's own fields, without the engine's envelope. */
export function eventPayload(event: EventInput): Record<string, unknown> {
  const { type: _type, ...rest } = event as Record<string, unknown>;
  return rest;
}
