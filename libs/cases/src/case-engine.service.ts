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
import { DeferredWrite, DeferredWrites, OutboxSignal } from '@makebuy/queue';
import { Metrics } from '@makebuy/metrics';
import { CaseEntity, CaseEventEntity } from './case.entities';
import { CasesRepository } from './cases.repository';
import { CasePanel } from './case-panel.service';
import { auditHash, GENESIS_HASH } from './audit-chain';
import type { CaseHooks, EffectContext, FactEvent } from './case-hooks';

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
/** An event as a command sends it: the engine adds the actor, the clock and the facts. */
export type EventInput = DistributiveOmit<CaseEvent, 'actor' | 'now' | 'facts'>;

export interface ApplyCommand<T> {
  caseId: string;
  actor: Actor;
  event: EventInput;
  /**
   * Who may send it, checked on the locked row before anything else (404 for a case the caller may
   * not see, 403, 400): the same row the command then changes, read once. A refusal rolls back.
   */
  admit?: (tx: EntityManager, row: CaseEntity, along: unknown[]) => Promise<Admitted | void>;
  /**
   * A read `admit` needs under the lock (a row of the case's own), sent right behind the lock on
   * its connection: no round trip of its own. Its rows are `admit`'s `along` ([] without it).
   */
  alongLock?: DeferredWrite;
  /** If-Match: the version the caller saw */
  expectedVersion?: number;
  /** facts for the machine's guards, read inside the transaction under the case lock */
  facts?: (tx: EntityManager, row: CaseEntity, now: Date) => Promise<CaseFacts>;
  /** the feature's own writes, in the same transaction, once the machine has accepted the event */
  within?: (tx: EntityManager, row: CaseEntity, decision: Decision, now: Date) => Promise<T>;
  /** the audited payload (default: the event's own fields) */
  audit?: (result: T) => Record<string, unknown>;
}

