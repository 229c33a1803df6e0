import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DomainError, Route } from '@makebuy/domain';
import type { Page } from '@makebuy/database';
import { CaseEntity, CaseHistory } from '@makebuy/cases';
import { annualSummary, AnnualSummary, buildDecisionRecord, ContractFact, DecisionRecord } from './decision-register';
import { ProcurementFactsReader, routeOf } from './procurement-facts.reader';
import { PUBLIC_AUDIT_VERIFICATION, toPublic } from './public-fields';
import { TransparencyRepository } from './transparency.repository';
import type { DecisionRecordEntity } from './transparency.entities';

export interface AuditVerification {
  caseId: string;
  valid: boolean;
  length: number;
  firstInvalidSeq: number | null;
  headHash: string | null;
}

/**
 * The public register of procurement decisions and the annual summary. Each record is computed when
 * read from the case's own records (never stored as typed text), so it always follows the latest
 * notice and the latest decision.
 */
@Injectable()
export class RegistersService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: TransparencyRepository,
    private readonly facts: ProcurementFactsReader,
    private readonly history: CaseHistory,
  ) {}

  async decisions(q: {
    consortiumId?: string;
    year?: number;
    limit: number;
    cursor?: string;
  }): Promise<Page<DecisionRecord>> {
    const page = await this.repo.pageDecisionRecords(q);
    return { items: await this.records(page.items), nextCursor: page.nextCursor };
  }

  async decision(caseId: string): Promise<DecisionRecord> {
    const entry = await this.repo.findDecisionRecord(caseId);
    if (!entry) throw new DomainError('NOT_FOUND', `no decision record for case ${caseId}`);
    return (await this.records([entry]))[0];
  }

  /** The case's audit chain recomputed, for anyone: valid or not, how long, and its head. */
  async verification(caseId: string): Promise<AuditVerification> {
    if (!(await this.repo.findDecisionRecord(caseId)))
      throw new DomainError('NOT_FOUND', `no decision record for case ${caseId}`);
    const [result, events] = await Promise.all([this.history.verify(caseId), this.history.list(caseId)]);
    return toPublic<AuditVerification>(PUBLIC_AUDIT_VERIFICATION, {
      caseId,
      valid: result.valid,
      length: result.length,
      firstInvalidSeq: result.firstInvalidSeq ?? null,
      headHash: events.length ? events[events.length - 1].hash : null,
    });
  }

  /** Regulation 25 for a calendar year (Europe/London), for one consortium or all. */
  async summary(q: { consortiumId?: string; year: number }): Promise<AnnualSummary> {
    const entries = await this.repo.allDecisionRecords(q.consortiumId);
    const rows = await this.cases(entries.map((e) => e.caseId));
    const awarded = rows.filter((r) => r.state === 'awarded' && r.context.awardedAt && r.context.proposal);
    const names = await this.facts.contractProviders(this.ds.manager, [
      ...new Set(awarded.flatMap((r) => r.context.proposal!.providerIds)),
    ]);
    const contracts: ContractFact[] = awarded.map((r) => ({
      caseId: r.id,
      route: routeOf(r) as Route,
      providers: r.context.proposal!.providerIds.map((id) => ({ id, name: names.get(id) ?? '' })),
      awardedAt: r.context.awardedAt!,
      termMonths: r.termMonths,
    }));
    // every case's representations in one statement (a statement per case, all at once, took as
    // many pool connections as the year had decisions)
    const representations = await this.facts.representationOutcomes(
      this.ds.manager,
      rows.map((r) => r.id),
    );
    return annualSummary(q.year, q.consortiumId ?? null, contracts, representations);
  }

  private async records(entries: DecisionRecordEntity[]): Promise<DecisionRecord[]> {
    const rows = new Map((await this.cases(entries.map((e) => e.caseId))).map((r) => [r.id, r]));
    const out: DecisionRecord[] = [];
    for (const e of entries) {
      const row = rows.get(e.caseId);
      if (!row) continue;
      const notices = (await this.repo.noticesOfCase(row.id)).map((n) => ({
        id: n.id,
        type: n.type,
        publishedAt: n.publishedAt.toISOString(),
      }));
      out.push(buildDecisionRecord(await this.facts.record(this.ds.manager, row, e.decidedAt, notices)));
    }
    return out;
  }

  private async cases(ids: string[]): Promise<CaseEntity[]> {
    return ids.length ? this.ds.manager.findBy(CaseEntity, { id: In(ids) }) : [];
  }
}
