/**
 * Preloaded into the app by the bench (`node -r ./bench/pg-count.js`): counts the SQL statements
 * the process sends (every pg `Client.query`, BEGIN/COMMIT included), the round trips they took
 * (statements sent while their client had nothing in flight: one pipelined behind another rides on
 * the first's) and the pool connections it holds at once, and serves the counters on loopback
 * (GET /, POST /reset) on BENCH_COUNTER_PORT.
 * Measurement only; never loaded by the app itself.
 */
const http = require('node:http');
const pg = require('pg');

const c = { statements: 0, roundTrips: 0, checkouts: 0, held: 0, maxHeld: 0, sql: [] };
// BENCH_COUNT_SQL=1: also keep the text of each statement since the last reset (what a request sends)
const keepSql = process.env.BENCH_COUNT_SQL === '1';
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  c.statements++;
  // node-postgres's own queues: the query it waits on, those queued, those pipelined
  if (!this._activeQuery && !this._queryQueue?.length && !this._sentQueryQueue?.length) c.roundTrips++;
  if (keepSql && c.sql.length < 200) {
    const q = args[0];
    c.sql.push(
      String(typeof q === 'string' ? q : (q?.text ?? ''))
        .replace(/\s+/g, ' ')
        .slice(0, 240),
    );
  }
  return query.apply(this, args);
};
const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function (cb) {
  const wrapClient = (client) => {
    c.checkouts++;
    c.held++;
    c.maxHeld = Math.max(c.maxHeld, c.held);
    const release = client.release;
    let done = false;
    client.release = function (...a) {
      if (!done) {
        done = true;
        c.held--;
      }
      client.release = release;
      return release.apply(this, a);
    };
    return client;
  };
  if (typeof cb === 'function')
    return connect.call(this, (err, client, rel) => {
      if (err) return cb(err, client, rel);
      wrapClient(client);
      cb(err, client, (...a) => client.release(...a));
    });
  return connect.call(this).then(wrapClient);
};

http
  .createServer((req, res) => {
    if (req.method === 'POST') {
      c.statements = 0;
      c.roundTrips = 0;
      c.checkouts = 0;
      c.maxHeld = c.held;
      c.sql = [];
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(c));
  })
  .listen(Number(process.env.BENCH_COUNTER_PORT ?? 3918), '127.0.0.1');
