import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  compileRelease,
  DomainError,
  OCDS_EXTENSION_URLS,
  OCDS_MERGE_RULES,
  OCDS_VERSION,
  versionRelease,
  type JsonObject,
} from '@makebuy/domain';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { encodeOpaqueCursor, invalidCursor, verifyCursor } from '@makebuy/database';
import { OcdsReleaseEntity } from './ocds-release.entity';

export const OCDS_API_BASE = '/api/v1/ocds';

/** The package metadata every OCDS package of this publisher carries. */
interface PackageMeta extends JsonObject {
  uri: string;
  version: string;
  publisher: { name: string };
  publishedDate: string;
  license: string;
  publicationPolicy: string;
  extensions: string[];
}

/**
 * The public read side of OCDS: release packages (paged with `links.next`), single releases, and
 * record packages whose compiled (and versioned) release is the standard merge of the releases.
 */
@Injectable()
export class OcdsPublicationService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get publicationPolicyUrl(): string {
    return `${this.config.publicBaseUrl}${OCDS_API_BASE}/publication-policy`;
  }

  async releasePackage(q: { ocid?: string; limit: number; cursor?: string }): Promise<JsonObject> {
    const after = q.cursor ? positionOf(q.cursor) : null;
    const qb = this.ds
      .getRepository(OcdsReleaseEntity)
      .createQueryBuilder('r')
      .orderBy('r.position', 'ASC')
      .limit(q.limit + 1);
    if (q.ocid) qb.andWhere('r.ocid = :ocid', { ocid: q.ocid });
    if (after) qb.andWhere('r.position > :pos', { pos: after });
    const rows = await qb.getMany();
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const params = (cursor?: string) => {
      const s = new URLSearchParams();
      if (q.ocid) s.set('ocid', q.ocid);
      if (q.limit !== 50) s.set('limit', String(q.limit));
      if (cursor) s.set('cursor', cursor);
      const text = s.toString();
      return text ? `?${text}` : '';
    };
    const url = `${this.config.publicBaseUrl}${OCDS_API_BASE}/releases`;
    const out: JsonObject = {
      ...this.meta(`${url}${params(q.cursor)}`, page),
      releases: page.map((r) => r.release),
    };
    if (more) {
      const last = page[page.length - 1];
      out.links = { next: `${url}${params(encodeOpaqueCursor({ p: last.position }))}` };
    }
    return out;
  }

  async release(id: string): Promise<JsonObject> {
    const row = await this.ds.getRepository(OcdsReleaseEntity).findOneBy({ id });
    if (!row) throw new DomainError('NOT_FOUND', `release ${id} not found`);
    const uri = `${this.config.publicBaseUrl}${OCDS_API_BASE}/releases/${encodeURIComponent(id)}`;
    return { ...this.meta(uri, [row]), releases: [row.release] };
  }

  async recordPackage(ocid: string, opts: { versioned: boolean }): Promise<JsonObject> {
    const rows = await this.ds.getRepository(OcdsReleaseEntity).find({ where: { ocid }, order: { seq: 'ASC' } });
    if (!rows.length) throw new DomainError('NOT_FOUND', `no releases published for ${ocid}`);
    const releases = rows.map((r) => r.release);
    const record: JsonObject = { ocid, releases, compiledRelease: compileRelease(releases, OCDS_MERGE_RULES) };
    if (opts.versioned) record.versionedRelease = versionRelease(releases, OCDS_MERGE_RULES);
    const base = `${this.config.publicBaseUrl}${OCDS_API_BASE}`;
    const uri = `${base}/records/${encodeURIComponent(ocid)}${opts.versioned ? '?versioned=true' : ''}`;
    return {
      ...this.meta(uri, rows),
      packages: [`${base}/releases?ocid=${encodeURIComponent(ocid)}`],
      records: [record],
    };
  }

  private meta(uri: string, rows: OcdsReleaseEntity[]): PackageMeta {
    // the package was published when its latest release was (an empty page: now)
    const latest = rows.reduce<Date | null>((m, r) => (!m || r.date > m ? r.date : m), null);
    return {
      uri,
      version: OCDS_VERSION,
      publisher: { name: this.config.ocdsPublisherName },
      publishedDate: (latest ?? new Date()).toISOString(),
      license: this.config.ocdsLicense,
      publicationPolicy: this.publicationPolicyUrl,
      extensions: [...OCDS_EXTENSION_URLS],
    };
  }
}

/** The publication position a cursor of this API points after (signed, so never forged). */
function positionOf(cursor: string): string {
  const v = verifyCursor(cursor) as { p?: unknown } | null;
  if (typeof v?.p !== 'string' || !/^\d{1,19}$/.test(v.p)) throw invalidCursor();
  return v.p;
}
