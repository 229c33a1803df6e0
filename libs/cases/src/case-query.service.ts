import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseState } from '@makebuy/domain';
import { decodeCursor, Page, pageOf } from '@makebuy/database';
import { CaseEntity } from './case.entities';
import { CaseAccess, Viewer, VisibilityArm } from './case-access.service';

/**
 * A further filter of GET /cases over the cases row `c` (named parameters): `narrow`, a cheap
 * condition indexes serve (which rows are candidates), and `rules`, a costly per-row condition.
 * Both are ANDed into the one statement: evaluating the rules over candidates already in list
 * order (an OFFSET 0 fence) halved a panel member's page but doubled governance's and detoasted
 * every candidate's context, so PostgreSQL plans the two together.
 */
export interface ListFilter {
  narrow: string;
  rules?: string;
  params: Record<string, unknown>;
}

/** One row of GET /cases as the list query returns it (CaseList builds the summaries). */
export interface CaseListRow {
  id: string;
  ocid: string;
  title: string;
  service_name: string;
  consortium_id: string;
  state: CaseState;
  track: string;
  route: string | null;
  version: number;
  updated_at: Date;
}

@Injectable()
export class CaseQueries {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: CaseAccess,
  ) {}

  /**
   * GET /cases as one SQL query (positional parameters): the cases the viewer may see, most
   * recently updated first, filtered by state, consortium, words in title or service name (each
   * word a prefix) and a further predicate (awaiting=me: CaseTasks.awaitingSql), `limit + 1` rows
   * of summary columns only (the route out of the context, never the whole context or snapshot:
   * a page of full rows costs the API process more CPU to receive than the query costs
   * PostgreSQL). Raw SQL: the caller may wrap it (the next deadline of each row) and sends it.
   * Each visibility arm of the viewer (CaseAccess.visibilityArms) gives its own page in list order
   * from its index, and their union is cut to the page.
   */
  listQuery(
    viewer: Viewer,
    q: {
      state?: CaseState;
      consortiumId?: string;
      q?: string;
      /** a further filter (awaiting=me: CaseTasks.awaitingSql) */
      where?: ListFilter;
      limit: number;
      cursor?: string;
    },
  ): { sql: string; params: unknown[] } {
    const vis = this.access.visibilityArms('c', viewer);
    const filters: string[] = [];
    const params: Record<string, unknown> = { ...vis.params, limit: q.limit + 1 };
    if (q.state) {
      filters.push('c.state = :state');
      params.state = q.state;
    }
    if (q.consortiumId) {
      filters.push('c.consortium_id = :consortiumId');
      params.consortiumId = q.consortiumId;
    }
    const words = wordsQuery(q.q);
    if (words) params.words = words;
    // the consortium arm's words, scoped to the viewer's consortium (unused by the other arms)
    if (words && vis.params.v_consortium) params.scoped_words = scopedWordsQuery(String(vis.params.v_consortium), q.q);
    // words: the broad arm's matches from case_search (its GIN indexes: the consortium's own words,
    // or every case's), a small arm's by its rows' words
    const search = (arm: VisibilityArm): string[] => {
      if (!words) return [];
      if (arm.words === 'consortium')
        return [
          `c.id IN (SELECT s.case_id FROM case_search s
                     WHERE s.consortium_id = :v_consortium AND s.scoped_words @@ (:scoped_words)::tsquery)`,
        ];
      if (arm.words === 'all')
        return [`c.id IN (SELECT s.case_id FROM case_search s WHERE s.words @@ to_tsquery('simple', :words))`];
      return [`to_tsvector('simple', c.title || ' ' || c.service_name) @@ to_tsquery('simple', :words)`];
    };
    const after = decodeCursor(q.cursor);
    if (after) {
      filters.push('(c.updated_at, c.id) < (:after_t::timestamptz, :after_id::uuid)');
      params.after_t = after.t;
      params.after_id = after.id;
    }
    if (q.where) Object.assign(params, q.where.params);
    // the further filter's cheap `narrow` serves the broad arm; the small arms need only its rules
    // (the rules imply the narrow condition)
    const columns = `c.id, c.ocid, c.title, c.service_name, c.consortium_id, c.state, c.track,
              c.context->>'route' AS route, c.version, c.updated_at`;
    const armSql = (arm: VisibilityArm) => {
      const where = [arm.sql, ...filters, ...search(arm), ...(q.where && arm.broad ? [q.where.narrow] : [])]
        .map((w) => `(${w})`)
        .join(' AND ');
      if (!q.where?.rules)
        return `SELECT ${columns} FROM cases c WHERE ${where} ORDER BY c.updated_at DESC, c.id DESC LIMIT :limit`;
      // the rules are a test per case (awaiting=me: a probe of case_waits): the arm's candidates
      // are put in list order first (OFFSET 0 keeps them a subquery) and the rules checked one
      // case after another in that order until the page is full, not for every candidate first
      return `SELECT ${columns}
         FROM (SELECT c.id, c.updated_at FROM cases c WHERE ${where}
                ORDER BY c.updated_at DESC, c.id DESC OFFSET 0) k
         JOIN cases c ON c.id = k.id
        WHERE ${q.where.rules}
        ORDER BY k.updated_at DESC, k.id DESC
        LIMIT :limit`;
    };
    const arms: VisibilityArm[] = vis.arms.length ? vis.arms : [{ sql: 'FALSE', broad: false, words: 'rows' }];
    // one arm: its query; several: the union (an arm may repeat another's case), in list order
    const text =
      arms.length === 1
        ? armSql(arms[0])
        : `SELECT u.* FROM (${arms.map((a) => `(${armSql(a)})`).join('\n UNION ')}) u
            ORDER BY u.updated_at DESC, u.id DESC
            LIMIT :limit`;
    const [sql, positional] = this.ds.driver.escapeQueryWithParameters(text, params, {});
    return { sql, params: positional };
  }

  /** The page of rows a `listQuery` returned (fetched with limit + 1), its cursor from the last. */
  listPage<T extends Pick<CaseListRow, 'id' | 'updated_at'>>(rows: T[], limit: number): Page<T> {
    return pageOf(rows, limit, (c) => ({ t: c.updated_at.toISOString(), id: c.id }));
  }

  find(caseId: string, tx: EntityManager = this.ds.manager): Promise<CaseEntity | null> {
    return tx.findOneBy(CaseEntity, { id: caseId });
  }

  /** Cases whose tender has been published (route competitive and past tendering's start). */
  async published(q: { states?: CaseState[]; limit: number; cursor?: string }): Promise<Page<CaseEntity>> {
    const qb = this.ds
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .where(`c.context->>'tenderPublishedAt' IS NOT NULL`)
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(q.limit + 1);
    if (q.states?.length) qb.andWhere('c.state IN (:...states)', { states: q.states });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(c.created_at, c.id) > (:t, :id)', { t: after.t, id: after.id });
    return pageOf(await qb.getMany(), q.limit, (c) => ({ t: c.createdAt.toISOString(), id: c.id }));
  }

  /** Cases that need a machine migration (reported, never crashed on). */
  needingMigration(): Promise<CaseEntity[]> {
    return this.ds.getRepository(CaseEntity).find({ where: { needsMigration: true } });
  }
}

/** The words of `q`: letters and digits, lower-cased (what the 'simple' configuration makes of them). */
const wordsOf = (q: string | undefined): string[] => (q ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** `q` as a tsquery: every word (letters and digits) must start a word of the title or service name. */
export function wordsQuery(q: string | undefined): string | null {
  const words = wordsOf(q);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/**
 * `q` as a tsquery of a consortium's scoped words (`case_search.scoped_words`, migration
 * 1737600000000: each word of a case prefixed with its consortium's id in hex and a dot): every
 * word must start a word of one of that consortium's cases. Its lexemes are quoted (a word holds
 * only letters and digits, never a quote).
 */
export function scopedWordsQuery(consortiumId: string, q: string | undefined): string | null {
  const scope = consortiumId.toLowerCase().replace(/-/g, '');
  const words = wordsOf(q);
  return words.length ? words.map((w) => `'${scope}.${w}':*`).join(' & ') : null;
}
