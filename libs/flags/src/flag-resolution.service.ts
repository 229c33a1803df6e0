import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, DomainError, FINAL_STATES, Role, isDomainError } from '@makebuy/domain';
import { CaseEngine, CaseQueries } from '@makebuy/cases';
import { FlagEntity, FlagResolution } from './flag.entities';
import { FlagsService, FlagView, toFlagView } from './flags.service';

export interface FlagResolver {
  sub: string;
  personId: string | null;
  roles: readonly Role[];
}

export interface ResolveFlagInput {
  resolution: FlagResolution;
  justification: string;
}

/**
 * A governance officer resolves a flag: `accepted` (the finding is noted, the award may go on) or
 * `upheld` (the finding stands: an upheld blocking flag of the current proposal rejects the award).
 * The resolution goes through the case engine as FLAG_RESOLVED, so it is audited on the case and
 * the statechart decides what it means; a case in a final state takes no events, so there the
 * resolution is recorded on the audit chain directly.
 */
@Injectable()
export class FlagResolutionService {
  constructor(
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueries,
    private readonly flags: FlagsService,
  ) {}

  /** `expectedVersion`: the case version the caller saw (If-Match); stale: VERSION_MISMATCH. */
  async resolve(
    caller: FlagResolver,
    flagId: string,
    input: ResolveFlagInput,
    expectedVersion?: number,
  ): Promise<FlagView> {
    const flag = await this.flags.get(flagId);
    const row = await this.cases.find(flag.caseId);
    // the contract's order: 412 (stale If-Match) before 409 (already resolved)
    if (row && expectedVersion !== undefined && expectedVersion !== row.version)
      assertVersion(row.version, expectedVersion);
    assertOpen(flag);
    const actor: Actor = { id: caller.personId ?? caller.sub, roles: caller.roles };
    if (row && FINAL_STATES.includes(row.state))
      return this.resolveOnFinalCase(actor, caller, flag, input, expectedVersion);
    try {
      const { result } = await this.engine.apply({
        caseId: flag.caseId,
        actor,
        expectedVersion,
        event: {
          type: 'FLAG_RESOLVED',
          flagId: flag.id,
          code: flag.code,
          severity: flag.severity,
          resolution: input.resolution,
          proposalSeq: flag.proposalSeq,
        },
        within: (tx, _row, _decision, now) => this.markResolved(tx, flag.id, caller, input, now),
        audit: () => auditPayload(flag, input),
      });
      return toFlagView(result, (await this.cases.find(flag.caseId))?.state ?? null);
    } catch (e) {
      // the case reached a final state between our read and the lock (e.g. standstill ended)
      if (isDomainError(e) && e.code === 'EVENT_NOT_ALLOWED') {
        const now = await this.cases.find(flag.caseId);
        if (now && FINAL_STATES.includes(now.state))
          return this.resolveOnFinalCase(actor, caller, flag, input, expectedVersion);
      }
      throw e;
    }
  }

  private async resolveOnFinalCase(
    actor: Actor,
    caller: FlagResolver,
    flag: FlagEntity,
    input: ResolveFlagInput,
    expectedVersion?: number,
  ): Promise<FlagView> {
    let caseState: string | null = null;
    const resolved = await this.engine.withCaseLock(flag.caseId, async (tx, row, now) => {
      caseState = row.state;
      if (expectedVersion !== undefined) assertVersion(row.version, expectedVersion);
      const f = await this.markResolved(tx, flag.id, caller, input, now);
      await this.engine.appendAudit(tx, flag.caseId, {
        at: now,
        actor,
        type: 'FLAG_RESOLVED',
        fromState: row.state,
        toState: row.state,
        payload: auditPayload(flag, input),
      });
      return f;
    });
    return toFlagView(resolved, caseState);
  }

  /** Under the case lock: the flag must still be open (a second resolution is a 409). */
  private async markResolved(
    tx: EntityManager,
    flagId: string,
    caller: FlagResolver,
    input: ResolveFlagInput,
    now: Date,
  ): Promise<FlagEntity> {
    const flag = await tx
      .getRepository(FlagEntity)
      .createQueryBuilder('f')
      .where('f.id = :flagId', { flagId })
      .setLock('pessimistic_write')
      .getOne();
    if (!flag) throw new DomainError('NOT_FOUND', `flag ${flagId} not found`);
    assertOpen(flag);
    flag.status = input.resolution;
    flag.resolution = input.resolution;
    flag.justification = input.justification;
    flag.resolvedBy = caller.personId;
    flag.resolvedAt = now;
    await tx.update(
      FlagEntity,
      { id: flag.id },
      {
        status: flag.status,
        resolution: flag.resolution,
        justification: flag.justification,
        resolvedBy: flag.resolvedBy,
        resolvedAt: now,
      },
    );
    return flag;
  }
}

function assertVersion(current: number, expected: number): void {
  if (current !== expected)
    throw new DomainError('VERSION_MISMATCH', `the case is at version ${current}, not ${expected}`, {
      currentVersion: current,
    });
}

function assertOpen(flag: FlagEntity): void {
  if (flag.status !== 'open')
    throw new DomainError(
      'CONFLICT',
      flag.status === 'superseded'
        ? `flag ${flag.id} is superseded: it blocks nothing and needs no resolution`
        : `flag ${flag.id} was already resolved (${flag.status})`,
      {
        flagId: flag.id,
        // not `status`: that is the problem document's HTTP status
        flagStatus: flag.status,
        resolvedAt: flag.resolvedAt?.toISOString() ?? null,
      },
    );
}

const auditPayload = (flag: FlagEntity, input: ResolveFlagInput) => ({
  flagId: flag.id,
  code: flag.code,
  severity: flag.severity,
  proposalSeq: flag.proposalSeq,
  resolution: input.resolution,
  justification: input.justification,
});
