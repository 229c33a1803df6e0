import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunnerAlreadyReleasedError } from 'typeorm';
import {
  acceptedEventTypes,
  CLIENT_EVENT_TYPES,
  ClientEventType,
  DomainError,
  EXCLUDED_FROM_DECISION_EVENTS,
  EVENT_ROLES,
  Role,
  SnapshotRestoreError,
} from '@makebuy/domain';
import { CaseAccess, CaseEntity, CaseHistory, CaseViewer, HistoryEntry } from '@makebuy/cases';
import type { Page } from '@makebuy/database';
import { ConflictsCaseParts } from '@makebuy/conflicts';
import { TenderingCaseParts } from '@makebuy/tendering';
import { AwardChecks, FlagsService, toFlagView } from '@makebuy/flags';
import { DeadlineScheduler } from '@makebuy/deadlines';

/** GET /cases/{id}: the case's own fields, `allowedEvents`, then each feature's part. */
@Injectable()
export class CaseViews {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: CaseAccess,
    private readonly conflicts: ConflictsCaseParts,
    private readonly tendering: TenderingCaseParts,
    private readonly flags: FlagsService,
    private readonly awardChecks: AwardChecks,
    private readonly deadlines: DeadlineScheduler,
    private readonly caseHistory: CaseHistory,
  ) {}

  /**
   * GET /cases/{id}/history for one reader: a panel member excluded from evaluation (or entirely)
   * may not see scores, so score rows keep their place in the chain without their scores.
   */
  async history(
    viewer: Pick<CaseViewer, 'personId'>,
    caseId: string,
    q: { limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>> {
    const page = await this.caseHistory.page(caseId, q);
    const carriesScores = (e: HistoryEntry) => e.type === 'SCORE_RECORDED';
    if (!page.items.some(carriesScores)) return page;
    if (!(await this.conflicts.exclusionOf(caseId, viewer.personId)).fromEvaluation) return page;
    return {
      ...page,
      items: page.items.map((e) => {
        if (!carriesScores(e)) return e;
        const { scores: _scores, comment: _comment, ...rest } = e.payload;
        return { ...e, payload: { ...rest, scoresHidden: true } };
      }),
    };
  }

  /**
   * The full case view, read on ONE connection (`tx`, or one pool connection taken for it, never
   * two at once): the parts one after another, and `allowedEvents` from the panel the conflicts part
   * already read (no second membership or declaration read).
   */
  async view(row: CaseEntity, viewer: CaseViewer, tx?: EntityManager): Promise<Record<string, unknown>> {
    if (tx) return this.viewOn(tx, row, viewer);
    const qr = this.ds.createQueryRunner();
    try {
      await qr.connect();
      return await this.viewOn(qr.manager, row, viewer);
    } catch (e) {
      throw lostConnection(e);
    } finally {
      await qr.release();
    }
  }

  /**
   * GET /cases/{id}: the row (404 if the viewer may not see it: the same rule as CaseAccessGuard,
   * the row and the viewer's panel seat in one statement) and its view, on one connection.
   */
  async visibleView(viewer: CaseViewer, caseId: string): Promise<{ row: CaseEntity; view: Record<string, unknown> }> {
    const qr = this.ds.createQueryRunner();
    try {
      await qr.connect();
      const { row } = await this.access.visible(viewer, caseId, qr.manager);
      return { row, view: await this.viewOn(qr.manager, row, viewer) };
    } catch (e) {
      throw lostConnection(e);
    } finally {
      await qr.release();
    }
  }

  private async viewOn(tx: EntityManager, row: CaseEntity, viewer: CaseViewer): Promise<Record<string, unknown>> {
    const conflicts = (await this.conflicts.view(row, tx)) as { panel: PanelSeat[] };
    const seat = viewer.personId ? (conflicts.panel.find((m) => m.personId === viewer.personId) ?? null) : null;
    const ctx = row.context;
    const base = {
      id: row.id,
      ocid: row.ocid,
      title: row.title,
      serviceName: row.serviceName,
      description: row.description,
      cpvCode: row.cpvCode,
      consortiumId: row.consortiumId,
      fromSetting: row.fromSetting,
      toSetting: row.toSetting,
      estimatedAnnualValue: { amount: row.estimatedAnnualValue, currency: row.currency },
      termMonths: row.termMonths,
      track: row.track,
      route: ctx.route,
      state: row.state,
      stateValue: row.stateValue,
      version: row.version,
      machineVersion: row.machineVersion,
      needsMigration: row.needsMigration,
      allowedEvents: this.allowedEventsFor(row, viewer, seat),
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      criteria: ctx.criteria,
      tender: ctx.tenderPublishedAt ? { publishedAt: ctx.tenderPublishedAt, closesAt: ctx.tenderClosesAt } : null,
      proposal: ctx.proposal,
      intentionPublishedAt: ctx.intentionPublishedAt,
      awardedAt: ctx.awardedAt,
      cancellation: ctx.cancellation,
      panel: [],
      declarations: [],
      detectedConflicts: [],
      deadlines: [],
      flags: [],
    };
    // the features' parts, one after another on the one connection
    const deadlines = await this.deadlines.view(row, tx);
    const flags = (await this.flags.forCase(row.id, tx)).map((f) => toFlagView(f, row.state));
    const awardChecks = await this.awardChecks.latestRun(row.id, tx);
    const tendering = await this.tendering.view(row, viewer, tx);
    return Object.assign(base, conflicts, deadlines, { flags }, { awardChecks }, tendering);
  }

  /** Client events the caller could send now: the state accepts it, the role allows it, no exclusion forbids it.
   * `seat`: the viewer's place on the panel (null off it), as the conflicts part of the view reads it. */
  private allowedEventsFor(
    row: CaseEntity,
    viewer: CaseViewer,
    seat: Pick<PanelSeat, 'excludedFromDecision' | 'reviewed'> | null,
  ): ClientEventType[] {
    if (row.needsMigration) return [];
    let accepted: Set<string>;
    try {
      accepted = new Set(acceptedEventTypes(row.machineVersion, row.snapshot));
    } catch (e) {
      if (e instanceof SnapshotRestoreError) return []; // reported by the engine and the migrator, never a crash
      throw e;
    }
    const candidates = CLIENT_EVENT_TYPES.filter(
      (t) => accepted.has(t) && EVENT_ROLES[t].some((r: Role) => viewer.roles.includes(r)),
    );
    // decisions: a panel member with a reviewed declaration not excluding it; CANCEL: not excluded
    return candidates.filter((t) => {
      if (EXCLUDED_FROM_DECISION_EVENTS.includes(t)) return !!seat && seat.reviewed && !seat.excludedFromDecision;
      if (t === 'CANCEL') return !seat?.excludedFromDecision;
      return true;
    });
  }
}

/**
 * The view's one connection dropped mid-read (a database restart): TypeORM releases the query
 * runner on the connection's error, and the next read says "already released". That is a lost
 * connection (503 OVERLOADED, retry), not a bug of ours (500).
 */
function lostConnection(e: unknown): unknown {
  if (e instanceof QueryRunnerAlreadyReleasedError)
    return new DomainError('OVERLOADED', 'the database connection was lost while reading the case; retry later');
  return e;
}

/** A member's row in the conflicts part of the view (what allowedEvents needs of it). */
interface PanelSeat {
  personId: string;
  excludedFromDecision: boolean;
  reviewed: boolean;
}
