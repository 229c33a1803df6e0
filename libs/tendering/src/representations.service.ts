import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, MoreThanOrEqual, Not } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { CaseCaller, CaseEngine, CaseEntity, CaseTimePolicy } from '@makebuy/cases';
import { BidEntity, RepresentationEntity, RepresentationOutcome, RepresentationStatus } from './tendering.entities';
import { TenderAccess } from './tender-access.service';

export interface RepresentationView {
  id: string;
  caseId: string;
  providerId: string;
  text: string;
  status: RepresentationStatus;
  lodgedAt: string;
  response: string | null;
  resolvedAt: string | null;
}

export interface RepresentationChange extends RepresentationView {
  /** the case version after the change (for If-Match on the next write) */
  caseVersion: number;
}

export const representationView = (r: RepresentationEntity): RepresentationView => ({
  id: r.id,
  caseId: r.caseId,
  providerId: r.providerId,
  text: r.text,
  status: r.status,
  lodgedAt: r.lodgedAt.toISOString(),
  response: r.response,
  resolvedAt: r.resolvedAt ? r.resolvedAt.toISOString() : null,
});

const isPaused = (stateValue: unknown): boolean =>
  typeof stateValue === 'object' &&
  stateValue !== null &&
  (stateValue as Record<string, unknown>).standstill === 'paused';

/**
 * Standstill representations: a bidder lodges one while the standstill runs (it pauses it); a
 * governance officer resolves it (`upheld`: back to evaluation; `not_upheld`: a further standstill).
 */
