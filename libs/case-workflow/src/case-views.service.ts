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
import {
  CaseAccess,
  CaseEntity,
  CaseHistory,
  CaseViewer,
  CaseViewSql,
  CaseViewStatement,
  HistoryEntry,
  queryCaseView,
} from '@makebuy/cases';
import type { Page } from '@makebuy/database';
import { ConflictsCaseParts } from '@makebuy/conflicts';
import { TenderingCaseParts } from '@makebuy/tendering';
import { AwardChecks, FlagsService } from '@makebuy/flags';
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
   * The full case view of a row in hand (a write's answer), in ONE statement: on `tx`, or on one
   * pool connection taken for it. The statement reads every part's rows at once (`reads`); the
   * case's own fields come from the row.
   */
  async view(row: CaseEntity, viewer: CaseViewer, tx?: EntityManager): Promise<Record<string, unknown>> {
    // the row in hand stands in for the case row `c` the parts read over
    const q = new CaseViewStatement(row, [row.id, row.consortiumId, row.state, JSON.stringify(row.context)]);
    const sql = `SELECT ${CaseViewStatement.columns(this.reads(q, viewer))}
      FROM (SELECT $1::uuid AS id, $2::uuid AS consortium_id, $3::text AS state, $4::jsonb AS context) c`;
    try {
      const parts = (await queryCaseView(this.ds, tx, sql, q.params)) as unknown as PartRows;
      return this.viewOf(row, viewer, parts);
    } catch (e) {
      throw lostConnection(e);
    }
  }

  /**
   * GET /cases/{id}: the row (404 if the viewer may not see it: the same rule as CaseAccessGuard),
   * the viewer's panel seat and every part's rows, in ONE statement.
   */
  async visibleView(viewer: CaseViewer, caseId: string): Promise<{ row: CaseEntity; view: Record<string, unknown> }> {
    try {
      const { row, reads } = await this.access.visible(viewer, caseId, this.ds.manager, (q) => this.reads(q, viewer));
      return { row, view: this.viewOf(row, viewer, reads as unknown as PartRows) };
    } catch (e) {
      throw lostConnection(e);
    }
  }

  /** What each part of the view reads: one json column each. */
  private reads(q: CaseViewSql, viewer: CaseViewer): Record<keyof PartRows, string> {
    return {
      conflicts: this.conflicts.viewSql(q),
      deadlines: this.deadlines.viewSql(),
      flags: this.flags.caseViewSql(),
      awardChecks: this.awardChecks.latestRunSql(),
      tendering: this.tendering.viewSql(q, viewer),
    };
  }

  /** The view from the row and its parts' rows; `allowedEvents` from the panel the conflicts part shows. */
  private viewOf(row: CaseEntity, viewer: CaseViewer, parts: PartRows): Record<string, unknown> {
    const conflicts = this.conflicts.view(row, parts.conflicts) as { panel: PanelSeat[] };
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
    const deadlines = this.deadlines.view(parts.deadlines);
    const flags = this.flags.caseView(parts.flags, row.state);
    const awardChecks = this.awardChecks.latestRun(parts.awardChecks);
    const tendering = this.tendering.view(row, viewer, parts.tendering);
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
 * The view's connection dropped mid-read (a database restart): TypeORM may release the query
 * runner on the connection's error and then say "already released". That is a lost connection
 * (503 OVERLOADED, retry), not a bug of ours (500).
 */
function lostConnection(e: unknown): unknown {
  if (e instanceof QueryRunnerAlreadyReleasedError)
    return new DomainError('OVERLOADED', 'the database connection was lost while reading the case; retry later');
  return e;
}

/** Each part's rows, as the view's one statement reads them (one json column per part). */
interface PartRows {
  conflicts: Parameters<ConflictsCaseParts['view']>[1];
  deadlines: Parameters<DeadlineScheduler['view']>[0];
  flags: Parameters<FlagsService['caseView']>[0];
  awardChecks: Parameters<AwardChecks['latestRun']>[0];
  tendering: Parameters<TenderingCaseParts['view']>[2];
}

/** A member's row in the conflicts part of the view (what allowedEvents needs of it). */
interface PanelSeat {
  personId: string;
  excludedFromDecision: boolean;
  reviewed: boolean;
}