/** What an `admit` check may settle once it passed: the event and the If-Match (parsed after the refusals). */
export interface Admitted {
  event?: EventInput;
  expectedVersion?: number;
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
  /** rows `lockAll` locked and read, each until its case's next `lock` in that transaction */
  private readonly prelocked = new WeakMap<EntityManager, Map<string, { row: CaseEntity; panel: string[] | null }>>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly signal: OutboxSignal,
    private readonly repo: CasesRepository,
    private readonly metrics: Metrics,
    private readonly panel: CasePanel,
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
    const out = await DeferredWrites.transaction(this.ds, async (tx) => {
      // the new row, its panel and its first audit row reach PostgreSQL in one statement
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
        auditSeq: 0,
        auditHeadHash: GENESIS_HASH,
      });
      const created = chainNext(row, {
        at: now,
        actor,
        type: 'CREATED',
        fromState: null,
        toState: decision.state,
        payload: audit ?? {},
      });
      await this.repo.insert(tx, row);
      const result = within ? await within(tx, row, now) : undefined;
      await this.repo.appendAudit(tx, created);
      // a new case's effects only: nothing stands yet that its move could end (no settle)
      for (const effect of decision.effects) await this.workflow.carryOut(effect, { tx, row, decision, now, actor });
      return { row, result };
    });
    this.signal.wake();
    this.metrics.transitions.inc({ event: 'CREATED' });
    return out;
  }

  async apply<T = undefined>(cmd: ApplyCommand<T>): Promise<ApplyResult<T>> {
    try {
      // BEGIN rides with the lock, the writes with the COMMIT
      const out = await DeferredWrites.transaction(this.ds, (tx) => this.applyIn(tx, cmd));
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
    // writes nobody in the command reads back (snapshot, audit row, outbox, feed...) ride with the
    // command's next statement; what is left with the statement that ends the command (the COMMIT
    // of `apply`, a savepoint's RELEASE; in a batch, DeferredWrites.batch, the batch's next one)
    DeferredWrites.open(tx);
    try {
      const { row, along } = await this.lockWith(tx, cmd.caseId, cmd.alongLock ?? null);
      const admitted = cmd.admit ? await cmd.admit(tx, row, along) : undefined;
      const input = admitted?.event ?? cmd.event;
      const expectedVersion =
        admitted && 'expectedVersion' in admitted ? admitted.expectedVersion : cmd.expectedVersion;
      if (expectedVersion !== undefined && expectedVersion !== row.version) {
        throw new DomainError('VERSION_MISMATCH', `the case is at version ${row.version}, not ${expectedVersion}`, {
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
        ...(await this.workflow.factsFor(tx, row, { ...input, actor: cmd.actor }, now)),
        ...(cmd.facts ? await cmd.facts(tx, row, now) : {}),
      };
      const event = { ...input, actor: cmd.actor, now: now.toISOString(), facts } as CaseEvent;
      const decision = decideCase(row.machineVersion, row.snapshot, event);
      const result = (cmd.within ? await cmd.within(tx, row, decision, now) : undefined) as T;
      row.snapshot = decision.snapshot;
      row.state = decision.state;
      row.stateValue = decision.stateValue;
      row.context = decision.context;
      row.version += 1;
      row.updatedAt = now;
      // the audit row and the chain's new head (kept on the case row) go with the snapshot: one statement
      const entry = chainNext(row, {
        at: now,
        actor: cmd.actor,
        type: input.type,
        fromState: decision.fromState,
        toState: decision.toState,
        payload: cmd.audit ? cmd.audit(result) : eventPayload(input),
      });
      await this.repo.saveTransition(tx, row, entry);
      const ctx = { tx, row, decision, now, actor: cmd.actor };
      await this.carryOut(ctx);
      await this.workflow.recorded(ctx, { ...input, actor: cmd.actor } as FactEvent);
      await this.repo.refreshWaits(tx, row.id);
      // what is left goes with the COMMIT (or the savepoint's RELEASE), in a batch with its next statement
      DeferredWrites.end(tx);
      return { row, decision, result };
    } catch (e) {
      DeferredWrites.discard(tx);
      throw e;
    }
  }

  /** After the caller's transaction of `applyIn` committed: wake the relay, count the transition. */
  committed(eventType: string, n = 1): void {
    this.signal.wake();
    this.metrics.transitions.inc({ event: eventType }, n);
  }

  /**
   * Locks these cases for the rest of the transaction in one statement (a batch of closes, in case
   * id order): the next `lock` of each in `tx` takes its row from here without a statement. Only
   * the next one: a case's later commands in the same transaction read the row their predecessor wrote.
   */
  async lockAll(tx: EntityManager, commands: { caseId: string; actor: Actor; event: EventInput }[]): Promise<void> {
    const locked = await this.repo.lockMany(tx, [...new Set(commands.map((c) => c.caseId))].sort());
    this.prelocked.set(tx, locked);
    // the workflow reads ahead what each case's first command will read (e.g. a tender close's bids)
    const firsts = new Map<string, { row: CaseEntity; event: FactEvent }>();
    for (const c of commands) {
      const row = locked.get(c.caseId)?.row;
      if (row && !firsts.has(c.caseId))
        firsts.set(c.caseId, { row, event: { ...c.event, actor: c.actor } as FactEvent });
    }
    for (const [caseId, { panel }] of locked) if (panel) this.panel.hold(tx, caseId, panel);
    await this.workflow.prepare(tx, [...firsts.values()], this.clock.now());
  }

  /** Locks the case row for the rest of the transaction (serialises every writer of one case). */
  async lock(tx: EntityManager, caseId: string): Promise<CaseEntity> {
    return (await this.lockWith(tx, caseId, null)).row;
  }

  /** `lock`, and the rows of `along` read right behind it (`ApplyCommand.alongLock`). */
  private async lockWith(
    tx: EntityManager,
    caseId: string,
    along: DeferredWrite | null,
  ): Promise<{ row: CaseEntity; along: unknown[] }> {
    const held = this.prelocked.get(tx);
    const pre = held?.get(caseId);
    if (pre) held!.delete(caseId);
    // a case the batch locked already: its read, if any, on its own
    const { locked, along: rows } = pre
      ? { locked: pre, along: along ? ((await tx.query(along.sql, along.params)) as unknown[]) : [] }
      : await this.repo.lockWith(tx, caseId, along);
    if (!locked) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    // the panel read with the lock serves the rest of the transaction (membership, quorum, audiences)
    if (locked.panel) this.panel.hold(tx, caseId, locked.panel);
    return { row: locked.row, along: rows };
  }

  /** The people the case waits on in a human stage, read through `tx` (the workflow's obligations). */
  waitingOn(tx: EntityManager, row: CaseEntity, kind: SlaDeadlineKind): Promise<string[]> {
    return this.workflow.waitingOn(tx, row, kind);
  }

  /** Runs work under the case lock without a transition (e.g. a bid checked against the closing instant). */
  async withCaseLock<T>(caseId: string, fn: (tx: EntityManager, row: CaseEntity, now: Date) => Promise<T>): Promise<T> {
    const out = await DeferredWrites.transaction(this.ds, async (tx) => {
      const result = await fn(tx, await this.lock(tx, caseId), this.clock.now());
      await this.repo.refreshWaits(tx, caseId);
      return result;
    });
    this.signal.wake();
    return out;
  }

  /** Appends an audit row without a transition (e.g. machine migration, flag resolution on a final case). */
  async appendAudit(tx: EntityManager, caseId: string, entry: AuditInput): Promise<void> {
    await this.append(tx, caseId, entry);
  }

  /**
   * Appends an audit row to the case row in hand (the locked row of this transaction, e.g. the
   * close's BIDS_OPENED after its transition): chained in memory, written with the row's head
   * without a statement of its own.
   */
  async appendAuditInHand(tx: EntityManager, row: CaseEntity, entry: AuditInput): Promise<void> {
    await this.repo.appendAuditInHand(tx, row, chainNext(row, entry));
  }

  /** An audit row for a case whose row is not in hand: the head is moved on the row itself (locking it). */
  private async append(tx: EntityManager, caseId: string, e: AuditInput): Promise<void> {
    const head = await this.repo.advanceAuditSeq(tx, caseId);
    if (!head) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    const entry = chained(caseId, head.seq, head.prevHash, e);
    await this.repo.appendAuditAsHead(tx, entry);
  }

  /** Marks a case whose snapshot no longer restores (e.g. found by a batch of deadline closes). */
  async markNeedsMigration(caseId: string, reason: string): Promise<void> {
    this.log.error(`case ${caseId} needs migration: ${reason}`);
    await this.repo.markNeedsMigration(caseId, reason.slice(0, 1000));
  }
}

/** An audit row's content, before it is chained (seq, previous hash, hash). */
export interface AuditInput {
  at: Date;
  actor: Actor;
  type: string;
  fromState: string | null;
  toState: string;
  payload: Record<string, unknown>;
}

/** The audit row at `seq` after `prevHash` (hash = SHA-256 of the previous hash and the canonical entry). */
function chained(caseId: string, seq: number, prevHash: string, e: AuditInput): CaseEventEntity {
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
  return Object.assign(new CaseEventEntity(), { ...entry, at: e.at, prevHash, hash: auditHash(prevHash, entry) });
}

/** The next audit row of the case in hand; moves the row's head to it (saved with the row). */
function chainNext(row: CaseEntity, e: AuditInput): CaseEventEntity {
  const entry = chained(row.id, row.auditSeq + 1, row.auditHeadHash, e);
  row.auditSeq = entry.seq;
  row.auditHeadHash = entry.hash;
  return entry;
}

/** The event's own fields, without the engine's envelope. */
export function eventPayload(event: EventInput): Record<string, unknown> {
  const { type: _type, ...rest } = event as Record<string, unknown>;
  return rest;
}
