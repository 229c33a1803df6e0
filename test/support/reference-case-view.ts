/**
 * The case view as it was read before it became one statement (main 38caa35): each part one
 * query after another through the services. Kept only for the equivalence test
 * (test/medium/case-view-one-statement.e2e-spec.ts); production reads the view in one statement.
 */
import type { INestApplication } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseAccess, CaseEntity, CasePanel, CaseViewer } from '@makebuy/cases';
import { ConflictsService, DeclarationsService, conflictCheckStatus, exclusionFor } from '@makebuy/conflicts';
import { DirectoryService } from '@makebuy/directory';
import { Clock } from '@makebuy/settings';
import { DeadlineQueries } from '@makebuy/deadlines';
import { toFlagView, toRunView } from '@makebuy/flags';
import { CaseViews } from '@makebuy/case-workflow';
import { ConflictDetection, linkKey } from '../../libs/conflicts/src/conflict-detection.service';
import { FlagEntity } from '../../libs/flags/src/flag.entities';
import { AwardCheckRunsRepository } from '../../libs/flags/src/award-check-runs.repository';
import { TenderAccess } from '../../libs/tendering/src/tender-access.service';
import { TenderingQueries } from '../../libs/tendering/src/tendering-queries.service';
import { EvaluationService } from '../../libs/tendering/src/evaluation.service';

const CHECKED_STATES = ['conflict_check'];

interface Services {
  panel: CasePanel;
  declarations: DeclarationsService;
  detection: ConflictDetection;
  directory: DirectoryService;
  clock: Clock;
  conflicts: ConflictsService;
}

async function conflictsPart(s: Services, row: CaseEntity, tx: EntityManager): Promise<Record<string, unknown>> {
  // one after another: the view is read on one connection
  const members = await s.panel.members(row.id, tx);
  const all = await s.declarations.all(row.id, tx);
  const recorded = await s.detection.recorded(row.id, tx);
  const memberIds = members.map((m) => m.personId);
  const current = new Map(all.filter((d) => !d.supersededAt).map((d) => [d.personId, d]));
  const declarationViews = await s.declarations.views(all, tx);

  // links to member practices are relevant from the start: shown live even before they are
  // recorded (on a panel change, a declaration or a review)
  const practices = await s.detection.memberPractices(row.consortiumId, tx);
  const live = await s.detection.detect(
    memberIds,
    practices.map((p) => p.id),
    s.clock.now(),
    tx,
  );
  const onPanel = new Set(memberIds);
  const links = new Map<
    string,
    {
      personId: string;
      providerId: string;
      relationship: string | null;
      interestId: string | null;
      reason: string;
      detectedAt: string | null;
    }
  >();
  for (const r of recorded.filter((r) => onPanel.has(r.personId)))
    links.set(linkKey(r), { ...r, detectedAt: r.detectedAt.toISOString() });
  for (const l of live)
    if (!links.has(linkKey(l))) links.set(linkKey(l), { ...l, reason: 'member_practices', detectedAt: null });

  // declared: the member's current declaration names an interest in that provider
  const declaredProviders = new Map<string, Set<string>>();
  for (const v of declarationViews.filter((v) => v.current))
    declaredProviders.set(v.personId, new Set(v.interests.flatMap((i) => (i.providerId ? [i.providerId] : []))));

  const providerIds = [...new Set([...links.values()].map((l) => l.providerId))];
  const people = await s.directory.findPeople(memberIds, tx);
  const providerName = new Map(practices.map((p) => [p.id, p.name]));
  // only providers that are not the consortium's member practices (named above) are read
  const others = providerIds.filter((id) => !providerName.has(id));
  if (others.length) for (const p of await s.directory.findProviders(others, tx)) providerName.set(p.id, p.name);
  const personName = new Map(people.map((p) => [p.id, p.name]));

  const panel = members.map((m) => {
    const d = current.get(m.personId);
    const ex = exclusionFor(d?.mitigation ?? null);
    return {
      personId: m.personId,
      name: personName.get(m.personId) ?? null,
      addedAt: m.addedAt.toISOString(),
      mitigation: ex.mitigation,
      excludedFromDecision: ex.fromDecision,
      excludedFromEvaluation: ex.fromEvaluation,
      declared: !!d,
      reviewed: !!d?.mitigation,
      declarationId: d?.id ?? null,
    };
  });
  const detectedConflicts = [...links.values()]
    .map((l) => ({
      personId: l.personId,
      personName: personName.get(l.personId) ?? null,
      providerId: l.providerId,
      providerName: providerName.get(l.providerId) ?? null,
      relationship: l.relationship,
      interestId: l.interestId,
      source: l.interestId ? 'interest' : 'affiliation',
      reason: l.reason,
      declared: declaredProviders.get(l.personId)?.has(l.providerId) ?? false,
      detectedAt: l.detectedAt,
    }))
    .sort((a, b) => (linkKey(a) < linkKey(b) ? -1 : 1));

  const conflictCheck = CHECKED_STATES.includes(row.state)
    ? {
        ...conflictCheckStatus(
          members.map((m) => {
            const d = current.get(m.personId);
            return { personId: m.personId, declaration: d ? { id: d.id, mitigation: d.mitigation } : null };
          }),
          s.conflicts.quorumOf(row),
        ),
        undeclaredConflicts: detectedConflicts.filter((c) => !c.declared).length,
      }
    : null;
  return { panel, declarations: declarationViews, detectedConflicts, conflictCheck };
}