@Injectable()
export class RepresentationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly access: TenderAccess,
    private readonly time: CaseTimePolicy,
  ) {}

  async lodge(
    caller: CaseCaller,
    caseId: string,
    text: string,
    expectedVersion?: number,
  ): Promise<RepresentationChange> {
    const procurement = await this.access.publicProcurement(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    // the make route had no tender: any provider that would have wanted to be considered may object
    if (procurement.context.route === 'competitive') {
      const bid = await this.ds.manager.findOneBy(BidEntity, {
        caseId,
        providerId,
        status: In(['submitted', 'closed']),
      });
      if (!bid)
        throw new DomainError('FORBIDDEN', 'only a provider that bid on this tender may lodge a representation');
    }
    const representationId = randomUUID();
    const { row, result } = await this.engine.apply({
      caseId,
      actor: { id: personId, roles: caller.roles },
      event: { type: 'REPRESENTATION_LODGED', representationId },
      expectedVersion,
      // the window is checked under the case lock, before the machine sees the event
      facts: async (tx, locked, now) => {
        await this.requireWindow(tx, locked, now);
        return {};
      },
      within: async (tx, _locked, _decision, now) => {
        const rep = tx.create(RepresentationEntity, {
          id: representationId,
          caseId,
          providerId,
          lodgedBy: personId,
          text,
          lodgedAt: now,
          status: 'open',
          response: null,
          resolvedBy: null,
          resolvedAt: null,
        });
        await tx.insert(RepresentationEntity, rep);
        return rep;
      },
      audit: () => ({ representationId, providerId }),
    });
    return { ...representationView(result), caseVersion: row.version };
  }

  async resolve(
    caller: CaseCaller,
    caseId: string,
    representationId: string,
    input: { outcome: RepresentationOutcome; response: string },
    expectedVersion?: number,
  ): Promise<RepresentationChange> {
    const existing = await this.ds.manager.findOneBy(RepresentationEntity, { id: representationId, caseId });
    if (!existing) throw new DomainError('NOT_FOUND', `representation ${representationId} not found`);
    const actorId = caller.personId ?? caller.sub;
    const { row, result } = await this.engine.apply({
      caseId,
      actor: { id: actorId, roles: caller.roles },
      event: { type: 'REPRESENTATION_RESOLVED', representationId, outcome: input.outcome },
      expectedVersion,
      facts: async (tx) => {
        const rep = await tx.findOneByOrFail(RepresentationEntity, { id: representationId });
        if (rep.status !== 'open') throw new DomainError('CONFLICT', `representation ${representationId} is resolved`);
        return {};
      },
      within: async (tx, _locked, _decision, now) => {
        await tx.update(
          RepresentationEntity,
          { id: representationId },
          { status: input.outcome, response: input.response, resolvedBy: caller.personId, resolvedAt: now },
        );
        return tx.findOneByOrFail(RepresentationEntity, { id: representationId });
      },
      audit: () => ({ representationId, outcome: input.outcome, response: input.response }),
    });
    return { ...representationView(result), caseVersion: row.version };
  }

  /** A bidder sees its own representations; the case's people see all of them. */
  async list(
    caller: CaseCaller,
    caseId: string,
    q: { limit: number; cursor?: string },
  ): Promise<Page<RepresentationView>> {
    const row = await this.access.publicProcurement(caseId);
    const qb = this.ds
      .getRepository(RepresentationEntity)
      .createQueryBuilder('r')
      .where('r.case_id = :caseId', { caseId })
      .orderBy('r.lodged_at')
      .addOrderBy('r.id')
      .limit(q.limit + 1);
    if (this.access.isProviderUser(caller)) qb.andWhere('r.provider_id = :p', { p: caller.providerId });
    else await this.access.requireCaseViewer(caller, row);
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(r.lodged_at, r.id) > (:t, :id)', { t: after.t, id: after.id });
    const page = pageOf(await qb.getMany(), q.limit, (r) => ({ t: r.lodgedAt.toISOString(), id: r.id }));
    return { items: page.items.map(representationView), nextCursor: page.nextCursor };
  }

  /**
   * Open representations of the current standstill other than `exceptId` (the fact REPRESENTATION_RESOLVED
   * needs). Ones left open by an earlier standstill (ended by an upheld one) do not hold this one up.
   */
  openRepresentations(tx: EntityManager, row: CaseEntity, exceptId?: string): Promise<number> {
    return tx.countBy(RepresentationEntity, this.openOfCurrentStandstill(row, exceptId));
  }

  /** Ids of the open representations of the current standstill, oldest first. */
  async openRepresentationIds(tx: EntityManager, row: CaseEntity): Promise<string[]> {
    const rows = await tx.find(RepresentationEntity, {
      select: { id: true },
      where: this.openOfCurrentStandstill(row),
      order: { lodgedAt: 'ASC', id: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  private openOfCurrentStandstill(row: CaseEntity, exceptId?: string) {
    return {
      caseId: row.id,
      status: 'open' as const,
      ...(row.context.intentionPublishedAt
        ? { lodgedAt: MoreThanOrEqual(new Date(row.context.intentionPublishedAt)) }
        : {}),
      ...(exceptId ? { id: Not(exceptId) } : {}),
    };
  }

  /**
   * When the running standstill ends: the standstill from the intention to award, or the further
   * standstill from the last `not_upheld` resolution since then. Null when no standstill runs.
   * Computed with the same policy arithmetic the scheduled `standstill_end` deadline uses.
   */
  async standstillEndsAt(tx: EntityManager, row: CaseEntity): Promise<Date | null> {
    if (row.state !== 'standstill' || isPaused(row.stateValue) || !row.context.intentionPublishedAt) return null;
    const since = new Date(row.context.intentionPublishedAt);
    const last = await tx.findOne(RepresentationEntity, {
      where: { caseId: row.id, status: 'not_upheld', resolvedAt: MoreThanOrEqual(since) },
      order: { resolvedAt: 'DESC' },
    });
    return last?.resolvedAt
      ? this.time.dueFor('furtherStandstill', row, last.resolvedAt)
      : this.time.dueFor('standstill', row, since);
  }

  /** When each representation on these cases was lodged and how it stands (no text, no provider): the public record. */
  async outcomes(
    caseIds: string[],
    tx: EntityManager = this.ds.manager,
  ): Promise<{ lodgedAt: string; outcome: string }[]> {
    if (!caseIds.length) return [];
    const reps = await tx.find(RepresentationEntity, {
      where: { caseId: In(caseIds) },
      order: { lodgedAt: 'ASC', id: 'ASC' },
    });
    return reps.map((r) => ({ lodgedAt: r.lodgedAt.toISOString(), outcome: r.status }));
  }

  /** NOT_FOUND unless the case's tender or intention to award was published. */
  async requirePublic(caseId: string): Promise<void> {
    await this.access.publicProcurement(caseId);
  }

  /** Representations are accepted during standstill until it ends; while paused the clock is stopped. */
  private async requireWindow(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    if (row.state !== 'standstill') {
      throw new DomainError('WINDOW_CLOSED', 'representations are accepted only during the standstill');
    }
    if (isPaused(row.stateValue)) return;
    const endsAt = await this.standstillEndsAt(tx, row);
    if (endsAt && now.getTime() >= endsAt.getTime()) {
      throw new DomainError('WINDOW_CLOSED', 'the standstill has ended', { standstillEndedAt: endsAt.toISOString() });
    }
  }
}
