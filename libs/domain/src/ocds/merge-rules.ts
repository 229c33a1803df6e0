import { isJsonObject, type Json, type JsonObject } from './json';

/**
 * The merge properties of a release schema, by path of property names (array positions left out),
 * joined with '/': e.g. 'tender/items/additionalClassifications' -> 'wholeListMerge'.
 *
 * Read the way the standard's merging page reads them: `omitWhenMerged` drops the field;
 * `wholeListMerge` (or an array whose items are not objects with an `id`) replaces the array as a
 * whole; other arrays of objects merge their items by `id`. `versionId` needs no rule of its own:
 * it marks the `id`s that are versioned like any other field, which the merge does for every `id`
 * except the one that identifies an object in an array.
 */
export type MergeRule = 'omitWhenMerged' | 'wholeListMerge';
export type MergeRules = ReadonlyMap<string, MergeRule>;

export const RULE_PATH_SEPARATOR = '/';

export function mergeRulesFromSchema(schema: JsonObject): MergeRules {
  const rules = new Map<string, MergeRule>();
  const definitions = isJsonObject(schema.definitions) ? schema.definitions : {};

  // Local `$ref`s only (`#/definitions/Name`), which is all the release schema and its extensions use.
  const resolve = (node: JsonObject, seen: ReadonlySet<string>): { node: JsonObject; seen: ReadonlySet<string> } => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return { node, seen };
    const name = ref.replace(/^#\/definitions\//, '');
    const target = definitions[name];
    if (!isJsonObject(target) || seen.has(name)) return { node: {}, seen };
    return resolve(target, new Set([...seen, name]));
  };

  const walk = (properties: Json, path: readonly string[], seen: ReadonlySet<string>): void => {
    if (!isJsonObject(properties)) return;
    for (const [key, raw] of Object.entries(properties)) {
      if (!isJsonObject(raw)) continue;
      const { node: prop, seen: nextSeen } = resolve(raw, seen);
      const here = [...path, key];
      const id = here.join(RULE_PATH_SEPARATOR);
      const types = typesOf(prop);
      if (prop.omitWhenMerged === true) {
        rules.set(id, 'omitWhenMerged');
      } else if (types.includes('array') && prop.wholeListMerge === true) {
        rules.set(id, 'wholeListMerge');
      } else if (types.includes('object') && isJsonObject(prop.properties)) {
        walk(prop.properties, here, nextSeen);
      } else if (types.includes('array') && isJsonObject(prop.items)) {
        const { node: items, seen: itemSeen } = resolve(prop.items, nextSeen);
        const itemTypes = typesOf(items);
        if (itemTypes.some((t) => t !== 'object')) {
          rules.set(id, 'wholeListMerge');
        } else if (itemTypes.includes('object') && isJsonObject(items.properties)) {
          if (!('id' in items.properties)) rules.set(id, 'wholeListMerge');
          else walk(items.properties, here, itemSeen);
        }
      }
    }
  };

  walk(schema.properties, [], new Set());
  return rules;
}

function typesOf(prop: JsonObject): string[] {
  const type = prop.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}
