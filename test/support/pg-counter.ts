import pg from 'pg';

/**
 * Counts what the process sends to PostgreSQL (every `Client.query`, BEGIN/COMMIT included), the
 * pool checkouts, and the largest number of pool connections held at the same moment: the
 * figures bench/pg-count.js reports, in-process for a test. `sql` keeps each statement's text.
 * `roundTrips`: statements sent while their client had nothing in flight (a statement pipelined
 * behind another, before the first's answer, rides on the first's round trip).
 */
export interface PgCounts {
  statements: number;
  roundTrips: number;
  checkouts: number;
  maxHeld: number;
  sql: string[];
}

export class PgCounter {
  private c: PgCounts = { statements: 0, roundTrips: 0, checkouts: 0, maxHeld: 0, sql: [] };
  private held = 0;
  private readonly restore: () => void;

  private constructor() {
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const poolProto = pg.Pool.prototype as unknown as { connect: (...a: unknown[]) => unknown };
    const query = proto.query;
    const connect = poolProto.connect;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    proto.query = function (this: unknown, ...args: unknown[]) {
      self.c.statements++;
      // node-postgres's own queues: the query it waits on, those queued, those pipelined
      const q0 = this as { _activeQuery?: unknown; _queryQueue?: unknown[]; _sentQueryQueue?: unknown[] };
      if (!q0._activeQuery && !q0._queryQueue?.length && !q0._sentQueryQueue?.length) self.c.roundTrips++;
      const q = args[0] as string | { text?: string };
      self.c.sql.push(typeof q === 'string' ? q : (q?.text ?? '?'));
      return query.apply(this, args);
    };
    const track = (client: { release: (...a: unknown[]) => unknown }) => {
      self.c.checkouts++;
      self.held++;
      self.c.maxHeld = Math.max(self.c.maxHeld, self.held);
      const release = client.release;
      let done = false;
      client.release = function (this: unknown, ...a: unknown[]) {
        if (!done) {
          done = true;
          self.held--;
        }
        client.release = release;
        return release.apply(this, a);
      };
      return client;
    };
    poolProto.connect = function (this: unknown, cb?: unknown) {
      if (typeof cb === 'function')
        return connect.call(this, (err: unknown, client: never, rel: unknown) => {
          if (err) return (cb as (...a: unknown[]) => void)(err, client, rel);
          track(client);
          (cb as (...a: unknown[]) => void)(err, client, (...a: unknown[]) =>
            (client as { release: (...a: unknown[]) => unknown }).release(...a),
          );
        });
      return (connect.call(this) as Promise<never>).then(track);
    };
    this.restore = () => {
      proto.query = query;
      poolProto.connect = connect;
    };
  }

  static install(): PgCounter {
    return new PgCounter();
  }

  reset(): void {
    this.c = { statements: 0, roundTrips: 0, checkouts: 0, maxHeld: this.held, sql: [] };
  }

  /** The counts since the last reset, for what `fn` did. */
  async measure<T>(fn: () => Promise<T>): Promise<{ value: T; counts: PgCounts }> {
    this.reset();
    const value = await fn();
    return { value, counts: { ...this.c, sql: [...this.c.sql] } };
  }

  uninstall(): void {
    this.restore();
  }
}
