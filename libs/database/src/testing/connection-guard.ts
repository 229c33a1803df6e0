import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A test-only guard for the rule "never hold one pool connection while waiting for another".
 * Inside `DataSource.transaction(...)` everything must be read through its `tx`; a second pool
 * connection taken by the same async context (ds.query, a repository of the DataSource, another
 * transaction) while the first is held is how a burst on one case starves the pool (the winner
 * holds the case lock and waits for a connection the losers hold while they wait for the lock).
 *
 * Installed on a DataSource, it records each such acquisition with the stack that made it, and
 * refuses it with an error (so the offending request fails where it happens, not later under
 * load). `violations` lists them for the test harness, which fails the suite on any.
 */
export interface ConnectionGuardViolation {
  message: string;
  stack: string;
}

interface Held {
  holding: boolean;
}

export class SecondConnectionInTransaction extends Error {
  constructor() {
    super('a second pool connection was asked for while this async context holds a transaction (read through tx)');
    this.name = 'SecondConnectionInTransaction';
  }
}

export class ConnectionGuard {
  readonly violations: ConnectionGuardViolation[] = [];
  private readonly als = new AsyncLocalStorage<Held>();

  private constructor(private readonly refuse: boolean) {}

  /** Patches this DataSource's transaction entry point and its driver's connection pool. */
  static install(ds: DataSource, opts: { refuse?: boolean } = {}): ConnectionGuard {
    const guard = new ConnectionGuard(opts.refuse ?? true);
    const driver = ds.driver as unknown as { obtainMasterConnection: () => Promise<unknown> };
    const obtain = driver.obtainMasterConnection.bind(driver);
    driver.obtainMasterConnection = () => {
      guard.check();
      return obtain();
    };
    guard.watch(ds.manager);
    // a transaction on a query runner of its own (DeferredWrites.transaction) is held the same way
    const createQueryRunner = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = ((...a: Parameters<DataSource['createQueryRunner']>) => {
      const qr = createQueryRunner(...a);
      guard.watch(qr.manager);
      return qr;
    }) as DataSource['createQueryRunner'];
    return guard;
  }

  /** Marks the async context of the manager's transactions as holding a connection. */
  private watch(manager: EntityManager): void {
    const m = manager as EntityManager & { transaction: (...a: unknown[]) => Promise<unknown> };
    const transaction = m.transaction.bind(m) as (...a: unknown[]) => Promise<unknown>;
    m.transaction = ((...args: unknown[]) => {
      this.check();
      // (fn) or (isolationLevel, fn); DataSource.transaction passes both, the second maybe undefined
      const at = typeof args[0] === 'function' ? 0 : 1;
      const fn = args[at] as (tx: EntityManager) => Promise<unknown>;
      const held: Held = { holding: false };
      const wrapped = async (tx: EntityManager) => {
        held.holding = true;
        try {
          return await fn(tx);
        } finally {
          held.holding = false;
        }
      };
      return this.als.run(held, () => (at === 0 ? transaction(wrapped) : transaction(args[0], wrapped)));
    }) as never;
  }

  private check(): void {
    if (!this.als.getStore()?.holding) return;
    const e = new SecondConnectionInTransaction();
    this.violations.push({ message: e.message, stack: e.stack ?? '' });
    if (this.refuse) throw e;
  }
}
