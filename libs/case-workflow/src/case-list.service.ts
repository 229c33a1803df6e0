import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CaseState } from '@makebuy/domain';
import { CaseListRow, CaseQueries, Viewer } from '@makebuy/cases';
import { Page, readWithPlan } from '@makebuy/database';
import { DeadlineQueries } from '@makebuy/deadlines';
import { CaseTasks, TaskViewer } from './case-tasks.service';

/** One entry of GET /cases (the full view is GET /cases/{id}). */
export interface CaseSummary {
  id: string;
  ocid: string;
  title: string;
  serviceName: string;
  consortiumId: string;
  state: CaseState;
  track: string;
  route: string | null;
  version: number;
  updatedAt: string;
  nextDeadline: { kind: string; dueAt: string } | null;
}

/**
 * GET /cases: one statement per page. The cases' own query (visibility, filters, order, cursor:
 * CaseQueries) with, for `awaiting=me`, the obligation rules as a predicate (CaseTasks), and each
 * row's next pending stage deadline joined LATERAL (DeadlineQueries) after the page is cut.
 */
@Injectable()
export class CaseList {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queries: CaseQueries,
    private readonly tasks: CaseTasks,
    private readonly deadlines: DeadlineQueries,
  ) {}

  async page(
    viewer: Viewer & TaskViewer,
    q: { state?: CaseState; consortiumId?: string; q?: string; awaiting?: 'me'; limit: number; cursor?: string },
  ): Promise<Page<CaseSummary>> {
    const { awaiting, ...filters } = q;
    const where = awaiting === 'me' ? this.tasks.awaitingSql('c', viewer) : undefined;
    const list = this.queries.listQuery(viewer, { ...filters, where });
    const sql = `SELECT p.*, n.kind AS next_kind, n.due_at AS next_due_at
         FROM (${list.sql}) p
         LEFT JOIN LATERAL (${this.deadlines.nextDueSql('p.id')}) n ON true
        ORDER BY p.updated_at DESC, p.id DESC`;
    // planned once per connection, but a words search for its words: how many cases they match
    // decides its best plan (docs/performance.md, eleventh pass)
    const rows: (CaseListRow & { next_kind: string | null; next_due_at: Date | null })[] = await readWithPlan(
      this.ds,
      q.q ? 'custom' : 'generic',
      sql,
      list.params,
    );
    const page = this.queries.listPage(rows, q.limit);
    return {
      items: page.items.map((r) => ({
        id: r.id,
        ocid: r.ocid,
        title: r.title,
        serviceName: r.service_name,
        consortiumId: r.consortium_id,
        state: r.state,
        track: r.track,
        route: r.route,
        version: r.version,
        updatedAt: r.updated_at.toISOString(),
        nextDeadline: r.next_kind && r.next_due_at ? { kind: r.next_kind, dueAt: r.next_due_at.toISOString() } : null,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
