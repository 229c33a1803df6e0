import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { DomainError, Role } from '@makebuy/domain';
import { CaseEntity } from './case.entities';
import { CasePanel } from './case-panel.service';
import { CaseViewReads, CaseViewSql, CaseViewStatement, queryCaseView } from './case-view-sql';

export * from './case-view-sql';

/**
 * One arm of a viewer's visibility (`CaseAccess.visibilityArms`): its condition over the cases row,
 * whether it may hold many cases (`broad`), and how a words search reads it: through `case_search`
 * within the viewer's consortium or over every case, or (`rows`, an arm of a few cases) by the
 * words of each row.
 */
export interface VisibilityArm {
  sql: string;
  broad: boolean;
  words: 'consortium' | 'all' | 'rows';
}

export interface Viewer {
  personId: string | null;
  roles: readonly Role[];
  consortiumId: string | null;
}

/**
 * Who may see a case: its creator, its panel, governance officers (one with a consortiumId only
 * that consortium's cases), and commissioners of the case's consortium. Everyone else gets 404,
 * as if it did not exist.
 */
@Injectable()
export class CaseAccess {
  private columns?: ColumnMetadata[];

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly panel: CasePanel,
  ) {}

  /**
   * `onPanel`, when the caller already knows whether the viewer sits on the panel (read with the
   * row), saves the membership read.
   */
  async canSee(
    viewer: Viewer,
    row: CaseEntity,
    tx: EntityManager = this.ds.manager,
    onPanel?: boolean,
  ): Promise<boolean> {
    if (viewer.roles.includes('governance') && (!viewer.consortiumId || viewer.consortiumId === row.consortiumId))
      return true;
    if (viewer.personId && row.createdBy === viewer.personId) return true;
    if (viewer.roles.includes('commissioner') && viewer.consortiumId && viewer.consortiumId === row.consortiumId)
      return true;
    if (onPanel !== undefined) return onPanel;
    // inside a case transaction: the panel held with the lock (no statement)
    if (viewer.personId) return this.panel.isMember(row.id, viewer.personId, tx);
    return false;
  }

  /** The ids of those of `rows` the viewer may see (`canSee`), the panel seats read in at most one statement. */
  async visibleAmong(viewer: Viewer, rows: CaseEntity[], tx: EntityManager = this.ds.manager): Promise<Set<string>> {
    const out = new Set<string>();
    const rest: string[] = [];
    for (const r of rows) {
      if (await this.canSee(viewer, r, tx, false)) out.add(r.id);
      else if (viewer.personId) rest.push(r.id);
    }
    // the rest only by a seat on their panels
    if (rest.length) for (const id of await this.panel.seatedAmong(viewer.personId!, rest, tx)) out.add(id);
    return out;
  }

  /** The case if the viewer may see it, else NOT_FOUND. */
  async visibleCase(viewer: Viewer, caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseEntity> {
    return (await this.visible(viewer, caseId, tx)).row;
  }

  /**
   * The case if the viewer may see it (else NOT_FOUND), and whether the viewer sits on its panel:
   * one statement (the row and the membership together), what the read-only routes' guard needs.
   * `reads`: more columns read in the same statement (GET /cases/{id}: the whole case view), over
   * the case row `c`; their values come back in `reads` (read even when the answer is NOT_FOUND,
   * and then never shown).
   */
  async visible(
    viewer: Viewer,
    caseId: string,
    tx: EntityManager = this.ds.manager,
    reads?: (q: CaseViewSql) => CaseViewReads,
  ): Promise<{ row: CaseEntity; onPanel: boolean; reads: Record<string, unknown> }> {
    const q = new CaseViewStatement(null, [caseId, viewer.personId]);
    const more = reads ? reads(q) : {};
    const columns = this.caseColumns();
    const raw = await queryCaseView(
      this.ds,
      tx,
      `SELECT ${columns.map((col) => `c."${col.databaseName}"`).join(', ')},
         EXISTS (SELECT 1 FROM case_panel p WHERE p.case_id = c.id AND p.person_id = $2) AS on_panel${
           Object.keys(more).length ? `,\n  ${CaseViewStatement.columns(more)}` : ''
         }
       FROM cases c WHERE c.id = $1`,
      q.params,
    );
    if (!raw) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    const row = new CaseEntity();
    for (const col of columns) col.setEntityValue(row, this.ds.driver.prepareHydratedValue(raw[col.databaseName], col));
    const onPanel = raw.on_panel === true;
    if (!(await this.canSee(viewer, row, tx, onPanel))) throw new DomainError('NOT_FOUND', `case ${caseId} not found`);
    return { row, onPanel, reads: Object.fromEntries(Object.keys(more).map((k) => [k, raw[k]])) };
  }

  /** Every column of `cases`, hydrated as TypeORM would (a raw read, without its per-row cost). */
  private caseColumns(): ColumnMetadata[] {
    return (this.columns ??= this.ds.getMetadata(CaseEntity).columns);
  }

  /**
   * The same rule for lists, as arms whose union is what the viewer may see (parameters prefixed
   * v_). GET /cases takes a page from each arm and cuts their union to the page, instead of
   * filtering every case by an OR of the rules (docs/performance.md, fourth pass):
   * - `broad`: the viewer's consortium, walked in list order by a `cases (consortium_id, ...)`
   *   index (with words: the consortium's matches in `case_search`), or every case for a
   *   governance officer of no consortium;
   * - the panel seats they hold and the cases they raised in another consortium: id sets read
   *   from two index ranges each (`case_panel (person_id, consortium_id)`, `cases (created_by,
   *   consortium_id)`), nearly always empty. Without a consortium these two are all the viewer
   *   sees.
   * No arm: the viewer sees nothing.
   */
  visibilityArms(alias: string, viewer: Viewer): { arms: VisibilityArm[]; params: Record<string, unknown> } {
    const c = alias;
    const governance = viewer.roles.includes('governance');
    if (governance && !viewer.consortiumId) return { arms: [{ sql: 'TRUE', broad: true, words: 'all' }], params: {} };
    const arms: VisibilityArm[] = [];
    const params: Record<string, unknown> = {};
    const consortium = (governance || viewer.roles.includes('commissioner')) && viewer.consortiumId;
    if (consortium) {
      params.v_consortium = viewer.consortiumId;
      arms.push({ sql: `${c}.consortium_id = :v_consortium`, broad: true, words: 'consortium' });
    }
    if (viewer.personId) {
      params.v_person = viewer.personId;
      // "in another consortium" as two index ranges (a `<>` would read every row of the person's)
      const elsewhere = (col: string) => (consortium ? ` AND (${col} < :v_consortium OR ${col} > :v_consortium)` : '');
      arms.push({
        sql: `${c}.id = ANY (ARRAY(SELECT cp.case_id FROM case_panel cp WHERE cp.person_id = :v_person${elsewhere('cp.consortium_id')}))`,
        broad: false,
        words: 'rows',
      });
      arms.push({
        sql: `${c}.id = ANY (ARRAY(SELECT x.id FROM cases x WHERE x.created_by = :v_person${elsewhere('x.consortium_id')}))`,
        broad: false,
        words: 'rows',
      });
    }
    return { arms, params };
  }
}
