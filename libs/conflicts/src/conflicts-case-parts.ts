import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseFacts } from '@makebuy/domain';
import { Clock } from '@makebuy/settings';
import { DirectoryService } from '@makebuy/directory';
import { CaseEntity, CasePanel } from '@makebuy/cases';
import { conflictCheckStatus, exclusionFor } from './conflict.rules';
import { ConflictDetection, linkKey } from './conflict-detection.service';
import { ConflictsService } from './conflicts.service';
import { DeclarationsService } from './declarations.service';

/** States in which the case view carries `conflictCheck` (why COMPLETE_CONFLICT_CHECK would fail). */
const CHECKED_STATES = ['conflict_check'];

/**
 * The conflicts feature's parts of a case, called by the case workflow: the facts the
 * statechart's guards read (in the command's transaction), recording the links to the providers a
 * make decision names, the caller's exclusion (for allowedEvents) and the case view's panel,
 * declarations, detectedConflicts and conflictCheck.
 */
@Injectable()
export class ConflictsCaseParts {
  constructor(
    private readonly conflicts: ConflictsService,
    private readonly declarations: DeclarationsService,
    private readonly detection: ConflictDetection,
    private readonly panel: CasePanel,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
  ) {}

  /** SUBMIT: how many sit on the panel. */
  async submitFacts(tx: EntityManager, row: CaseEntity): Promise<CaseFacts> {
    return { panelSize: await this.conflicts.panelSize(row.id, tx) };
  }

  /** COMPLETE_CONFLICT_CHECK: every declaration made and reviewed, and the decision makers left. */
  async conflictCheckFacts(tx: EntityManager, row: CaseEntity): Promise<CaseFacts> {
    const status = await this.conflicts.conflictCheck(row, tx);
    return {
      declarationsComplete: status.declarationsComplete,
      unexcludedDecisionMakers: status.unexcludedDecisionMakers,
    };
  }

  /** DECIDE_MAKE, DECIDE_BUY, PROPOSE_AWARD: a decision needs a reviewed declaration that does not
   * exclude the sender from decisions. */
  async decisionFacts(tx: EntityManager, row: CaseEntity, actorId: string): Promise<CaseFacts> {
    const e = await this.conflicts.exclusionOf(row.id, actorId, tx);
    return { actorExcludedFromDecision: e.mitigation === null || e.fromDecision };
  }

  /** CANCEL: a panel member excluded from decisions (or entirely) may not cancel either. */
  async cancelFacts(tx: EntityManager, row: CaseEntity, actorId: string): Promise<CaseFacts> {
    return { actorExcludedFromDecision: (await this.conflicts.exclusionOf(row.id, actorId, tx)).fromDecision };
  }

  /** Effect recordMakeProviderConflicts: the panel's links to the providers the make decision names. */
  async recordMakeProviderConflicts(tx: EntityManager, row: CaseEntity, now: Date): Promise<void> {
    await this.detection.recordDetectedConflicts(
      tx,
      row.id,
      row.context.proposal?.providerIds ?? [],
      'make_providers',
      {
        now,
      },
    );
  }

  /** The viewer's exclusion on the case (none for a caller who is not a person; `reviewed`: its
   * declaration was reviewed). */
  async exclusionOf(
    caseId: string,
    personId: string | null,
  ): Promise<{ reviewed: boolean; fromDecision: boolean; fromEvaluation: boolean }> {
    if (!personId) return { reviewed: false, fromDecision: false, fromEvaluation: false };
    const e = await this.conflicts.exclusionOf(caseId, personId);
    return { reviewed: e.mitigation !== null, fromDecision: e.fromDecision, fromEvaluation: e.fromEvaluation };
  }

  /** The case view's conflicts part. */
  async view(row: CaseEntity, tx?: EntityManager): Promise<Record<string, unknown>> {
    // one after another: the view is read on one connection
    const members = await this.panel.members(row.id, tx);
    const all = await this.declarations.all(row.id, tx);
    const recorded = await this.detection.recorded(row.id, tx);
    const memberIds = members.map((m) => m.personId);
    const current = new Map(all.filter((d) => !d.supersededAt).map((d) => [d.personId, d]));
    const declarationViews = await this.declarations.views(all, tx);

    // links to member practices are relevant from the start: shown live even before they are
    // recorded (on a panel change, a declaration or a review)
    const practices = await this.detection.memberPractices(row.consortiumId, tx);
    const live = await this.detection.detect(
      memberIds,
      practices.map((p) => p.id),
      this.clock.now(),
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
    const people = await this.directory.findPeople(memberIds, tx);
    const providerName = new Map(practices.map((p) => [p.id, p.name]));
    // only providers that are not the consortium's member practices (named above) are read
    const others = providerIds.filter((id) => !providerName.has(id));
    if (others.length) for (const p of await this.directory.findProviders(others, tx)) providerName.set(p.id, p.name);
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
            this.conflicts.quorumOf(row),
          ),
          undeclaredConflicts: detectedConflicts.filter((c) => !c.declared).length,
        }
      : null;
    return { panel, declarations: declarationViews, detectedConflicts, conflictCheck };
  }
}
