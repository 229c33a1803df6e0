import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Actor, DomainError, Mitigation, Role } from '@makebuy/domain';
import { CaseEngine, CasePanel } from '@makebuy/cases';
import { DeclarationEntity, InterestEntity } from './conflicts.entities';
import { checkDeclarationShape, checkOwnInterests, exclusionFor } from './conflict.rules';
import { ConflictDetection } from './conflict-detection.service';
import { AnnualDeclarationsService } from './annual-declarations.service';
import { InterestsService, InterestView } from './interests.service';

export interface ConflictsCaller {
  sub: string;
  personId: string | null;
  roles: readonly Role[];
}

export interface DeclarationReviewView {
  mitigation: Mitigation;
  note: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  excludedFromDecision: boolean;
  excludedFromEvaluation: boolean;
}

export interface DeclarationView {
  id: string;
  caseId: string;
  personId: string;
  interestIds: string[];
  /** the register entries the declaration names */
  interests: InterestView[];
  nilReturn: boolean;
  declaredAt: string;
  /** null while this is the member's current declaration for the case */
  supersededAt: string | null;
  current: boolean;
  /** governance's review; null until reviewed */
  review: DeclarationReviewView | null;
}

const actorOf = (c: ConflictsCaller): Actor => ({ id: c.personId ?? c.sub, roles: c.roles });

