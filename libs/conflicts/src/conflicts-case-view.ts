import type { Mitigation } from '@makebuy/domain';
import { CaseEntity, CaseViewSql, isoSql, jsonListSql } from '@makebuy/cases';
import { conflictCheckStatus, exclusionFor } from './conflict.rules';
import { linkKey } from './conflict-detection.service';
import type { DeclarationView } from './declarations.service';
import type { InterestView } from './interests.service';

/** States in which the case view carries `conflictCheck` (why COMPLETE_CONFLICT_CHECK would fail). */
const CHECKED_STATES = ['conflict_check'];

/** What the conflicts part of the case view reads (one json value of the view's one statement). */
export interface ConflictsViewRows {
  /** the panel, in the order seated, with each member's name from the directory */
  members: { personId: string; name: string | null; addedAt: string }[];
  /** every declaration of the case, superseded ones included, oldest first */
  declarations: {
    id: string;
    personId: string;
    interestIds: string[];
    nilReturn: boolean;
    declaredAt: string;
    mitigation: Mitigation | null;
    reviewNote: string | null;
    reviewedBy: string | null;
    reviewedAt: string | null;
    supersededAt: string | null;
  }[];
  /** the register entries the declarations name (any owner), with the provider's name */
  interests: InterestView[];
  /** recorded links, oldest first */
  recorded: {
    personId: string;
    providerId: string;
    relationship: string | null;
    interestId: string | null;
    reason: string;
    detectedAt: string;
  }[];
  /** the consortium's member practices (relevant from the start: their links are shown live) */
  practices: { id: string; name: string }[];
  /** live links to member practices: the panel members' affiliations... */
  affiliations: { personId: string; providerId: string; relationship: string }[];
  /** ...and their register interests naming one that have not ended (or ended within the shown period) */
  interestLinks: { id: string; personId: string; providerId: string }[];
  /** names of the other providers recorded links name */
  providers: { id: string; name: string }[];
}

/**
 * The reads of the conflicts part, over the case `c`: the panel with the members' names, the
 * declarations with the interests they name, the recorded links and the live links to the
 * consortium's member practices (the same rule as `ConflictDetection.detect`: affiliations, and
 * interests that have not ended or ended on or after `endedCutoff`, YYYY-MM-DD).
 */
export function conflictsViewSql(q: CaseViewSql, endedCutoff: string): string {
  const practice = `pr.member_of_consortium_id = c.consortium_id`;
  return `json_build_object(
    'members', ${jsonListSql(
      `json_build_object('personId', cp.person_id, 'name', pe.name, 'addedAt', ${isoSql('cp.added_at')})
         ORDER BY cp.added_at, cp.person_id`,
      `FROM case_panel cp LEFT JOIN people pe ON pe.id = cp.person_id WHERE cp.case_id = c.id`,
    )},
    'declarations', ${jsonListSql(
      `json_build_object('id', d.id, 'personId', d.person_id, 'interestIds', d.interest_ids, 'nilReturn', d.nil_return,
         'declaredAt', ${isoSql('d.declared_at')}, 'mitigation', d.mitigation, 'reviewNote', d.review_note,
         'reviewedBy', d.reviewed_by, 'reviewedAt', ${isoSql('d.reviewed_at')}, 'supersededAt', ${isoSql('d.superseded_at')})
         ORDER BY d.declared_at, d.id`,
      `FROM declarations d WHERE d.case_id = c.id`,
    )},
    'interests', ${jsonListSql(
      `json_build_object('id', i.id, 'personId', i.person_id, 'category', i.category, 'providerId', i.provider_id,
         'organisation', pr.name, 'description', i.description, 'startsOn', i.starts_on, 'endsOn', i.ends_on,
         'declaredAt', ${isoSql('i.declared_at')})`,
      `FROM interests i LEFT JOIN providers pr ON pr.id = i.provider_id
        WHERE i.id IN (SELECT unnest(d.interest_ids) FROM declarations d WHERE d.case_id = c.id)`,
    )},
    'recorded', ${jsonListSql(
      `json_build_object('personId', dc.person_id, 'providerId', dc.provider_id, 'relationship', dc.relationship,
         'interestId', dc.interest_id, 'reason', dc.reason, 'detectedAt', ${isoSql('dc.detected_at')})
         ORDER BY dc.detected_at, dc.id`,
      `FROM detected_conflicts dc WHERE dc.case_id = c.id`,
    )},
    'practices', ${jsonListSql(`json_build_object('id', pr.id, 'name', pr.name)`, `FROM providers pr WHERE ${practice}`)},
    'affiliations', ${jsonListSql(
      `json_build_object('personId', a.person_id, 'providerId', a.provider_id, 'relationship', a.relationship)`,
      `FROM case_panel cp JOIN affiliations a ON a.person_id = cp.person_id
         JOIN providers pr ON pr.id = a.provider_id AND ${practice}
        WHERE cp.case_id = c.id`,
    )},
    'interestLinks', ${jsonListSql(
      `json_build_object('id', i.id, 'personId', i.person_id, 'providerId', i.provider_id)`,
      `FROM case_panel cp JOIN interests i ON i.person_id = cp.person_id
         JOIN providers pr ON pr.id = i.provider_id AND ${practice}
        WHERE cp.case_id = c.id AND (i.ends_on IS NULL OR i.ends_on >= ${q.bind(endedCutoff)}::date)`,
    )},
    'providers', ${jsonListSql(
      `json_build_object('id', pr.id, 'name', pr.name)`,
      `FROM providers pr WHERE pr.id IN (SELECT dc.provider_id FROM detected_conflicts dc WHERE dc.case_id = c.id)`,
    )}
  )`;
}

