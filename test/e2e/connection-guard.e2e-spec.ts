/**
 * The guard behind "never hold one pool connection while waiting for another" (installed by
 * test/support/test-app.ts in every e2e suite): it must catch a real violation, and only that.
 */
import { DataSource } from 'typeorm';
import { CaseEngine } from '@makebuy/cases';
import { SecondConnectionInTransaction } from '../../libs/database/src/testing';
import { startTestApp, TestApp } from '../support/test-app';
import { given, World } from '../support/given';

describe('connection guard: a second pool connection inside a transaction fails the test', () => {
  let t: TestApp;
  let ds: DataSource;
  let w: World;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'connection_guard', worker: false });
    ds = t.app.get(DataSource);
    w = await given(t).world();
  });
  afterEach(() => {
    // this suite makes violations on purpose; each test checks its own, and close() stays clean
    t.connectionGuard!.violations.length = 0;
  });
  afterAll(() => t?.close());

  it('is installed', () => {
    expect(t.connectionGuard).not.toBeNull();
  });

  it('refuses a read through the DataSource while a transaction is held, and records where', async () => {
    await expect(
      ds.transaction(async () => {
        await ds.query('SELECT 1');
      }),
    ).rejects.toBeInstanceOf(SecondConnectionInTransaction);
    expect(t.connectionGuard!.violations).toHaveLength(1);
    expect(t.connectionGuard!.violations[0].stack).toContain('connection-guard.e2e-spec.ts');
  });

  it('refuses a transaction opened inside another one', async () => {
    await expect(ds.transaction(async () => ds.transaction(async (inner) => inner.query('SELECT 1')))).rejects.toThrow(
      SecondConnectionInTransaction,
    );
    expect(t.connectionGuard!.violations).toHaveLength(1);
  });

  it('catches it in a real command: facts read outside tx under the case lock', async () => {
    const c = await given(t).draftCase(w);
    const engine = t.app.get(CaseEngine);
    await expect(
      engine.apply({
        caseId: c.id,
        actor: { id: w.commissioner.id, roles: ['commissioner'] },
        event: { type: 'SUBMIT' },
        // the D1 mistake: the directory read through the pool, not through tx
        facts: async () => {
          await ds.query('SELECT count(*) FROM people');
          return {};
        },
      }),
    ).rejects.toBeInstanceOf(SecondConnectionInTransaction);
    expect(t.connectionGuard!.violations).toHaveLength(1);
  });

  it('lets alone what is allowed: reads through tx, sibling transactions, reads after commit', async () => {
    await ds.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await tx.getRepository('cases').count();
    });
    await Promise.all([
      ds.transaction((tx) => tx.query('SELECT 1')),
      ds.transaction((tx) => tx.query('SELECT 2')),
      ds.query('SELECT 3'),
    ]);
    const c = await given(t).draftCase(w);
    await given(t).event(w.commissioner.token, c.id, { type: 'SUBMIT' });
    await ds.query('SELECT 1');
    expect(t.connectionGuard!.violations).toEqual([]);
  });
});