/** Per-case declarations by panel members, and governance's reviews of them. */
@Injectable()
export class DeclarationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly panel: CasePanel,
    private readonly detection: ConflictDetection,
    private readonly annual: AnnualDeclarationsService,
    private readonly interests: InterestsService,
  ) {}

  /**
   * A panel member declares for the case during conflict_check (DECLARATION_MADE): interests from
   * their own register entries, or a nil return. It supersedes their previous declaration (and its
   * review), so governance reviews the new one.
   */
  async declare(
    caller: ConflictsCaller,
    caseId: string,
    input: { interestIds: string[]; nilReturn: boolean },
    expectedVersion?: number,
  ): Promise<DeclarationView> {
    const personId = caller.personId;
    // the seat is checked under the case lock below (the HTTP guard already answered 403 before validation)
    if (!personId) throw new DomainError('FORBIDDEN', 'only a member of the case panel can declare for the case');
    const interestIds = [...new Set(input.interestIds.map((i) => i.toLowerCase()))];
    checkDeclarationShape({ interestIds, nilReturn: input.nilReturn });
    if (interestIds.length) {
      const own = await this.ds.getRepository(InterestEntity).find({ where: { id: In(interestIds), personId } });
      checkOwnInterests(interestIds, new Set(own.map((i) => i.id)));
    }
    const declarationId = randomUUID();
    const { result } = await this.engine.apply({
      caseId,
      actor: actorOf(caller),
      expectedVersion,
      event: { type: 'DECLARATION_MADE', declarationId, personId, interestIds, nilReturn: input.nilReturn },
      within: async (tx, row, _decision, now) => {
        // membership again, under the case lock: the member may have just been removed
        if (!(await this.panel.isMember(caseId, personId, tx)))
          throw new DomainError('FORBIDDEN', 'only a member of the case panel can declare for the case');
        await this.supersedeCurrent(tx, caseId, personId, now);
        const d = tx.create(DeclarationEntity, {
          id: declarationId,
          caseId,
          personId,
          interestIds,
          nilReturn: input.nilReturn,
          declaredAt: now,
          mitigation: null,
          reviewNote: null,
          reviewedBy: null,
          reviewedAt: null,
          supersededAt: null,
        });
        await tx.insert(DeclarationEntity, d);
        // governance sees the member's links (declared or not) before the review; the seat was just checked
        await this.detection.recordMemberPracticeConflicts(tx, row, [personId], now, { seated: true });
        // the person's annual status row is shared by every case they sit on: take its lock last
        await this.annual.markDeclared(tx, personId, now);
        return d;
      },
    });
    return (await this.views([result]))[0];
  }

  /** Governance records a mitigation on a member's current declaration (DECLARATION_REVIEWED). */
  async review(
    caller: ConflictsCaller,
    caseId: string,
    declarationId: string,
    input: { mitigation: Mitigation; note: string },
    expectedVersion?: number,
  ): Promise<DeclarationView> {
    const reviewer = caller.personId;
    if (!reviewer) throw new DomainError('FORBIDDEN', 'only a governance officer in the directory can review');
    // the declaration is read once, under the case lock (a newer one supersedes it only under that lock)
    let d: DeclarationEntity | null = null;
    const { result } = await this.engine.apply({
      caseId,
      actor: actorOf(caller),
      expectedVersion,
      event: {
        type: 'DECLARATION_REVIEWED',
        declarationId,
        personId: '',
        mitigation: input.mitigation,
        note: input.note,
      },
      admit: async (tx) => {
        d = await tx.findOneBy(DeclarationEntity, { id: declarationId, caseId });
        if (!d) throw new DomainError('NOT_FOUND', `declaration ${declarationId} not found on case ${caseId}`);
        return {
          event: {
            type: 'DECLARATION_REVIEWED',
            declarationId,
            personId: d.personId,
            mitigation: input.mitigation,
            note: input.note,
          },
        };
      },
      within: async (tx, row, _decision, now) => {
        if (!d) throw new Error('admit reads the declaration');
        if (d.supersededAt)
          throw new DomainError('CONFLICT', `declaration ${declarationId} was superseded; review the current one`, {
            supersededAt: d.supersededAt.toISOString(),
          });
        d.mitigation = input.mitigation;
        d.reviewNote = input.note;
        d.reviewedBy = reviewer;
        d.reviewedAt = now;
        await tx.update(
          DeclarationEntity,
          { id: d.id },
          { mitigation: d.mitigation, reviewNote: d.reviewNote, reviewedBy: reviewer, reviewedAt: now },
        );
        // the review is made on what is detected now (a current declaration's author sits on the
        // panel: leaving it supersedes the declaration, under this same lock)
        await this.detection.recordMemberPracticeConflicts(tx, row, [d.personId], now, { seated: true });
        return d;
      },
    });
    return (await this.views([result]))[0];
  }

  /** Ends the member's current declaration for the case (a newer one, or they left the panel). */
  async supersedeCurrent(tx: EntityManager, caseId: string, personId: string, at: Date): Promise<void> {
    await tx.update(DeclarationEntity, { caseId, personId, supersededAt: IsNull() }, { supersededAt: at });
  }

  /** Each member's current (not superseded) declaration for the case. */
  current(caseId: string, tx: EntityManager = this.ds.manager): Promise<DeclarationEntity[]> {
    return tx.find(DeclarationEntity, { where: { caseId, supersededAt: IsNull() } });
  }

  /** Every declaration of the case, superseded ones included, oldest first. */
  all(caseId: string, tx: EntityManager = this.ds.manager): Promise<DeclarationEntity[]> {
    return tx.find(DeclarationEntity, { where: { caseId }, order: { declaredAt: 'ASC', id: 'ASC' } });
  }

  async views(rows: DeclarationEntity[], tx: EntityManager = this.ds.manager): Promise<DeclarationView[]> {
    const interests = await this.interests.byIds([...new Set(rows.flatMap((r) => r.interestIds))], tx);
    const byId = new Map(interests.map((i) => [i.id, i]));
    return rows.map((d) => ({
      id: d.id,
      caseId: d.caseId,
      personId: d.personId,
      interestIds: d.interestIds,
      interests: d.interestIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
      nilReturn: d.nilReturn,
      declaredAt: d.declaredAt.toISOString(),
      supersededAt: d.supersededAt?.toISOString() ?? null,
      current: d.supersededAt === null,
      review: d.mitigation
        ? {
            mitigation: d.mitigation,
            note: d.reviewNote,
            reviewedBy: d.reviewedBy,
            reviewedAt: d.reviewedAt?.toISOString() ?? null,
            excludedFromDecision: exclusionFor(d.mitigation).fromDecision,
            excludedFromEvaluation: exclusionFor(d.mitigation).fromEvaluation,
          }
        : null,
    }));
  }
}
