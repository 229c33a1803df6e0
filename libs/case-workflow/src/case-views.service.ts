import { Injectable } from '@nestjs/common';
import {
  acceptedEventTypes,
  CLIENT_EVENT_TYPES,
  ClientEventType,
  EXCLUDED_FROM_DECISION_EVENTS,
  EVENT_ROLES,
  Role,
  SnapshotRestoreError,
} from '@makebuy/domain';
import { CaseEntity, CaseHistory, CasePanel, CaseViewer, HistoryEntry } from '@makebuy/cases';
import type { Page } from '@makebuy/database';
import { ConflictsCaseParts } from '@makebuy/conflicts';
import { TenderingCaseParts } from '@makebuy/tendering';
import { AwardChecks, FlagsService, toFlagView } from '@makebuy/flags';
import { DeadlineQueries, DeadlineScheduler } from '@makebuy/deadlines';

/** GET /cases/{id}: the case's own fields, `allowedEvents`, then each feature's part. */
@Injectable()
export class CaseViews {
  constructor(
    private readonly conflicts: ConflictsCaseParts,
    private readonly tendering: TenderingCaseParts,
    private readonly flags: FlagsService,
    private readonly awardChecks: AwardChecks,
    private readonly deadlines: DeadlineScheduler,
    private readonly panel: CasePanel,
    private readonly caseHistory: CaseHistory,
    private readonly deadlineQueries: DeadlineQueries,
  ) {}

  /** GET /cases: one summary per case (the full view is GET /cases/{id}). */
  async summaries(rows: CaseEntity[]) {
    const next = await this.deadlineQueries.nextDue(rows.map((r) => r.id));
    return rows.map((r) => {
      const d = next.get(r.id);
      return {
        id: r.id,
        ocid: r.ocid,
        title: r.title,
        serviceName: r.serviceName,
        consortiumId: r.consortiumId,
        state: r.state,
        track: r.track,
        route: r.context.route,
        version: r.version,
        updatedAt: r.updatedAt.toISOString(),
        nextDeadline: d ? { kind: d.kind, dueAt: d.dueAt.toISOString() } : null,
      };
    });
  }

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

  async view(row: CaseEntity, viewer: CaseViewer): Promise<Record<string, unknown>> {
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
      allowedEvents: await this.allowedEvents(row, viewer),
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
    // the features' parts (read after the command committed, outside any transaction)
    const parts = await Promise.all([
      this.conflicts.view(row),
      this.deadlines.view(row),
      this.flags.forCase(row.id).then((fs) => ({ flags: fs.map((f) => toFlagView(f, row.state)) })),
      this.awardChecks.latestRun(row.id).then((awardChecks) => ({ awardChecks })),
      this.tendering.view(row, viewer),
    ]);
    return Object.assign(base, ...parts);
  }

  /** Client events the caller could send now: the state accepts it, the role allows it, no exclusion forbids it. */
  async allowedEvents(row: CaseEntity, viewer: CaseViewer): Promise<ClientEventType[]> {
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
    if (!candidates.some((t) => EXCLUDED_FROM_DECISION_EVENTS.includes(t) || t === 'CANCEL')) return candidates;
    // decisions: a panel member with a reviewed declaration not excluding it; CANCEL: not excluded
    const onPanel = !!viewer.personId && (await this.panel.isMember(row.id, viewer.personId));
    const ex = onPanel ? await this.conflicts.exclusionOf(row.id, viewer.personId) : null;
    return candidates.filter((t) => {
      if (EXCLUDED_FROM_DECISION_EVENTS.includes(t)) return !!ex && ex.reviewed && !ex.fromDecision;
      if (t === 'CANCEL') return !ex?.fromDecision;
      return true;
    });
  }
}
