import { combine } from './deferred-writes';

describe('combine (deferred writes as one statement)', () => {
  it('keeps a single write as it is', () => {
    const w = { sql: 'INSERT INTO t (a) VALUES ($1)', params: [1] };
    expect(combine([w])).toBe(w);
  });

  it('makes every write but the last a CTE and renumbers the parameters in order', () => {
    const out = combine([
      { sql: 'UPDATE a SET x = $2 WHERE id = $1', params: ['a1', 'a2'] },
      { sql: 'INSERT INTO b (p, q, r) VALUES ($1, $2, $3::jsonb)', params: ['b1', 'b2', 'b3'] },
      { sql: 'INSERT INTO c (p) VALUES ($1)', params: ['c1'] },
    ]);
    expect(out.sql).toBe(
      'WITH w1 AS (UPDATE a SET x = $2 WHERE id = $1), w2 AS (INSERT INTO b (p, q, r) VALUES ($3, $4, $5::jsonb)) ' +
        'INSERT INTO c (p) VALUES ($6)',
    );
    expect(out.params).toEqual(['a1', 'a2', 'b1', 'b2', 'b3', 'c1']);
  });

  it('renumbers $10 and above as whole numbers', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `$${i + 1}`).join(', ');
    const out = combine([
      { sql: `INSERT INTO a VALUES (${ten})`, params: Array.from({ length: 10 }, (_, i) => i) },
      { sql: `INSERT INTO b VALUES ($1, $10)`, params: Array.from({ length: 10 }, (_, i) => i) },
    ]);
    expect(out.sql).toContain('INSERT INTO b VALUES ($11, $20)');
  });
});