/** GET /cases/{id} for `viewer` as main 38caa35 built it (null: 404). */
export async function referenceCaseView(
  app: INestApplication,
  viewer: CaseViewer,
  caseId: string,
): Promise<Record<string, unknown> | null> {
  const tx = app.get(DataSource).manager;
  const get = <T>(c: abstract new (...a: never[]) => T): T => app.get(c as never, { strict: false });
  const s: Services = {
    panel: get(CasePanel),
    declarations: get(DeclarationsService),
    detection: get(ConflictDetection),
    directory: get(DirectoryService),
    clock: get(Clock),
    conflicts: get(ConflictsService),
  };
  // the row as TypeORM hydrates it, and the visibility rule with its own membership read
  const row = await tx.findOneBy(CaseEntity, { id: caseId });
  if (!row || !(await get(CaseAccess).canSee(viewer, row, tx))) return null;
  const conflicts = (await conflictsPart(s, row, tx)) as {
    panel: { personId: string; excludedFromDecision: boolean; reviewed: boolean }[];
  };
  const seat = viewer.personId ? (conflicts.panel.find((m) => m.personId === viewer.personId) ?? null) : null;
  const views = get(CaseViews) as unknown as {
    allowedEventsFor: (row: CaseEntity, viewer: CaseViewer, seat: unknown) => string[];
  };
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
    allowedEvents: views.allowedEventsFor(row, viewer, seat),
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
  // deadlines
  const rows = await get(DeadlineQueries).forCase(row.id, tx);
  const standstill = rows.find((d) => d.kind === 'standstill_end' && d.status === 'pending');
  const deadlines = {
    deadlines: rows.map((d) => ({ kind: d.kind, dueAt: d.dueAt.toISOString(), status: d.status })),
    standstillEndsAt: standstill ? standstill.dueAt.toISOString() : null,
  };
  // flags
  const flagRows = await tx
    .getRepository(FlagEntity)
    .createQueryBuilder('f')
    .where('f.case_id = :caseId', { caseId: row.id })
    .orderBy('f.proposal_seq', 'DESC')
    .addOrderBy('f.created_at', 'ASC')
    .addOrderBy('f.dedupe_key', 'ASC')
    .getMany();
  const flags = flagRows.map((f) => toFlagView(f, row.state));
  // award checks
  const run = await get(AwardCheckRunsRepository).latest(row.id, tx);
  const awardChecks = run ? toRunView(run) : null;
  // tendering
  const access = get(TenderAccess);
  let tendering: Record<string, unknown> = {};
  if (row.context.tenderPublishedAt && (await access.hasClosed(row, tx))) {
    const received = await get(TenderingQueries).receivedBidRows(row.id, tx);
    tendering = { tenderSummary: { bidCount: received.length } };
    if (
      row.state !== 'cancelled' &&
      row.state !== 'unsuccessful' &&
      (await access.evaluationSight(viewer, row.id, tx)).ranking
    ) {
      const ranking = await get(EvaluationService).ranking(row, tx);
      if (ranking) tendering.ranking = ranking;
    }
  }
  return Object.assign(base, conflicts, deadlines, { flags }, { awardChecks }, tendering);
}
