import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Mitigation, PanelMemberFacts, PolicyBook, policyFor } from '@makebuy/domain';
import { POLICY_BOOK } from '@makebuy/settings';
import { DirectoryService } from '@makebuy/directory';
import { CaseEntity, CasePanel } from '@makebuy/cases';
import { currentDeclarations } from './declarations.sql';
import { ConflictCheckStatus, conflictCheckStatus, Exclusion, exclusionFor } from './conflict.rules';
import { ConflictDetection, DetectionReason } from './conflict-detection.service';
import { InterestsService, RegisterInterestFacts } from './interests.service';

/** A panel member's current declaration as the public record of a decision shows it. */
export interface DeclarationRecord {
  personId: string;
  nilReturn: boolean;
  interests: RegisterInterestFacts[];
  /** null: not reviewed */
  mitigation: Mitigation | null;
  reviewNote: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
}

/** Conflicts of a case's panel: current declarations (with their reviews) and recorded detected links. */
export interface CaseConflictRecord {
  declarations: DeclarationRecord[];
  detected: { personId: string; providerId: string; relationship: string | null; interestId: string | null }[];
}

export interface AwardParticipants {
  panel: PanelMemberFacts[];
  /** register interests of the panel members */
  interests: RegisterInterestFacts[];
}

/**
 * What other features ask of the conflicts feature: who is excluded from what on a case, the
 * participants' declarations for the award checks, and recording detected conflicts when more
 * providers become relevant (the tendering feature calls it when bidders are revealed).
 */
@Injectable()
export class ConflictsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly panel: CasePanel,
    private readonly directory: DirectoryService,
    private readonly detection: ConflictDetection,
    private readonly interests: InterestsService,
    @Inject(POLICY_BOOK) private readonly policy: PolicyBook,
  ) {}

  /** The person's mitigation on the case (from their current, reviewed declaration). */
  async exclusionOf(caseId: string, personId: string, tx: EntityManager = this.ds.manager): Promise<Exclusion> {
    const rows: { mitigation: Mitigation | null }[] = await tx.query(
      `SELECT mitigation FROM declarations WHERE case_id = $1 AND person_id = $2 AND superseded_at IS NULL LIMIT 1`,
      [caseId, personId],
    );
    return exclusionFor(rows[0]?.mitigation ?? null);
  }

  /** Panel members who may score: not excluded from evaluation (exclude_from_evaluation, exclude_entirely). */
  async unexcludedEvaluators(caseId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const { members, current } = await this.panelState(caseId, tx);
    return members.filter((p) => !exclusionFor(current.get(p)?.mitigation ?? null).fromEvaluation);
  }

  /** Panel members who may decide: not excluded from decisions (exclude_from_decision, exclude_entirely). */
  async unexcludedDecisionMakers(caseId: string, tx: EntityManager = this.ds.manager): Promise<string[]> {
    const { members, current } = await this.panelState(caseId, tx);
    return members.filter((p) => !exclusionFor(current.get(p)?.mitigation ?? null).fromDecision);
  }

  /**
   * Facts for the award checks: the panel with each member's mitigation (null: not reviewed) and
   * current declaration, and the panel members' register interests (ended ones included).
   */
  async awardParticipants(caseId: string, tx: EntityManager = this.ds.manager): Promise<AwardParticipants> {
    const { members, current } = await this.panelState(caseId, tx);
    // one after another on `tx`'s one connection
    const people = await this.directory.findPeople(members, tx);
    const interests = await this.interests.interestsOf(members, tx);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const panel = members.map((personId) => {
      const d = current.get(personId);
      return {
        personId,
        name: names.get(personId) ?? personId,
        mitigation: d?.mitigation ?? null,
        declaredInterestIds: d ? [...d.interestIds].sort() : [],
        nilReturn: d?.nilReturn ?? false,
      };
    });
    return { panel, interests };
  }

  /**
   * The conflicts record of a case (for notices and the register of decisions): each current panel
   * member's declaration and review, the interests it names, and the links detected for the panel.
   */
  async caseConflictRecord(caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseConflictRecord> {
    const { members, current } = await this.panelState(caseId, tx);
    const onPanel = new Set(members);
    const named = [...new Set([...current.values()].flatMap((d) => d.interestIds))];
    const interests = new Map(
      (await this.interests.interestsOf(members, tx)).filter((i) => named.includes(i.id)).map((i) => [i.id, i]),
    );
    const declarations = members.flatMap((personId): DeclarationRecord[] => {
      const d = current.get(personId);
      if (!d) return [];
      return [
        {
          personId,
          nilReturn: d.nilReturn,
          interests: d.interestIds.flatMap((id) => (interests.has(id) ? [interests.get(id)!] : [])),
          mitigation: d.mitigation,
          reviewNote: d.reviewNote,
          reviewedBy: d.reviewedBy,
          reviewedAt: d.reviewedAt ? d.reviewedAt.toISOString() : null,
        },
      ];
    });
    const detected = (await this.detection.recorded(caseId, tx))
      .filter((r) => onPanel.has(r.personId))
      .map((r) => ({
        personId: r.personId,
        providerId: r.providerId,
        relationship: r.relationship,
        interestId: r.interestId,
      }));
    return { declarations, detected };
  }

  /** Register interests (id, personId, providerId, category, description) of the given people, ended ones included. */
  interestsOf(personIds: string[], tx: EntityManager = this.ds.manager): Promise<RegisterInterestFacts[]> {
    return this.interests.interestsOf(personIds, tx);
  }

  /**
   * Records links between the case's panel and `providerIds` in the caller's transaction (the
   * case workflow's recordMakeProviderConflicts and recordBidderConflicts effects).
   */
  recordDetectedConflicts(
    tx: EntityManager,
    caseId: string,
    providerIds: string[],
    reason: DetectionReason,
    now?: Date,
  ): Promise<void> {
    return this.detection.recordDetectedConflicts(tx, caseId, providerIds, reason, { now });
  }

  /** Why COMPLETE_CONFLICT_CHECK would pass or fail now. */
  async conflictCheck(row: CaseEntity, tx: EntityManager = this.ds.manager): Promise<ConflictCheckStatus> {
    const { members, current } = await this.panelState(row.id, tx);
    const quorum = this.quorumOf(row);
    return conflictCheckStatus(
      members.map((personId) => {
        const d = current.get(personId);
        return { personId, declaration: d ? { id: d.id, mitigation: d.mitigation } : null };
      }),
      quorum,
    );
  }

  /** Unexcluded decision makers the case needs (policy quorum for its track and route). */
  quorumOf(row: Pick<CaseEntity, 'track' | 'context'>): number {
    return policyFor(this.policy, row.track, row.context.route).quorum;
  }

  async panelSize(caseId: string, tx: EntityManager = this.ds.manager): Promise<number> {
    return (await this.panel.memberIds(caseId, tx)).length;
  }

  /** The panel (held under the case lock when there is one) and each member's current declaration. */
  private async panelState(caseId: string, tx: EntityManager) {
    const members = await this.panel.memberIds(caseId, tx);
    const declarations = await currentDeclarations(tx, caseId);
    return { members, current: new Map(declarations.map((d) => [d.personId, d])) };
  }
}
