import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, type CaseState } from '@makebuy/domain';
import { CaseAccess, CaseCaller, CaseEngine, CaseEntity, CasePanel, CaseQueries } from '@makebuy/cases';
import { ConflictsService } from '@makebuy/conflicts';
import { Clock } from '@makebuy/settings';
import {
  DocumentEntity,
  DocumentsService,
  documentView,
  DocumentUploads,
  DocumentView,
  ReceivedFile,
} from '@makebuy/documents';

export interface DocumentMeta {
  title: string;
  documentType: string;
  replacesId?: string;
}

/** States in which a case's documents may change (and tendering only before its closing instant). */
const OPEN_FOR_DOCUMENTS: readonly CaseState[] = ['draft', 'conflict_check', 'route_decision', 'tendering'];

/**
 * A case's own documents (the specification, criteria, contract draft, clarifications annexes).
 * Written by its creator or a panel commissioner not excluded entirely, from draft until tendering
 * closes, as a CASE_DOCUMENT_ADDED event (audited; once the tender is published the askers and
 * bidders are told). Read by the case's readers, and by anyone once the tender is published.
 */
@Injectable()
export class TenderDocumentsService {
  constructor(
    private readonly engine: CaseEngine,
    private readonly cases: CaseAccess,
    private readonly caseQueries: CaseQueries,
    private readonly panel: CasePanel,
    private readonly conflicts: ConflictsService,
    private readonly documents: DocumentsService,
    private readonly uploads: DocumentUploads,
    private readonly clock: Clock,
  ) {}

  /** Checked before a byte of the upload is read (404, 403, 422 in the contract's order). */
  async requireMayUpload(caller: CaseCaller, caseId: string): Promise<CaseEntity> {
    const row = await this.cases.visibleCase(caller, caseId);
    await this.requireUploader(caller, row);
    this.requireOpen(row, this.clock.now());
    return row;
  }

  async upload(
    caller: CaseCaller,
    caseId: string,
    meta: DocumentMeta,
    file: ReceivedFile,
    expectedVersion?: number,
  ): Promise<{ document: DocumentView; caseVersion: number }> {
    try {
      const row = await this.requireMayUpload(caller, caseId);
      const documentId = randomUUID();
      const { row: saved, result } = await this.engine.apply<DocumentEntity>({
        caseId: row.id,
        actor: { id: caller.personId ?? caller.sub, roles: caller.roles },
        event: { type: 'CASE_DOCUMENT_ADDED', documentId, replacesId: meta.replacesId ?? null },
        expectedVersion,
        within: async (tx, locked, _decision, now) => {
          this.requireOpen(locked, now);
          return this.documents.record(
            tx,
            {
              id: documentId,
              caseId: locked.id,
              bidId: null,
              title: meta.title,
              documentType: meta.documentType,
              replacesId: meta.replacesId ?? null,
              uploadedBy: caller.personId!,
              file,
            },
            now,
          );
        },
        audit: (d) => ({
          documentId: d.id,
          title: d.title,
          documentType: d.documentType,
          fileName: d.fileName,
          mediaType: d.mediaType,
          size: d.size,
          sha256: d.sha256,
          version: d.version,
          replacesId: d.replacesId,
        }),
      });
      return { document: documentView(result), caseVersion: saved.version };
    } catch (e) {
      await this.uploads.discard(file);
      throw e;
    }
  }

  /** Every version of the case's documents, for whoever may read them (else NOT_FOUND). */
  async list(caller: CaseCaller | null, caseId: string): Promise<DocumentView[]> {
    const row = await this.readableCase(caller, caseId);
    return (await this.documents.ofCase(row.id)).map(documentView);
  }

  /** The current version of each document of each of these cases (tender views), by case id. */
  async currentOfCases(rows: CaseEntity[]): Promise<Map<string, DocumentView[]>> {
    const byCase = new Map<string, DocumentEntity[]>(rows.map((r) => [r.id, []]));
    for (const d of await this.documents.ofCases(rows.map((r) => r.id))) byCase.get(d.caseId)?.push(d);
    return new Map([...byCase].map(([id, docs]) => [id, this.documents.latest(docs).map(documentView)]));
  }

  /** A case whose documents the caller may read: published tenders to anyone, else its readers. */
  async readableCase(caller: CaseCaller | null, caseId: string): Promise<CaseEntity> {
    if (caller) {
      const visible = await this.cases.visibleCase(caller, caseId).catch(() => null);
      if (visible) return visible;
    }
    const row = await this.caseQueries.find(caseId);
    if (!row || !row.context.tenderPublishedAt) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    return row;
  }

  private async requireUploader(caller: CaseCaller, row: CaseEntity): Promise<void> {
    const onPanel = !!caller.personId && (await this.panel.isMember(row.id, caller.personId));
    const creator = !!caller.personId && row.createdBy === caller.personId;
    if (!creator && !(onPanel && caller.roles.includes('commissioner'))) {
      throw new DomainError('FORBIDDEN', "only the case's creator or a panel commissioner may add its documents");
    }
    if (onPanel) {
      const ex = await this.conflicts.exclusionOf(row.id, caller.personId!);
      if (ex.fromDecision && ex.fromEvaluation)
        throw new DomainError('EXCLUDED_BY_CONFLICT', `${caller.personId} is excluded entirely from this case`);
    }
  }

  private requireOpen(row: CaseEntity, now: Date): void {
    const closesAt = row.context.tenderClosesAt ? Date.parse(row.context.tenderClosesAt) : NaN;
    const open = OPEN_FOR_DOCUMENTS.includes(row.state) && (row.state !== 'tendering' || now.getTime() < closesAt);
    if (!open) {
      throw new DomainError('WINDOW_CLOSED', "a case's documents may change from draft until tendering closes", {
        state: row.state,
      });
    }
  }
}
