import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileRelease,
  isJsonObject,
  OCDS_EXTENDED_RELEASE_SCHEMA,
  OCDS_MERGE_RULES,
  type Json,
  type JsonObject,
} from '@makebuy/domain';

/**
 * What a standard OCDS data review checks, for the tests: the 1.1.5 package schemas with the bids
 * and enquiries extensions applied, then the checks beyond the schema (ocid prefix, unique release
 * ids, codelist values, dates in order, compiled release = merge of the releases).
 */
const STANDARD = join(__dirname, '../../libs/domain/src/ocds/standard');
const readJson = (file: string) => JSON.parse(readFileSync(join(STANDARD, file), 'utf8')) as JsonObject;
const SCHEMA_BASE = 'https://standard.open-contracting.org/schema/1__1__5/';

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // the packages refer to the release schema by its id: that id now means the extended schema
  ajv.addSchema({ ...OCDS_EXTENDED_RELEASE_SCHEMA, id: `${SCHEMA_BASE}release-schema.json` });
  ajv.addSchema(readJson('versioned-release-validation-schema.json'));
  return {
    releasePackage: ajv.compile(readJson('release-package-schema.json')),
    recordPackage: ajv.compile(readJson('record-package-schema.json')),
  };
}
let compiled: ReturnType<typeof validator> | null = null;
const schemas = () => (compiled ??= validator());

