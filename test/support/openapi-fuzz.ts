import fc, { Arbitrary } from 'fast-check';
import type { OpenApiDocument } from './openapi-conformance';

/*
 * fast-check arbitraries generated from the served OpenAPI document: plausible values for each
 * schema (so requests get past the first check and reach deeper code), and hostile variants of
 * them: NUL and lone surrogates, megabyte strings, Unicode normalisation tricks, deep nesting,
 * wrong types, prototype keys, forged cursors.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
};

export const HOSTILE_STRINGS: string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  'e\u0301', // é decomposed
  '\u00e9', // é composed
  '\ufb01', // fi ligature (NFKC: fi)
  '\u212b', // Angstrom sign (NFC: Å)
  '\u0130\u0131\u00df', // case-mapping tricks
  '\u202eevil\u202c', // right-to-left override
  '\u200b\ufeff', // zero-width space, BOM
  '😀'.repeat(3),
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00%2e%2e',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  ' ',
  '',
  'x'.repeat(10_000),
];
/** Big enough to pass any field limit and reach the body limit (413) or the header limit (431). */
export const MEGABYTE = 'm'.repeat(1_048_576);

const forgedCursors = (knownIds: string[]) =>
  fc.oneof(
    fc.constantFrom(
      'garbage',
      '',
      '.',
      'a.b.c',
      Buffer.from(JSON.stringify({ t: '2020-01-01T00:00:00+99:00', id: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ t: 'not a time', id: "'; DROP TABLE cases; --" })).toString('base64url') +
        '.AAAAAAAAAAAAAAAAAAAAAA',
    ),
    fc
      .record({ t: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), id: fc.constantFrom(...knownIds) })
      .map((v) => `${Buffer.from(JSON.stringify(v)).toString('base64url')}.${'A'.repeat(22)}`),
    fc.base64String({ maxLength: 80 }),
  );

export interface FuzzContext {
  doc: OpenApiDocument;
  /** ids that name real objects (so requests reach beyond "not found") */
  knownIds: string[];
}

function resolve(doc: OpenApiDocument, s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur.$ref && i < 20; i++) cur = doc.components.schemas[cur.$ref.split('/').pop()!] as Schema;
  return cur;
}

/** A plausible value for a schema (depth-bounded). */
export function valueFor(ctx: FuzzContext, schema: Schema | undefined, depth = 0): Arbitrary<unknown> {
  if (!schema) return fc.constant(undefined);
  const s = resolve(ctx.doc, schema);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (s.oneOf?.length) return fc.oneof(...s.oneOf.map((x) => valueFor(ctx, x, depth)));
  if (s.anyOf?.length) return fc.oneof(...s.anyOf.map((x) => valueFor(ctx, x, depth)));
  if (s.allOf?.length) {
    const parts = s.allOf.map((x) => resolve(ctx.doc, x));
    const merged: Schema = {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
    return valueFor(ctx, merged, depth);
  }
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid') return fc.oneof(fc.constantFrom(...ctx.knownIds), fc.uuid());
      if (s.format === 'date-time')
        return fc
          .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
      if (s.format === 'date')
        return fc
          .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      return fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('Dermatology', 'GBP', 'value'));
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(valueFor(ctx, s.items, depth + 1), { maxLength: 3 });
    default: {
      if (!s.properties || depth > 5) return fc.constant({});
      const keys = Object.keys(s.properties);
      const model = Object.fromEntries(keys.map((k) => [k, valueFor(ctx, s.properties![k], depth + 1)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => keys.includes(k)) });
    }
  }
}

/*
 * Deep nesting is carried as a marker and spliced in as text when the body is serialised:
 * building and cloning 3,000-deep values would exhaust the test's own stack first.
 */
const deep = (n: number): string => `DEEP::${n}::DEEP`;

/** The JSON text of a generated body, with deep-nesting markers expanded. */
export function toJsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"DEEP::(\d+)::DEEP"/g, (_m, n: string) => {
    const depth = Number(n);
    let open = '';
    let close = '';
    for (let i = 0; i < depth; i++) {
      open += i % 3 ? '{"a":' : '[';
      close = (i % 3 ? '}' : ']') + close;
    }
    return `${open}"bottom"${close}`;
  });
}

/** Replaces one leaf (chosen by `pick`) of a JSON value with `replacement`. */
function replaceLeaf(value: unknown, pick: number, replacement: unknown): unknown {
  const leaves: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (v && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
      if (!entries.length) leaves.push(path);
      for (const [k, x] of entries) walk(x, [...path, k]);
    } else leaves.push(path);
  };
  walk(value, []);
  const path = leaves[pick % leaves.length];
  if (!path.length) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = replacement;
  return copy;
}

/** A valid-looking value, or one made hostile in one of many ways. */
export function hostile(ctx: FuzzContext, valid: Arbitrary<unknown>): Arbitrary<unknown> {
  const str = fc.constantFrom(...HOSTILE_STRINGS);
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, fc.nat(), str).map(([v, p, s]) => replaceLeaf(v, p, s)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.constantFrom<unknown>(null, 42, -1, 1e308, true, [], {}, 'str', [null], { x: 1 }))
        .map(([v, p, w]) => replaceLeaf(v, p, w)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom('__proto__', 'constructor', 'prototype', 'unknownField', 'a\u0000'))
        .map(([v, k]) => {
          if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
          // an own key, as JSON.parse makes it (a plain assignment to __proto__ would set the prototype)
          const o = structuredClone(v) as Record<string, unknown>;
          Object.defineProperty(o, k, {
            value: { polluted: true },
            enumerable: true,
            writable: true,
            configurable: true,
          });
          return o;
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.integer({ min: 60, max: 3000 }))
        .map(([v, p, n]) => replaceLeaf(v, p, deep(n))),
    },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat()).map(([v, p]) => replaceLeaf(v, p, MEGABYTE)) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 'text', 0, deep(5000)) },
    { weight: 1, arbitrary: forgedCursors(ctx.knownIds) },
  );
}

/** A path or query parameter value: real ids, random ones, hostile strings, forged cursors. */
export function parameterValue(ctx: FuzzContext, name: string, schema: Schema | undefined): Arbitrary<string> {
  const valid = valueFor(ctx, schema ?? { type: 'string' }).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const base = [
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: fc.constantFrom(...ctx.knownIds) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 1000)) },
    { weight: 1, arbitrary: fc.constantFrom('-1', '0', '1e9', 'NaN', 'true', '[]', '{}', '999999999999999999999') },
    { weight: 1, arbitrary: fc.constant(MEGABYTE) },
  ];
  if (name === 'cursor') base.push({ weight: 4, arbitrary: forgedCursors(ctx.knownIds) });
  return fc.oneof(...base);
}
