import fc from 'fast-check';
import { findInputProblem, MAX_INPUT_DEPTH } from './input-guard';

const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('findInputProblem', () => {
  it('accepts ordinary JSON, including surrogate pairs and combining characters', () => {
    expect(findInputProblem({ title: 'Dermatology 😀 é', list: [{ k: 'Ω' }], n: 1, b: null })).toBeNull();
  });

  it('refuses NUL and lone surrogates in values and keys, naming the field', () => {
    expect(findInputProblem({ title: 'a\u0000b' })).toMatchObject({ field: 'title' });
    expect(findInputProblem({ criteria: [{ key: 'x' }, { key: '\ud800' }] })).toMatchObject({
      field: 'criteria[1].key',
    });
    expect(findInputProblem({ responses: { ['\udc00x']: 'text' } })?.message).toMatch(/surrogate/);
    expect(findInputProblem('\u0000')).toMatchObject({ field: 'body' });
  });

  it('refuses prototype keys that JSON.parse keeps as own keys', () => {
    for (const k of ['__proto__', 'constructor', 'prototype'])
      expect(findInputProblem(JSON.parse(`{"name":"x","nested":{"${k}":{"admin":true}}}`))).toEqual({
        field: `nested.${k}`,
        message: 'should not exist',
      });
  });

  it(`allows ${MAX_INPUT_DEPTH} levels and refuses one more, without recursion`, () => {
    expect(findInputProblem(nest(MAX_INPUT_DEPTH))).toBeNull();
    expect(findInputProblem(nest(MAX_INPUT_DEPTH + 1))?.message).toMatch(/deeper/);
    expect(findInputProblem(nest(200_000))?.message).toMatch(/deeper/);
  });

  it('finds a NUL wherever it is hidden', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 5 }), fc.nat(), (text, seed) => {
        const value = JSON.parse(text);
        const strings: string[] = [];
        JSON.stringify(value, (_k, v) => (typeof v === 'string' && strings.push(v), v));
        if (!strings.length) return;
        const target = strings[seed % strings.length];
        const poisoned = JSON.parse(JSON.stringify(value, (_k, v) => (v === target ? `${v}\u0000` : v)));
        expect(findInputProblem(poisoned)).not.toBeNull();
      }),
    );
  });
});
