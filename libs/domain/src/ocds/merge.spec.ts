import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRelease, versionRelease } from './merge';
import { mergeRulesFromSchema } from './merge-rules';
import { OCDS_EXTENDED_RELEASE_SCHEMA, OCDS_MERGE_RULES } from './release-schema';
import type { JsonObject } from './json';

const FIXTURES = join(__dirname, 'standard', 'merge-fixtures');
const read = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
const names = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('-compiled.json'))
  .map((f) => f.replace(/-compiled\.json$/, ''))
  .sort();

describe('OCDS merge: the standard merge fixtures', () => {
  it('finds every fixture of the copied suite', () => {
    expect(names).toHaveLength(17);
    for (const name of names) expect(readdirSync(FIXTURES)).toContain(`${name}-versioned.json`);
  });

  it.each(names)('%s: compiled release', (name) => {
    expect(compileRelease(read(`${name}.json`), OCDS_MERGE_RULES)).toStrictEqual(read(`${name}-compiled.json`));
  });

  it.each(names)('%s: versioned release', (name) => {
    expect(versionRelease(read(`${name}.json`), OCDS_MERGE_RULES)).toStrictEqual(read(`${name}-versioned.json`));
  });
});

describe('OCDS merge rules read from the release schema', () => {
  it('takes omitWhenMerged and wholeListMerge from the schema, and treats arrays of literals as whole lists', () => {
    expect(OCDS_MERGE_RULES.get('id')).toBe('omitWhenMerged');
    expect(OCDS_MERGE_RULES.get('date')).toBe('omitWhenMerged');
    expect(OCDS_MERGE_RULES.get('tag')).toBe('omitWhenMerged');
    expect(OCDS_MERGE_RULES.get('parties/additionalIdentifiers')).toBe('wholeListMerge');
    expect(OCDS_MERGE_RULES.get('tender/items/additionalClassifications')).toBe('wholeListMerge');
    expect(OCDS_MERGE_RULES.get('parties/roles')).toBe('wholeListMerge');
    // Arrays of objects with an `id` merge by id: no rule.
    expect(OCDS_MERGE_RULES.has('awards')).toBe(false);
    expect(OCDS_MERGE_RULES.has('awards/suppliers')).toBe(false);
  });

  it('includes the fields the two extensions add (bid statistics merge by id; enquiries by id)', () => {
    const bids = (OCDS_EXTENDED_RELEASE_SCHEMA.properties as JsonObject).bids as JsonObject;
    expect(bids).toBeDefined();
    const tender = (OCDS_EXTENDED_RELEASE_SCHEMA.definitions as JsonObject).Tender as JsonObject;
    expect((tender.properties as JsonObject).enquiries).toBeDefined();
    expect(OCDS_MERGE_RULES.has('bids/statistics')).toBe(false);
    expect(OCDS_MERGE_RULES.get('awards/relatedBids')).toBe('wholeListMerge');
  });

  it('follows $refs without looping on a schema that refers to itself', () => {
    const rules = mergeRulesFromSchema({
      properties: { node: { $ref: '#/definitions/Node' } },
      definitions: {
        Node: {
          type: 'object',
          properties: {
            secret: { type: 'string', omitWhenMerged: true },
            child: { $ref: '#/definitions/Node' },
            list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
          },
        },
      },
    });
    expect(rules.get('node/secret')).toBe('omitWhenMerged');
    expect(rules.get('node/list')).toBe('wholeListMerge');
  });
});

describe('OCDS merge behaviour beyond the fixtures', () => {
  const release = (id: string, date: string, extra: JsonObject): JsonObject => ({
    ocid: 'ocds-abc123-1',
    id,
    date,
    tag: ['tender'],
    initiationType: 'tender',
    ...extra,
  });

  it('sorts releases by date, whatever order they are given in', () => {
    const first = release('a', '2026-01-01T00:00:00Z', { tender: { id: 't', status: 'active' } });
    const second = release('b', '2026-01-02T00:00:00Z', { tender: { id: 't', status: 'complete' } });
    const compiled = compileRelease([second, first], OCDS_MERGE_RULES);
    expect((compiled.tender as JsonObject).status).toBe('complete');
    expect(compiled.id).toBe('ocds-abc123-1-2026-01-02T00:00:00Z');
  });

  it('does not alias its input: changing the result leaves the releases alone', () => {
    const r = release('a', '2026-01-01T00:00:00Z', { parties: [{ id: 'p', roles: ['buyer'] }] });
    const compiled = compileRelease([r], OCDS_MERGE_RULES);
    ((compiled.parties as JsonObject[])[0].roles as string[]).push('supplier');
    expect((r.parties as JsonObject[])[0].roles).toEqual(['buyer']);
  });

  it('an object in an array without an id is never merged with another', () => {
    const a = release('a', '2026-01-01T00:00:00Z', { tender: { id: 't', milestones: [{ title: 'x' }] } });
    const b = release('b', '2026-01-02T00:00:00Z', { tender: { id: 't', milestones: [{ title: 'y' }] } });
    const compiled = compileRelease([a, b], OCDS_MERGE_RULES);
    expect((compiled.tender as JsonObject).milestones).toEqual([{ title: 'x' }, { title: 'y' }]);
  });
});