export function schemaErrors(kind: 'releasePackage' | 'recordPackage', pkg: unknown): unknown[] {
  const validate = schemas()[kind];
  return validate(pkg) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Codes of a codelist CSV (its `Code` column), from the core or an extension. */
function codelist(file: string): Set<string> | null {
  const path = [
    join(STANDARD, 'codelists', file),
    ...['bids', 'enquiries'].map((x) => join(STANDARD, 'extensions', x, 'codelists', file)),
  ].find(existsSync);
  if (!path) return null;
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const header = splitCsv(lines[0]);
  const col = header.indexOf('Code');
  return new Set(lines.slice(1).map((l) => splitCsv(l)[col]));
}
const codelists = new Map<string, Set<string> | null>();

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** Every value of a field that the (extended) release schema ties to a codelist, checked against it. */
export function codelistErrors(release: JsonObject): string[] {
  const errors: string[] = [];
  const defs = OCDS_EXTENDED_RELEASE_SCHEMA.definitions as JsonObject;
  const resolve = (node: JsonObject): JsonObject => {
    const ref = node.$ref;
    return typeof ref === 'string' ? resolve(defs[ref.replace('#/definitions/', '')] as JsonObject) : node;
  };
  const walk = (raw: JsonObject, value: Json | undefined, path: string) => {
    if (value === undefined || value === null) return;
    const node = resolve(raw);
    if (typeof node.codelist === 'string') {
      if (!codelists.has(node.codelist)) codelists.set(node.codelist, codelist(node.codelist));
      const codes = codelists.get(node.codelist);
      if (!codes) errors.push(`${path}: codelist ${node.codelist} is not in the project`);
      for (const v of Array.isArray(value) ? value : [value]) {
        if (codes && !codes.has(String(v))) errors.push(`${path}: ${JSON.stringify(v)} is not in ${node.codelist}`);
      }
      return;
    }
    if (Array.isArray(value) && isJsonObject(node.items)) {
      value.forEach((v, i) => walk(node.items as JsonObject, v, `${path}/${i}`));
    } else if (isJsonObject(value) && isJsonObject(node.properties)) {
      for (const [k, v] of Object.entries(value)) {
        const prop = (node.properties as JsonObject)[k];
        if (isJsonObject(prop)) walk(prop, v, `${path}/${k}`);
      }
    }
  };
  walk(OCDS_EXTENDED_RELEASE_SCHEMA, release, '');
  return errors;
}

const t = (x: Json | undefined) => (typeof x === 'string' ? Date.parse(x) : NaN);

/** Dates that must come in order, within one release and along the releases of one ocid. */
export function dateErrors(releases: JsonObject[]): string[] {
  const errors: string[] = [];
  const inOrder = (what: string, a: Json | undefined, b: Json | undefined) => {
    if (a === undefined || b === undefined) return;
    if (!(t(a) <= t(b))) errors.push(`${what}: ${String(a)} is after ${String(b)}`);
  };
  releases.forEach((r, i) => {
    if (i > 0) inOrder(`release ${String(r.id)} date`, releases[i - 1].date, r.date);
    const tender = (r.tender ?? {}) as JsonObject;
    const tp = (tender.tenderPeriod ?? {}) as JsonObject;
    const ep = (tender.enquiryPeriod ?? {}) as JsonObject;
    inOrder('tenderPeriod', tp.startDate, tp.endDate);
    inOrder('enquiryPeriod', ep.startDate, ep.endDate);
    inOrder('enquiryPeriod end / tenderPeriod end', ep.endDate, tp.endDate);
    inOrder('tender published / release date', tp.startDate, r.date);
    for (const q of (tender.enquiries ?? []) as JsonObject[])
      inOrder('enquiry asked / answered', q.date, q.dateAnswered);
    for (const a of (r.awards ?? []) as JsonObject[]) {
      inOrder('tender close / award', tp.endDate, a.date);
      inOrder('award / release date', a.date, r.date);
    }
    for (const c of (r.contracts ?? []) as JsonObject[]) {
      const period = (c.period ?? {}) as JsonObject;
      inOrder('contract period', period.startDate, period.endDate);
      const award = ((r.awards ?? []) as JsonObject[]).find((a) => a.id === c.awardID);
      if (!award) errors.push(`contract ${String(c.id)} names no award of the release`);
      else inOrder('award / contract start', award.date, period.startDate);
    }
  });
  return errors;
}

/** Everything a data review says about the packages of one contracting process; [] when clean. */
export function reviewProcess(opts: {
  ocidPrefix: string;
  releasePackages: JsonObject[];
  recordPackage: JsonObject;
}): string[] {
  const errors: string[] = [];
  for (const p of opts.releasePackages)
    errors.push(...schemaErrors('releasePackage', p).map((e) => `release package: ${e}`));
  errors.push(...schemaErrors('recordPackage', opts.recordPackage).map((e) => `record package: ${e}`));
  const releases = opts.releasePackages.flatMap((p) => p.releases as JsonObject[]);
  const seen = new Set<string>();
  for (const r of releases) {
    if (!String(r.ocid).startsWith(`${opts.ocidPrefix}-`)) errors.push(`ocid ${String(r.ocid)} lacks the prefix`);
    if (!String(r.id).startsWith(`${String(r.ocid)}-`))
      errors.push(`release id ${String(r.id)} does not start with its ocid`);
    const key = `${String(r.ocid)} ${String(r.id)}`;
    if (seen.has(key)) errors.push(`(ocid, id) repeated: ${key}`);
    seen.add(key);
    errors.push(...codelistErrors(r).map((e) => `release ${String(r.id)}${e}`));
  }
  errors.push(...dateErrors(releases));
  const [record] = opts.recordPackage.records as JsonObject[];
  const recordReleases = record.releases as JsonObject[];
  if (JSON.stringify(recordReleases) !== JSON.stringify(releases))
    errors.push('record releases differ from the release packages');
  const merged = compileRelease(recordReleases, OCDS_MERGE_RULES);
  if (JSON.stringify(sortKeys(merged)) !== JSON.stringify(sortKeys(record.compiledRelease as JsonObject)))
    errors.push('compiledRelease is not the merge of the releases');
  errors.push(...codelistErrors(record.compiledRelease as JsonObject).map((e) => `compiledRelease${e}`));
  return errors;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isJsonObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  return v;
}
