import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { DomainError } from '@makebuy/domain';
import { CaseCaller, CaseEngine, CaseEntity, CaseTimePolicy } from '@makebuy/cases';
import { QuestionEntity } from './tendering.entities';
import { TenderAccess } from './tender-access.service';

/** A clarification question as anyone sees it: never who asked. */
export interface QuestionView {
  id: string;
  text: string;
  askedAt: string;
  answer: string | null;
  answeredAt: string | null;
  /** true when the caller's own organisation asked it (only ever true for its own provider users) */
  yours: boolean;
}

export interface AnsweredQuestion extends QuestionView {
  /** the case version after the answer (for If-Match on the next write) */
  caseVersion: number;
}

const view = (q: QuestionEntity, yours: boolean): QuestionView => ({
  id: q.id,
  text: q.text,
  askedAt: q.askedAt.toISOString(),
  answer: q.answer,
  answeredAt: q.answeredAt ? q.answeredAt.toISOString() : null,
  yours,
});

/**
 * Clarification questions: providers ask until the cutoff before tendering closes; a commissioner
 * answers through the case engine (audited, and tendering cannot close while one is unanswered).
 */
@Injectable()
export class ClarificationsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly engine: CaseEngine,
    private readonly access: TenderAccess,
    private readonly time: CaseTimePolicy,
  ) {}

  /** The last instant questions are accepted (scaled like the deadlines), or null before publication. */
  clarificationDeadline(row: CaseEntity): Date | null {
    return row.context.tenderClosesAt ? this.time.clarificationCutoff(row, new Date(row.context.tenderClosesAt)) : null;
  }

  async ask(caller: CaseCaller, caseId: string, text: string): Promise<QuestionView> {
    await this.access.publishedTender(caseId);
    const { providerId, personId } = this.access.requireProviderUser(caller);
    const q = await this.engine.withCaseLock(caseId, async (tx, row, now) => {
      const cutoff = this.clarificationDeadline(row);
      if (row.state !== 'tendering' || !cutoff || !(now.getTime() < cutoff.getTime())) {
        throw new DomainError('WINDOW_CLOSED', 'clarification questions are closed for this tender', {
          clarificationDeadline: cutoff?.toISOString() ?? null,
        });
      }
      const created = tx.create(QuestionEntity, {
        caseId,
        providerId,
        askedBy: personId,
        text,
        askedAt: now,
        answer: null,
        answeredBy: null,
        answeredAt: null,
      });
      return tx.save(created);
    });
    return view(q, true);
  }

  async answer(
    caller: CaseCaller,
    caseId: string,
    questionId: string,
    answer: string,
    expectedVersion?: number,
  ): Promise<AnsweredQuestion> {
    const row = await this.access.publishedTender(caseId);
    await this.access.requireCaseViewer(caller, row);
    const existing = await this.ds.manager.findOneBy(QuestionEntity, { id: questionId, caseId });
    if (!existing) throw new DomainError('NOT_FOUND', `question ${questionId} not found`);
    const { row: after, result } = await this.engine.apply({
      caseId,
      actor: { id: caller.personId ?? caller.sub, roles: caller.roles },
      event: { type: 'QUESTION_ANSWERED', questionId },
      expectedVersion,
      facts: async (tx) => {
        const q = await tx.findOneByOrFail(QuestionEntity, { id: questionId });
        if (q.answer !== null) throw new DomainError('CONFLICT', `question ${questionId} is already answered`);
        return {};
      },
      within: async (tx, _locked, _decision, now) => {
        await tx.update(QuestionEntity, { id: questionId }, { answer, answeredBy: caller.personId, answeredAt: now });
        return tx.findOneByOrFail(QuestionEntity, { id: questionId });
      },
      // published to every provider: the question and its answer, never who asked
      audit: (q) => ({ questionId, question: q.text, answer }),
    });
    return { ...view(result, false), caseVersion: after.version };
  }

  /**
   * Questions on tenders as the caller may see them, by case id: answered ones for everyone; a
   * provider also sees its own unanswered ones; the case's people see all (they answer them).
   * Nobody sees the asker. A page's questions in one statement, the caller's panel seats among
   * its cases in at most one more.
   */
  async visibleOnTenders(
    caller: CaseCaller,
    rows: CaseEntity[],
    tx: EntityManager = this.ds.manager,
  ): Promise<Map<string, QuestionView[]>> {
    const out = new Map<string, QuestionView[]>(rows.map((r) => [r.id, []]));
    if (!rows.length) return out;
    const all = await tx.find(QuestionEntity, {
      where: { caseId: In(rows.map((r) => r.id)) },
      order: { askedAt: 'ASC', id: 'ASC' },
    });
    const providerId = this.access.isProviderUser(caller) ? caller.providerId : null;
    const viewers = providerId ? new Set<string>() : await this.access.caseViewersAmong(caller, rows, tx);
    for (const q of all) {
      const own = providerId !== null && q.providerId === providerId;
      if (q.answer !== null || viewers.has(q.caseId) || own) out.get(q.caseId)?.push(view(q, own));
    }
    return out;
  }
}