/** The case view's panel, declarations, detectedConflicts and conflictCheck, from what the view read. */
export function conflictsView(row: CaseEntity, rows: ConflictsViewRows, quorum: number): Record<string, unknown> {
  const { members } = rows;
  const memberIds = members.map((m) => m.personId);
  const current = new Map(rows.declarations.filter((d) => !d.supersededAt).map((d) => [d.personId, d]));
  const declarationViews = declarationViewsOf(row, rows);

  // links to member practices are relevant from the start: shown live even before they are
  // recorded (on a panel change, a declaration or a review)
  const live = [
    ...rows.affiliations.map((a) => ({
      personId: a.personId,
      providerId: a.providerId,
      relationship: a.relationship as string | null,
      interestId: null as string | null,
    })),
    ...rows.interestLinks.map((i) => ({
      personId: i.personId,
      providerId: i.providerId,
      relationship: null,
      interestId: i.id,
    })),
  ].sort((a, b) => (linkKey(a) < linkKey(b) ? -1 : 1));
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
  for (const r of rows.recorded.filter((r) => onPanel.has(r.personId))) links.set(linkKey(r), r);
  for (const l of live)
    if (!links.has(linkKey(l))) links.set(linkKey(l), { ...l, reason: 'member_practices', detectedAt: null });

  // declared: the member's current declaration names an interest in that provider
  const declaredProviders = new Map<string, Set<string>>();
  for (const v of declarationViews.filter((v) => v.current))
    declaredProviders.set(v.personId, new Set(v.interests.flatMap((i) => (i.providerId ? [i.providerId] : []))));

  const providerName = new Map([...rows.practices, ...rows.providers].map((p) => [p.id, p.name]));
  const personName = new Map(members.map((m) => [m.personId, m.name]));

  const panel = members.map((m) => {
    const d = current.get(m.personId);
    const ex = exclusionFor(d?.mitigation ?? null);
    return {
      personId: m.personId,
      name: personName.get(m.personId) ?? null,
      addedAt: m.addedAt,
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
          quorum,
        ),
        undeclaredConflicts: detectedConflicts.filter((c) => !c.declared).length,
      }
    : null;
  return { panel, declarations: declarationViews, detectedConflicts, conflictCheck };
}

/** Each declaration as POST /cases/{id}/declarations answers it (`DeclarationsService.views`). */
function declarationViewsOf(row: CaseEntity, rows: ConflictsViewRows): DeclarationView[] {
  const byId = new Map(
    rows.interests.map((i): [string, InterestView] => [
      i.id,
      {
        id: i.id,
        personId: i.personId,
        category: i.category,
        providerId: i.providerId,
        organisation: i.providerId ? (i.organisation ?? null) : null,
        description: i.description,
        startsOn: i.startsOn,
        endsOn: i.endsOn,
        declaredAt: i.declaredAt,
      },
    ]),
  );
  return rows.declarations.map((d) => ({
    id: d.id,
    caseId: row.id,
    personId: d.personId,
    interestIds: d.interestIds,
    interests: d.interestIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
    nilReturn: d.nilReturn,
    declaredAt: d.declaredAt,
    supersededAt: d.supersededAt,
    current: d.supersededAt === null,
    review: d.mitigation
      ? {
          mitigation: d.mitigation,
          note: d.reviewNote,
          reviewedBy: d.reviewedBy,
          reviewedAt: d.reviewedAt,
          excludedFromDecision: exclusionFor(d.mitigation).fromDecision,
          excludedFromEvaluation: exclusionFor(d.mitigation).fromEvaluation,
        }
      : null,
  }));
}
