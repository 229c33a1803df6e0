import { isJsonObject, jsonEqual, type Json, type JsonObject } from './json';
import { RULE_PATH_SEPARATOR, type MergeRules } from './merge-rules';

/**
 * The OCDS merge routine (standard 1.1, "schema/merging"): a list of releases of one contracting
 * process becomes a compiled release (the latest value of every field) or a versioned release (the
 * history of every field). Pure: same releases and rules, same result.
 *
 * How: each release is flattened into (path, value) pairs, where a position in an array of objects
 * is replaced by that object's `id` (a fresh identity when it has none), so the same object in two
 * releases has the same paths. Merging is then "later release wins per path" (compiled) or "append
 * a version when the value changed" (versioned), and the pairs are unflattened back.
 */

export interface OcdsReleaseLike extends JsonObject {
  ocid: string;
  id: string;
  date: string;
}

/** An array position: the object's `id` (as merged) and the value it had. */
interface ItemSegment {
  identity: string;
  original: Json | undefined;
}
type Segment = string | ItemSegment;

interface Pair<V> {
  segments: Segment[];
  value: V;
}

interface Version {
  releaseID: Json;
  releaseDate: Json;
  releaseTag: Json;
  value: Json;
}

export function compileRelease(releases: readonly JsonObject[], rules: MergeRules): JsonObject {
  const merged = new Map<string, Pair<Json>>();
  const put = (segments: Segment[], value: Json) => merged.set(pathKey(segments), { segments, value });
  put(['tag'], ['compiled']);
  const fresh = identityMinter();
  for (const release of byDate(releases)) {
    const ocid = release.ocid ?? null;
    const date = release.date ?? null;
    const { tag: _tag, ...rest } = release;
    put(['id'], `${String(ocid)}-${String(date)}`);
    put(['date'], date);
    put(['ocid'], ocid);
    for (const pair of identify(flatten(rest, rules), fresh)) merged.set(pathKey(pair.segments), pair);
  }
  return unflatten([...merged.values()], true);
}

export function versionRelease(releases: readonly JsonObject[], rules: MergeRules): JsonObject {
  const merged = new Map<string, Pair<Json | Version[]>>();
  const fresh = identityMinter();
  for (const release of byDate(releases)) {
    const { ocid, tag, ...rest } = release;
    // The ocid is the process, not a versioned field.
    merged.set(pathKey(['ocid']), { segments: ['ocid'], value: ocid ?? null });
    for (const pair of identify(flatten(rest, rules), fresh)) {
      const key = pathKey(pair.segments);
      const existing = merged.get(key)?.value as Version[] | undefined;
      if (existing && jsonEqual(existing[existing.length - 1].value, pair.value)) continue;
      const version: Version = {
        releaseID: release.id ?? null,
        releaseDate: release.date ?? null,
        releaseTag: tag ?? null,
        value: pair.value,
      };
      if (existing) existing.push(version);
      else merged.set(key, { segments: pair.segments, value: [version] });
    }
  }
  return unflatten([...merged.values()] as Pair<Json>[], false);
}

/** Sorted by `date`, keeping the given order among equal dates (Array.prototype.sort is stable). */
function byDate(releases: readonly JsonObject[]): JsonObject[] {
  if (releases.length === 1) return [...releases];
  return [...releases].sort((a, b) => {
    const x = String(a.date);
    const y = String(b.date);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

type RawPath = (string | number)[];

function flatten(obj: JsonObject | Json[], rules: MergeRules, path: RawPath = [], out: Pair<Json>[] = []) {
  const entries: [string | number, Json][] = Array.isArray(obj) ? obj.map((v, i) => [i, v]) : Object.entries(obj);
  for (const [key, value] of entries) {
    const here = [...path, key];
    const rule = rules.get(here.filter((p) => typeof p === 'string').join(RULE_PATH_SEPARATOR));
    if (rule === 'omitWhenMerged') continue;
    const literal =
      value === null ||
      typeof value !== 'object' ||
      rule === 'wholeListMerge' ||
      (Array.isArray(value) && value.some((item) => !isJsonObject(item)));
    if (literal) out.push({ segments: here as Segment[], value });
    // Empty objects and empty arrays of objects change nothing.
    else if (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0) {
      flatten(value, rules, here, out);
    }
  }
  return out;
}

function identityMinter(): () => string {
  let n = 0;
  // Cannot collide with a real `id`, whose identity is prefixed by its JSON type.
  return () => `\u0000${n++}`;
}

/** Replaces array positions by the identity of the object at that position (its `id`). */
function identify(flat: Pair<Json>[], fresh: () => string): Pair<Json>[] {
  const byRawPath = new Map(flat.map((p) => [JSON.stringify(p.segments), p.value]));
  const seen = new Map<string, ItemSegment>();
  return flat.map(({ segments, value }) => {
    const raw = segments as unknown as RawPath;
    const out = raw.map((part, i): Segment => {
      if (typeof part === 'string') return part;
      const prefix = JSON.stringify(raw.slice(0, i + 1));
      let item = seen.get(prefix);
      if (!item) {
        const id = byRawPath.get(JSON.stringify([...raw.slice(0, i + 1), 'id']));
        item =
          id === undefined || id === null
            ? { identity: fresh(), original: undefined }
            : { identity: `${typeof id}:${String(id)}`, original: id };
        seen.set(prefix, item);
      }
      return item;
    });
    return { segments: out, value };
  });
}

function pathKey(segments: Segment[]): string {
  return JSON.stringify(segments.map((s) => (typeof s === 'string' ? s : [s.identity])));
}

function unflatten(pairs: Pair<Json>[], dropNulls: boolean): JsonObject {
  const root: JsonObject = {};
  const identities = new WeakMap<object, string>();
  for (const { segments, value } of pairs) {
    let node: Json = root;
    for (let i = 0; i < segments.length; i++) {
      const part = segments[i];
      // A path through a field that an earlier release gave a literal value: nothing to descend into.
      if (typeof node !== 'object' || node === null) break;
      if (typeof part !== 'string') {
        if (!Array.isArray(node)) break;
        const list = node;
        let item = list.find((candidate) => isJsonObject(candidate) && identities.get(candidate) === part.identity) as
          JsonObject | undefined;
        if (!item) {
          item = part.original === undefined ? {} : { id: part.original };
          identities.set(item, part.identity);
          list.push(item);
        }
        node = item;
        continue;
      }
      if (Array.isArray(node)) break;
      const current: JsonObject = node;
      // Visited before (or the `id` of an item, already set from its identity).
      if (Object.prototype.hasOwnProperty.call(current, part)) {
        node = current[part];
        continue;
      }
      if (i === segments.length - 1) {
        if (!(dropNulls && value === null)) current[part] = structuredClone(value);
        continue;
      }
      const child: JsonObject | Json[] = typeof segments[i + 1] === 'string' ? {} : [];
      current[part] = child;
      node = child;
    }
  }
  return root;
}
