import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { Actor, DomainError, Mitigation, Role } from '@makebuy/domain';
import { CaseAccess, CaseEngine, CasePanel } from '@makebuy/cases';
import { DeferredWrites } from '@makebuy/queue';
import { DeclarationEntity } from './conflicts.entities';
import { declarationFrom, declarationOfCaseSql } from './declarations.sql';
import { checkDeclarationShape, checkOwnInterests, exclusionFor } from './conflict.rules';
import { ConflictDetection } from './conflict-detection.service';
import { AnnualDeclarationsService } from './annual-declarations.service';
import { InterestsService, InterestView } from './interests.service';

export interface ConflictsCaller {
  sub: string;
  personId: string | null;
  roles: readonly Role[];
  consortiumId: string | null;
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
    private readonly access: CaseAccess,
    private readonly panel: CasePanel,
    private readonly detection: ConflictDetection,
    private readonly annual: AnnualDeclarationsService,
    private readonly interests: InterestsService,
  ) {}

  /**
   * A panel member declares for the case during conflict_check (DECLARATION_MADE): interests from
   * their own register entries, or a nil return. It supersedes their previous declaration (and its
   * review), so governance reviews the new one.
   *
   * Checked on the row the engine locks, in the contract's order: 404 (the caller may not see the
   * case), 403 (not on its panel: the seat read with the lock), then `settle` (the payload's own
   * validation, 400, and the If-Match). Every write of the declaration is deferred: with the
   * snapshot and the audit row they reach PostgreSQL as the command's one write statement, the
   * person's shared annual-status row among them (so that hot row is held for one round trip).
   */
  async declare(
    caller: ConflictsCaller,
    caseId: string,
    settle: () => Promise<{ interestIds: string[]; nilReturn: boolean; expectedVersion?: number }>,
  ): Promise<DeclarationView> {
    const personId = caller.personId;
    const declarationId = randomUUID();
    let input: { interestIds: string[]; nilReturn: boolean } | null = null;
    const { result } = await this.engine.apply({
      caseId,
      actor: actorOf(caller),
      event: { type: 'DECLARATION_MADE', declarationId, personId: personId ?? '', interestIds: [], nilReturn: false },
      admit: async (tx, row) => {
        if (!(await this.access.canSee(caller, row, tx)))
          throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
        // the seat, under the case lock: the member may have just been removed
        if (!personId || !(await this.panel.isMember(caseId, personId, tx)))
          throw new DomainError('FORBIDDEN', 'only a member of the case panel can do this');
        const given = await settle();
        const interestIds = [...new Set(given.interestIds.map((i) => i.toLowerCase()))];
        checkDeclarationShape({ interestIds, nilReturn: given.nilReturn });
        if (interestIds.length) {
          const own: { id: string }[] = await tx.query(
            `SELECT id FROM interests WHERE id = ANY($1::uuid[]) AND person_id = $2`,
            [interestIds, personId],
          );
          checkOwnInterests(interestIds, new Set(own.map((i) => i.id)));
        }
        input = { interestIds, nilReturn: given.nilReturn };
        return {
          event: { type: 'DECLARATION_MADE', declarationId, personId, interestIds, nilReturn: given.nilReturn },
          expectedVersion: given.expectedVersion,
        };
      },
      within: async (tx, row, _decision, now) => {
        if (!input || !personId) throw new Error('admit settles the declaration');
        // a statement of its own, before the insert: the one-current-declaration index must see it
        // (in one statement with the insert it might not); still sent with the command's writes
        await DeferredWrites.writeApart(
          tx,
          `UPDATE declarations SET superseded_at = $3 WHERE case_id = $1 AND person_id = $2 AND superseded_at IS NULL`,
          [caseId, personId, now],
        );
        const d = Object.assign(new DeclarationEntity(), {
          id: declarationId,
          caseId,
          personId,
          interestIds: input.interestIds,
          nilReturn: input.nilReturn,
          declaredAt: now,
          mitigation: null,
          reviewNote: null,
          reviewedBy: null,
          reviewedAt: null,
          supersededAt: null,
        });
        await DeferredWrites.write(
          tx,
          `INSERT INTO declarations (id, case_id, person_id, interest_ids, nil_return, declared_at)
           VALUES ($1, $2, $3, $4::uuid[], $5, $6)`,
          [d.id, caseId, personId, d.interestIds, d.nilReturn, now],
        );
        // governance sees the member's links (declared or not) before the review; the seat was just checked
        await this.detection.recordMemberPracticeConflicts(tx, row, [personId], now, { seated: true });
        // the person's annual status row is shared by every case they sit on: last
        await this.annual.markDeclared(tx, personId, now);
        return d;
      },
    });
    return (await this.views([result]))[0];
  }

  /**
   * Governance records a mitigation on a member's current declaration (DECLARATION_REVIEWED).
   * Checked on the locked row: 404 (case not visible), 403 (not governance), `settle` (400, If-Match),
   * then the declaration (404), read once under the case lock (a newer one supersedes it only under
   * that lock), right behind the lock in its round trip.
   */
  async review(
    caller: ConflictsCaller,
    caseId: string,
    declarationId: string,
    settle: () => Promise<{ mitigation: Mitigation; note: string; expectedVersion?: number }>,
  ): Promise<DeclarationView> {
    const reviewer = caller.personId;
    let d: DeclarationEntity | null = null;
    let input: { mitigation: Mitigation; note: string } | null = null;
    const { result } = await this.engine.apply({
      caseId,
      actor: actorOf(caller),
      event: { type: 'DECLARATION_REVIEWED', declarationId, personId: '', mitigation: 'none', note: '' },
      // read with the lock, in its round trip; looked at only after the refusals before it
      alongLock: declarationOfCaseSql(caseId, declarationId),
      admit: async (tx, row, along) => {
        if (!(await this.access.canSee(caller, row, tx)))
          throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
        if (!caller.roles.includes('governance'))
          throw new DomainError('FORBIDDEN', 'this action needs one of the roles: governance');
        const given = await settle();
        if (!reviewer) throw new DomainError('FORBIDDEN', 'only a governance officer in the directory can review');
        d = declarationFrom(along);
        if (!d) throw new DomainError('NOT_FOUND', `declaration ${declarationId} not found on case ${caseId}`);
        input = { mitigation: given.mitigation, note: given.note };
        return {
          event: {
            type: 'DECLARATION_REVIEWED',
            declarationId,
            personId: d.personId,
            mitigation: given.mitigation,
            note: given.note,
          },
          expectedVersion: given.expectedVersion,
        };
      },
      within: async (tx, row, _decision, now) => {
        if (!d || !input || !reviewer) throw new Error('admit reads the declaration');
        if (d.supersededAt)
          throw new DomainError('CONFLICT', `declaration ${declarationId} was superseded; review the current one`, {
            supersededAt: d.supersededAt.toISOString(),
          });
        d.mitigation = input.mitigation;
        d.reviewNote = input.note;
        d.reviewedBy = reviewer;
        d.reviewedAt = now;
        await DeferredWrites.write(
          tx,
          `UPDATE declarations SET mitigation = $2, review_note = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $1`,
          [d.id, d.mitigation, d.reviewNote, reviewer, now],
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
    await DeferredWrites.write(
      tx,
      `UPDATE declarations SET superseded_at = $3 WHERE case_id = $1 AND person_id = $2 AND superseded_at IS NULL`,
      [caseId, personId, at],
    );
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
