#!/usr/bin/env node
/**
 * npm run bench: every target is a ratio to a baseline measured in the same run, on loopback only.
 *
 * Baselines: pgbench running a transaction of the same shape as a case event (lock the case row,
 * rewrite a ~2 KB jsonb snapshot, append a hashed audit row, write an outbox row) on a private
 * database; a raw BullMQ drain of N no-op delayed jobs due at the same instant on the same Redis
 * under its own prefix.
 *
 * Phases, in order (one private database makebuy_bench_run_<pid>, Redis prefixes
 * makebuy-bench-<pid>-*, all dropped at the end; never FLUSHALL):
 * - start: `npm start` on the unchanged built tree to GET /health 200 (new database, then restart).
 * - statements and pool connections per request for one case's events (APP_ROLE=api, counters
 *   preloaded from bench/pg-count.js); template cases and P3's worlds through the API.
 * - P1: case events (create, SUBMIT, three declarations, three reviews, COMPLETE_CONFLICT_CHECK,
 *   DECIDE_BUY) driven by 8, 32 and 128 clients (APP_ROLE=all).
 * - P2: N (10,000) tendering cases with two bids cloned in SQL (bench/clone.js), their
 *   tender_close due in the same second; the app's reconciler puts their jobs in Redis; first due
 *   to last applied, lag, exactly-once check, Redis bytes per pending deadline, peak RSS. Then an
 *   isolated deadline, 20 times (SUBMIT under TIME_ACCELERATION, one at a time).
 * - scale-out: 2 API + 2 worker processes: a second storm of N, then P1 at 32 clients.
 * - P3: clones up to 100,000 cases over 50 worlds; Redis per pending deadline; 16 readers per
 *   endpoint (GET /cases/{id}, awaiting=me, state=, consortiumId=, q=), autocannon connections,
 *   each endpoint warmed for BENCH_P3_WARM_SECONDS first; then the floor under those reads
 *   (reported): an unknown path through the same API process, a bare NestJS route (floor-app.js).
 * Writes bench/results/<timestamp>.json, latest.json and chart.svg; prints PASS/FAIL per target.
 */
const { spawn, execFileSync } = require('node:child_process');
const { writeFileSync, readFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { Client } = require('pg');
const { SignJWT } = require('jose');
const { Queue, Worker } = require('bullmq');
const { chart } = require('./chart');
const T = require('./templates');
const S = require('./scale');
const { rssMb, log } = S;

const PORT = Number(process.env.BENCH_PORT ?? 3917);
const COUNTER_PORT = Number(process.env.BENCH_COUNTER_PORT ?? 3918);
const BASE = `http://127.0.0.1:${PORT}`;
const PG = 'postgres://postgres@127.0.0.1:5432';
// private databases, named per run (other checkouts may run their own bench at the same time)
const DB_NAME = `makebuy_bench_run_${process.pid}`;
const DB = `${PG}/${DB_NAME}`;
const PGBENCH_DB = `makebuy_bench_pgbench_${process.pid}`;
const REDIS = { host: '127.0.0.1', port: 6379 };
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '8,32,128').split(',').map(Number);
// BENCH_ONLY=p1,p2,p3 (any of them): only those phases and their baselines, the results printed
// as JSON instead of judged (to profile one phase: with BENCH_CPU_PROF=<dir>)
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const runs = (phase) => !ONLY.size || ONLY.has(phase);
const N = Number(process.env.BENCH_DEADLINES ?? 10000);
const P3_CASES = Number(process.env.BENCH_P3_CASES ?? 100000);
const P3_WORLDS = Number(process.env.BENCH_P3_WORLDS ?? 50);
const P3_SECONDS = Number(process.env.BENCH_P3_SECONDS ?? 8);
// each P3 read runs this long first, not counted (the API process starts just before P3)
const P3_WARM_SECONDS = Number(process.env.BENCH_P3_WARM_SECONDS ?? 2);
const ISOLATED = Number(process.env.BENCH_ISOLATED ?? 20);
const SCALE_OUT = process.env.BENCH_SCALE_OUT !== '0';
// the storm's jobs reach Redis through the app's reconciler (one getJob and one add per missing
// job) after the app starts: the due instant leaves it time for every pending deadline (checked
// and reported as notEnqueuedBeforeDue)
const STORM_LEAD_MS = Number(process.env.BENCH_STORM_LEAD_MS ?? 15000 + 4 * N);
const RUN = `makebuy-bench-${process.pid}`;
const STORM_TIMEOUT_MS = Number(process.env.BENCH_STORM_TIMEOUT_MS ?? 150000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const token = (sub, roles) =>
  new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;

async function call(method, path, tok, body, base = BASE) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  return { status: res.status, json, retryAfter: res.headers.get('retry-after') };
}
async function api(method, path, tok, body) {
  const r = await call(method, path, tok, body);
  if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

async function adminQuery(sql) {
  const c = new Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

// ---- baseline 1: pgbench, a transaction of the same shape as a case event ----
async function pgbenchBaseline() {
  await adminQuery(`DROP DATABASE IF EXISTS ${PGBENCH_DB} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${PGBENCH_DB}`);
  const c = new Client({ connectionString: `${PG}/${PGBENCH_DB}` });
  await c.connect();
  await c.query(`
    CREATE EXTENSION IF NOT EXISTS pgcrypto;
    CREATE TABLE cases (id int PRIMARY KEY, version int NOT NULL, snapshot jsonb NOT NULL);
    CREATE TABLE audit (case_id int NOT NULL, seq int NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,
                        payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (case_id, seq));
    CREATE TABLE outbox (id bigserial PRIMARY KEY, case_id int NOT NULL, payload jsonb NOT NULL,
                         created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO cases SELECT g, 1, jsonb_build_object('state', 'draft', 'pad', repeat('x', 2000)) FROM generate_series(1, 10000) g;
    INSERT INTO audit SELECT g, 1, '', md5(g::text), '{}' FROM generate_series(1, 10000) g;`);
  await c.end();
  const script = join(require('node:os').tmpdir(), `makebuy-bench-${process.pid}.sql`);
  writeFileSync(
    script,
    `\\set id random(1, 10000)
BEGIN;
SELECT version, snapshot FROM cases WHERE id = :id FOR UPDATE;
SELECT seq, hash FROM audit WHERE case_id = :id ORDER BY seq DESC LIMIT 1;
UPDATE cases SET version = version + 1, snapshot = jsonb_build_object('state', md5(random()::text), 'pad', repeat(md5(random()::text), 62)) WHERE id = :id;
INSERT INTO audit (case_id, seq, prev_hash, hash, payload) SELECT :id, seq + 1, hash, encode(digest(hash || now()::text, 'sha256'), 'hex'), '{"type":"EVENT"}' FROM audit WHERE case_id = :id ORDER BY seq DESC LIMIT 1;
INSERT INTO outbox (case_id, payload) VALUES (:id, '{"job":"notify"}');
COMMIT;
`,
  );
  const cpu = S.cpuMeter([]);
  const own0 = S.endedChildrenCpuMs();
  const out = execFileSync(
    'pgbench',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-n',
      '-c',
      '32',
      '-j',
      '2',
      '-T',
      String(DURATION),
      '-f',
      script,
      PGBENCH_DB,
    ],
    { encoding: 'utf8' },
  );
  const tps = Number(/tps = ([\d.]+)/.exec(out)[1]);
  const lat = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  const txns = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? 0);
  const c1 = cpu(txns);
  // CPU per transaction: pgbench itself (the client side) and PostgreSQL (quiet machine)
  const cpuMsPerTransaction = {
    client: Math.round(((S.endedChildrenCpuMs() - own0) / txns) * 100) / 100,
    postgres: c1.postgres,
  };
  await adminQuery(`DROP DATABASE IF EXISTS ${PGBENCH_DB} WITH (FORCE)`);
  return { clients: 32, seconds: DURATION, statementsPerTransaction: 7, tps, latencyAvgMs: lat, cpuMsPerTransaction };
}

// ---- baseline 2: raw BullMQ drain of N no-op delayed jobs due at the same instant ----
async function bullmqBaseline() {
  const prefix = `makebuy-bench-raw-${process.pid}`;
  const queue = new Queue('raw', { connection: REDIS, prefix });
  await queue.obliterate({ force: true }).catch(() => {});
  const dueAt = Date.now() + 3000;
  for (let i = 0; i < N; i += 1000)
    await queue.addBulk(
      Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({
        name: 'noop',
        data: { i: i + k },
        opts: { delay: dueAt - Date.now(), removeOnComplete: true },
      })),
    );
  let done = 0;
  let last = 0;
  const worker = new Worker(
    'raw',
    async () => {
      done++;
      last = Date.now();
    },
    { connection: REDIS, prefix, concurrency: 8 },
  );
  const give = Date.now() + 120000;
  while (done < N && Date.now() < give) await sleep(20);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  return { jobs: N, done, drainMs: Math.max(1, last - dueAt), workerConcurrency: 8 };
}

async function startApp(extraEnv) {
  // something else on our port (another checkout's bench) would answer our health checks
  if (
    await fetch(`${BASE}/health`).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`port ${PORT} is in use: set BENCH_PORT`);
  // BENCH_CPU_PROF=<dir>: the app writes a V8 CPU profile there when it stops (Chrome DevTools opens it)
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(
    process.execPath,
    [...prof, ...S.NODE_ARGS, '-r', join(__dirname, 'pg-count.js'), 'dist/apps/main.js'],
    {
      env: {
        ...process.env,
        DATABASE_URL: DB,
        PORT: String(PORT),
        BENCH_COUNTER_PORT: String(COUNTER_PORT),
        AUTH_JWT_SECRET: SECRET,
        LOG_LEVEL: 'warn',
        QUEUE_PREFIX: RUN,
        ...extraEnv,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  S.track(child);
  for (let i = 0; ; i++) {
    if (i > 240) throw new Error('app did not become healthy');
    try {
      if ((await fetch(`${BASE}/health`)).ok) break;
    } catch {}
    await sleep(500);
  }
  return child;
}
async function stopApp(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  // a worker still busy with a storm may take long to drain: the bench does not wait for it
  const t = setTimeout(() => child.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(t);
}
const counters = async (reset) =>
  (await fetch(`http://127.0.0.1:${COUNTER_PORT}/`, { method: reset ? 'POST' : 'GET' })).json();

const { criteria } = T;
const http = T.client(BASE, token);
const world = () => T.world(http);

/** The steps of one case, in order: [name, (state) => [method, path, token, body]]. */
function steps(w) {
  const s = [
    ['create', () => ['POST', '/api/v1/cases', w.commissioner.token, w.caseBody]],
    ['SUBMIT', (st) => ['POST', `/api/v1/cases/${st.id}/events`, w.commissioner.token, { type: 'SUBMIT' }]],
  ];
  w.panel.forEach((m, i) => {
    s.push([
      `declaration ${i + 1}`,
      (st) => ['POST', `/api/v1/cases/${st.id}/declarations`, m.token, { interestIds: [], nilReturn: true }],
    ]);
    s.push([
      `review ${i + 1}`,
      (st) => [
        'POST',
        `/api/v1/cases/${st.id}/declarations/${st.declaration}/review`,
        w.governance.token,
        { mitigation: 'none', note: 'reviewed' },
      ],
    ]);
  });
  s.push([
    'COMPLETE_CONFLICT_CHECK',
    (st) => ['POST', `/api/v1/cases/${st.id}/events`, w.governance.token, { type: 'COMPLETE_CONFLICT_CHECK' }],
  ]);
  s.push([
    'DECIDE_BUY',
    (st) => ['POST', `/api/v1/cases/${st.id}/events`, w.panel[1].token, { type: 'DECIDE_BUY', criteria }],
  ]);
  return s;
}
const absorb = (st, name, json) => {
  if (name === 'create') st.id = json.id;
  if (name.startsWith('declaration')) st.declaration = json.id;
};

/** statements (and the round trips they took), pool connections per request, one case, requests one at a time */
async function statementsPerRequest(w) {
  const rows = [];
  const st = {};
  for (const [name, req] of steps(w)) {
    await counters(true);
    const t = Date.now();
    const r = await call(...req(st));
    const ms = Date.now() - t;
    const c = await counters(false);
    if (r.status >= 300) throw new Error(`${name} -> ${r.status} ${JSON.stringify(r.json)}`);
    absorb(st, name, r.json);
    rows.push({
      request: name,
      ...(c.sql.length ? { sql: c.sql } : {}),
      statements: c.statements,
      roundTrips: c.roundTrips,
      poolCheckouts: c.checkouts,
      maxConnectionsHeldAtOnce: c.maxHeld,
      ms,
    });
  }
  await counters(true);
  await call('GET', `/api/v1/cases/${st.id}`, w.commissioner.token);
  const g = await counters(false);
  rows.push({
    request: 'GET /cases/{id}',
    statements: g.statements,
    roundTrips: g.roundTrips,
    poolCheckouts: g.checkouts,
    maxConnectionsHeldAtOnce: g.maxHeld,
  });
  await counters(true);
  await call('GET', `/api/v1/cases?limit=50`, w.commissioner.token);
  const l = await counters(false);
  rows.push({
    request: 'GET /cases?limit=50',
    statements: l.statements,
    roundTrips: l.roundTrips,
    poolCheckouts: l.checkouts,
    maxConnectionsHeldAtOnce: l.maxHeld,
  });
  return rows;
}

/** `clients` loops, each driving cases through every step for DURATION seconds */
async function caseEvents(w, clients, bases = [BASE], pids = []) {
  const cpu = S.cpuMeter(pids);
  const s = steps(w);
  const lat = [];
  const status = {};
  let writes = 0;
  let overloadedWithoutRetryAfter = 0;
  const sample500 = [];
  const end = Date.now() + DURATION * 1000;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const base = bases[c % bases.length];
      while (Date.now() < end) {
        const st = {};
        for (const [name, req] of s) {
          if (Date.now() >= end) break;
          const t = Date.now();
          let r;
          try {
            const [m, path, tok, body] = req(st);
            r = await call(m, path, tok, body, base);
          } catch (e) {
            r = { status: 'network', json: { detail: e.message } };
          }
          lat.push(Date.now() - t);
          status[r.status] = (status[r.status] ?? 0) + 1;
          if (r.status === 503 && !r.retryAfter) overloadedWithoutRetryAfter++;
          if (r.status >= 500 && r.status !== 503 && sample500.length < 3) sample500.push(r.json);
          if (typeof r.status !== 'number' || r.status >= 300) break; // abandon this case, start another
          writes++;
          absorb(st, name, r.json);
        }
      }
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const count = (f) => Object.entries(status).reduce((n, [k, v]) => (f(k) ? n + v : n), 0);
  return {
    clients,
    seconds: Math.round(seconds * 10) / 10,
    writesPerSec: Math.round((writes / seconds) * 10) / 10,
    // CPU per successful write: the app's processes, and every PostgreSQL process (quiet machine)
    cpuMsPerWrite: cpu(writes),
    latencyMs: { p50: pct(lat, 50), p90: pct(lat, 90), p99: pct(lat, 99), max: lat[lat.length - 1] ?? null },
    status,
    http5xx: count((k) => k === 'network' || Number(k) >= 500),
    http500: count((k) => k === 'network' || (Number(k) >= 500 && Number(k) !== 503)),
    http503: count((k) => Number(k) === 503),
    overloadedWithoutRetryAfter,
    sample500,
  };
}

/** P3's mix: the states the clones are spread over (the storm's clones add `evaluation`). */
const P3_MIX = [
  ['draft', 0.3],
  ['conflict_check', 0.1],
  ['route_decision', 0.25],
  ['tendering', 0.05],
  ['cancelled', 0.3],
];
const SERVICES = [
  'Dermatology',
  'Ophthalmology',
  'Audiology',
  'Diabetes',
  'Musculoskeletal',
  'Podiatry',
  'Urology',
  'Gynaecology',
  'Cardiology',
  'Respiratory',
];

async function main() {
  const started = Date.now();
  const results = { at: new Date().toISOString(), node: process.version, durationSeconds: DURATION, deadlines: N };
  results.load = require('node:os').loadavg();
  const redis = new S.IORedis(REDIS);
  const prefixes = [RUN, `${RUN}-p2`, `${RUN}-scale`, `${RUN}-p3`, `${RUN}-start`];
  const children = [];
  let pg;
  try {
    if (!ONLY.size) {
      log('start: npm start on the unchanged built tree, private database');
      results.start = await S.startTime({
        PG,
        port: PORT + 20,
        dbName: `makebuy_bench_start_${process.pid}`,
        secret: SECRET,
        prefix: `${RUN}-start`,
      });
    }

    if (runs('p1')) {
      log('baseline: pgbench');
      results.pgbench = await pgbenchBaseline();
    }
    if (runs('p2')) {
      log(`baseline: raw BullMQ drain of ${N}`);
      results.bullmq = await bullmqBaseline();
    }

    await adminQuery(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    // API alone first, so the counters hold only what a request itself sends (no relay, no worker)
    let child = await startApp({ APP_ROLE: 'api' });
    let w;
    const tpl = {};
    const worlds = [];
    const drafts = [];
    try {
      w = await world();
      log('statements per request (APP_ROLE=api)');
      results.perRequest = await statementsPerRequest(w);
      log('template cases through the API');
      for (const st of ['tendering', 'draft', 'conflict_check', 'route_decision', 'cancelled'])
        if (runs('p2') || runs('p3')) tpl[st] = await T.templateCase(http, w, st);
      if (runs('p3')) log(`${P3_WORLDS} worlds for P3 through the API`);
      for (let i = 0; i < P3_WORLDS && runs('p3'); i++) worlds.push(await T.world(http, `W${i}`));
      for (let i = 0; i < ISOLATED && runs('p2'); i++) drafts.push(await T.templateCase(http, w, 'draft'));
    } finally {
      await stopApp(child);
    }
    results.memoryMb = {};
    if (runs('p1')) {
      child = await startApp({ RECONCILE_INTERVAL_MS: '60000' });
      try {
        results.memoryMb.idle = rssMb(child.pid);
        results.caseEvents = [];
        for (const n of CLIENTS) {
          log(`case events, ${n} clients`);
          results.caseEvents.push(await caseEvents(w, n, [BASE], [child.pid]));
        }
        results.memoryMb.afterCaseEvents = rssMb(child.pid);
      } finally {
        await stopApp(child);
      }
    }

    pg = new Client({ connectionString: DB });
    pg.on('error', (e) => log(`bench's PostgreSQL connection: ${e.message}`));
    await pg.connect();
    const templates = {};
    for (const [st, id] of Object.entries(tpl)) templates[st] = await S.readTemplate(pg, id);
    let s1 = null;
    let s2 = null;
    if (runs('p2')) {
      // ---- P2: an isolated deadline, while nothing else is due (P1's jobs are already in Redis) ----
      child = await startApp({ TIME_ACCELERATION: '100000' });
      try {
        await S.sleep(3000); // the start's reconcile pass
        log(`P2: isolated deadline x${ISOLATED}`);
        results.isolated = await S.isolated(pg, http, w.commissioner.token, drafts);
      } finally {
        await stopApp(child);
      }

      // ---- P2: N tenders closing in the same second ----
      log(`P2: cloning ${N} tendering cases (two bids each) in SQL`);
      s1 = await S.seedStorm(pg, templates.tendering, N);
      if (SCALE_OUT && !ONLY.size) s2 = await S.seedStorm(pg, templates.tendering, N);
      results.p2Seed = { cases: N * (s2 ? 2 : 1), ms: s1.seedMs + (s2?.seedMs ?? 0) };
      log(`P2: seeded in ${results.p2Seed.ms} ms`);
      const dueAt = new Date(Math.ceil((Date.now() + STORM_LEAD_MS) / 1000) * 1000).toISOString();
      await S.moveDue(pg, s1.ids, dueAt);
      const since = new Date();
      const mem0 = await S.usedMemory(redis);
      child = await startApp({ QUEUE_PREFIX: `${RUN}-p2` });
      try {
        const enq = await S.waitEnqueued(pg, since, Date.parse(dueAt) - 500);
        const pending = await S.pendingCount(pg);
        const usage = await S.redisUsage(redis, `${RUN}-p2`);
        results.p2Redis = {
          pendingDeadlines: pending,
          notEnqueuedBeforeDue: enq.left,
          enqueuedMsBeforeDue: Date.parse(dueAt) - enq.atMs,
          keys: usage.keys,
          bytes: usage.bytes,
          bytesPerPending: Math.round(usage.bytes / Math.max(1, pending)),
          usedMemoryDeltaPerPending: Math.round(((await S.usedMemory(redis)) - mem0) / Math.max(1, pending)),
        };
        log(`P2: storm of ${N} due at ${dueAt}`, JSON.stringify(results.p2Redis));
        await S.sleep(Math.max(0, Date.parse(dueAt) - Date.now()));
        results.storm = await S.storm(pg, s1.ids, dueAt, [child.pid], STORM_TIMEOUT_MS);
        log('P2 storm', JSON.stringify(results.storm));
      } finally {
        await stopApp(child);
      }
      // a storm cut off by the timeout must not fire into the phases after it (bench bookkeeping)
      results.storm.cancelledAfterTimeout = await S.cancelLeft(pg, s1.ids);
    }

    // ---- scale-out: two API and two worker processes ----
    if (s2) {
      const due2 = new Date(Math.ceil((Date.now() + STORM_LEAD_MS) / 1000) * 1000).toISOString();
      await S.moveDue(pg, s2.ids, due2);
      const since2 = new Date();
      const env = (role, port) => ({
        DATABASE_URL: DB,
        PORT: String(port),
        AUTH_JWT_SECRET: SECRET,
        QUEUE_PREFIX: `${RUN}-scale`,
        APP_ROLE: role,
      });
      log('scale-out: 2 API + 2 worker processes');
      const apis = [await S.spawnApp(env('api', PORT + 1)), await S.spawnApp(env('api', PORT + 2))];
      const workers = [
        await S.spawnApp(env('worker', PORT + 3), { health: false }),
        await S.spawnApp(env('worker', PORT + 4), { health: false }),
      ];
      children.push(...apis, ...workers);
      try {
        const enq = await S.waitEnqueued(pg, since2, Date.parse(due2) - 500);
        await S.sleep(Math.max(0, Date.parse(due2) - Date.now()));
        const st = await S.storm(
          pg,
          s2.ids,
          due2,
          [...workers, ...apis].map((c) => c.pid),
          STORM_TIMEOUT_MS,
        );
        log('scale-out storm', JSON.stringify(st));
        st.cancelledAfterTimeout = await S.cancelLeft(pg, s2.ids);
        const bases = [PORT + 1, PORT + 2].map((p) => `http://127.0.0.1:${p}`);
        log('scale-out: case events, 32 clients over two API processes');
        const p1 = await caseEvents(
          w,
          32,
          bases,
          [...apis, ...workers].map((c) => c.pid),
        );
        const one = results.caseEvents.find((r) => r.clients === 32);
        results.scaleOut = {
          processes: { api: 2, worker: 2 },
          notEnqueuedBeforeDue: enq.left,
          storm: st,
          workerPeakRssMb: st.peakRssMb.slice(0, 2),
          apiPeakRssMb: st.peakRssMb.slice(2),
          caseEvents32: p1,
          p1Ratio: Math.round((p1.writesPerSec / one.writesPerSec) * 100) / 100,
          p2Ratio: Math.round((st.firstDueToLastAppliedMs / results.storm.firstDueToLastAppliedMs) * 100) / 100,
        };
      } finally {
        for (const c of [...apis, ...workers]) await S.stop(c);
      }
    }

    // ---- P3: 100,000 cases, 16 readers ----
    if (!runs('p3')) return console.log(JSON.stringify(results, null, 2));
    const have = (await pg.query('SELECT count(*)::int AS n FROM cases')).rows[0].n;
    const toAdd = Math.max(0, P3_CASES - have);
    log(`P3: cloning ${toAdd} cases (a mix of states over ${P3_WORLDS} worlds) to reach ${P3_CASES}`);
    const t3 = Date.now();
    const byWorld = worlds.map(() => []);
    let made = 0;
    for (const [st, share] of P3_MIX) {
      const n = Math.round(toAdd * share);
      const base = made;
      const ids = await S.cloneCases(pg, templates[st], n, {
        worldOf: (i) => {
          const k = (base + i) % worlds.length;
          return Object.fromEntries(T.worldIds(w).map((id, j) => [id, T.worldIds(worlds[k])[j]]));
        },
        mutate: (table, row, i) => {
          if (table === 'cases') {
            const svc = SERVICES[(base + i) % SERVICES.length];
            row.service_name = svc;
            row.title = `${svc} redesign ${base + i}`;
            row.updated_at = new Date(Date.parse(row.updated_at) - (base + i) * 1000).toISOString();
          }
          return row;
        },
      });
      ids.forEach((id, i) => byWorld[(base + i) % worlds.length].push({ id, state: st }));
      made += n;
    }
    const mix = (await pg.query('SELECT state, count(*)::int AS n FROM cases GROUP BY state ORDER BY state')).rows;
    results.p3Seed = {
      cases: have + made,
      cloned: made,
      ms: Date.now() - t3,
      states: Object.fromEntries(mix.map((r) => [r.state, r.n])),
    };
    log('P3 seeded', JSON.stringify(results.p3Seed));
    await pg.query('ANALYZE');
    const since3 = new Date();
    const mem3 = await S.usedMemory(redis);
    // the production shape: readers on an API process (its statements counted alone), the
    // reconciler that enqueues the pending deadlines' jobs in a worker process
    child = await startApp({ QUEUE_PREFIX: `${RUN}-p3`, APP_ROLE: 'api' });
    const p3worker = await S.spawnApp(
      {
        DATABASE_URL: DB,
        PORT: String(PORT + 5),
        AUTH_JWT_SECRET: SECRET,
        QUEUE_PREFIX: `${RUN}-p3`,
        APP_ROLE: 'worker',
      },
      { health: false },
    );
    try {
      const enq = await S.waitEnqueued(pg, since3, Date.now() + 180000);
      const pending = await S.pendingCount(pg);
      const usage = await S.redisUsage(redis, `${RUN}-p3`);
      results.p3Redis = {
        pendingDeadlines: pending,
        notEnqueued: enq.left,
        keys: usage.keys,
        bytes: usage.bytes,
        bytesPerPending: Math.round(usage.bytes / Math.max(1, pending)),
        usedMemoryDeltaPerPending: Math.round(((await S.usedMemory(redis)) - mem3) / Math.max(1, pending)),
      };
      log('P3 redis', JSON.stringify(results.p3Redis));
      const tok = {};
      const tokenOf = async (id, roles) => (tok[id] ??= await token(id, roles));
      const wk = await Promise.all(
        worlds.map(async (x) => ({
          x,
          commissioner: await tokenOf(x.commissioner.id, ['commissioner']),
          decider: await tokenOf(x.panel[1].id, ['commissioner']),
          governance: await tokenOf(x.governance.id, ['governance']),
        })),
      );
      let r = 0;
      const rnd = () => ((r = (r * 1103515245 + 12345) & 0x7fffffff), r); // deterministic
      const at = (c) => wk[c % wk.length];
      const reads = {
        'GET /cases/{id}': (c) => {
          const k = c % wk.length;
          const list = byWorld[k];
          return [`/api/v1/cases/${list[rnd() % list.length].id}`, wk[k].commissioner];
        },
        'GET /cases?awaiting=me': (c) => [`/api/v1/cases?awaiting=me`, rnd() % 2 ? at(c).decider : at(c).governance],
        'GET /cases?state=route_decision': (c) => [`/api/v1/cases?state=route_decision`, at(c).commissioner],
        'GET /cases?consortiumId=': (c) => [`/api/v1/cases?consortiumId=${at(c).x.consortiumId}`, at(c).governance],
        'GET /cases?q=': (c) => [
          `/api/v1/cases?q=${SERVICES[rnd() % SERVICES.length].slice(0, 5)}`,
          at(c).commissioner,
        ],
      };
      results.p3 = {};
      for (const [name, pick] of Object.entries(reads)) {
        const [path, tk] = pick(0);
        await counters(true);
        await call('GET', path, tk);
        const cnt = await counters(false);
        log(`P3: ${name}, 16 clients, ${P3_SECONDS} s`);
        results.p3[name] = {
          ...(await S.readLoad(BASE, 16, P3_SECONDS, pick, [child.pid], P3_WARM_SECONDS)),
          statements: cnt.statements,
          poolCheckouts: cnt.checkouts,
        };
        log(name, JSON.stringify(results.p3[name].latencyMs));
      }
      results.memoryMb.p3 = { api: rssMb(child.pid), worker: rssMb(p3worker.pid) };
      // the floor under those reads (reported): a path no route serves, through the same API
      // process (its middleware, routing and the problem answer; no guard, no statement), and a
      // bare NestJS route in a process of its own (bench/floor-app.js), each 16 clients
      log(`P3: floor, 16 clients, ${P3_SECONDS} s`);
      results.p3Floor = {
        'unknown path through the API (404)': await S.readLoad(
          BASE,
          16,
          P3_SECONDS,
          (c) => ['/api/v1/no-such-resource', at(c).commissioner],
          [child.pid],
          P3_WARM_SECONDS,
        ),
      };
      const floorApp = S.track(
        spawn(process.execPath, [join(__dirname, 'floor-app.js'), String(PORT + 7)], { stdio: 'inherit' }),
      );
      try {
        await S.waitHttp(`http://127.0.0.1:${PORT + 7}/floor`, Date.now() + 30000);
        results.p3Floor['bare NestJS route (200)'] = await S.readLoad(
          `http://127.0.0.1:${PORT + 7}`,
          16,
          P3_SECONDS,
          () => ['/floor', 'none'],
          [floorApp.pid],
          P3_WARM_SECONDS,
        );
      } finally {
        floorApp.kill('SIGTERM');
      }
      log('P3 floor', JSON.stringify(Object.values(results.p3Floor).map((f) => f.latencyMs)));
    } finally {
      await stopApp(child);
      await S.stop(p3worker);
    }
  } finally {
    for (const c of children) await S.stop(c).catch(() => {});
    if (pg) await pg.end().catch(() => {});
    for (const p of prefixes) await S.redisDrop(redis, p).catch(() => {});
    if (process.env.BENCH_KEEP_DB !== '1')
      await adminQuery(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`).catch(() => {});
    await redis.quit().catch(() => {});
  }
  results.benchSeconds = Math.round((Date.now() - started) / 1000);
  if (ONLY.size) return console.log(JSON.stringify(results, null, 2));
  await report(results);
}

function report(results) {
  const at = (n) => results.caseEvents.find((r) => r.clients === n);
  const ratio = at(32).writesPerSec / results.pgbench.tps;
  const st = results.storm;
  const p2ratio = st.firstDueToLastAppliedMs / results.bullmq.drainMs;
  const t = (name, measured, target, ok) => ({ name, measured, target, ok });
  const p3 = (k, max) =>
    t(
      `P3 ${k} p99, 16 clients, ${results.p3Seed.cases} cases`,
      `${results.p3[k].latencyMs.p99} ms (p50 ${results.p3[k].latencyMs.p50}, ${results.p3[k].perSec}/s, ${results.p3[k].statements} statements, CPU app ${results.p3[k].cpuMsPerRequest.app} + PostgreSQL ${results.p3[k].cpuMsPerRequest.postgres} ms, ${results.p3[k].non200} non-200)`,
      `<= ${max} ms`,
      results.p3[k].latencyMs.p99 <= max && results.p3[k].non200 === 0,
    );
  const workerRss = results.scaleOut ? Math.max(...results.scaleOut.workerPeakRssMb) : Math.max(...st.peakRssMb);
  const targets = [
    t(
      'P1 case events at 32 clients vs pgbench at 32 clients',
      `${at(32).writesPerSec} writes/s vs ${results.pgbench.tps.toFixed(0)} tps: ${ratio.toFixed(3)}x (CPU per write: app ${at(32).cpuMsPerWrite.app} ms, PostgreSQL ${at(32).cpuMsPerWrite.postgres} ms; per pgbench transaction: pgbench ${results.pgbench.cpuMsPerTransaction.client} ms, PostgreSQL ${results.pgbench.cpuMsPerTransaction.postgres} ms)`,
      '>= 0.35x (goal 0.6x)',
      ratio >= 0.35,
    ),
    t('P1 p99 at 32 clients', `${at(32).latencyMs.p99} ms`, '<= 50 ms', at(32).latencyMs.p99 <= 50),
    t(
      'P1 throughput at 32 clients not lower than at 8',
      `${at(32).writesPerSec} vs ${at(8).writesPerSec} writes/s`,
      '>=',
      at(32).writesPerSec >= at(8).writesPerSec,
    ),
    t(
      'P1 no 5xx at 8 and 32 clients',
      `${at(8).http5xx} and ${at(32).http5xx}`,
      '0',
      at(8).http5xx === 0 && at(32).http5xx === 0,
    ),
    t(
      'P1 at 128 clients only 503 OVERLOADED with Retry-After, no 500',
      `${at(128).http500} 500s, ${at(128).http503} 503s (${at(128).overloadedWithoutRetryAfter} without Retry-After)`,
      '0 500s',
      at(128).http500 === 0 && at(128).overloadedWithoutRetryAfter === 0,
    ),
    t(
      `P2 ${st.deadlines} tender closes due in the same second: first due to last applied vs raw BullMQ drain of ${results.bullmq.jobs}`,
      st.fired === st.deadlines
        ? `${st.firstDueToLastAppliedMs} ms vs ${results.bullmq.drainMs} ms: ${p2ratio.toFixed(1)}x (CPU per close: app ${st.cpuMsPerClose.app} ms, PostgreSQL ${st.cpuMsPerClose.postgres} ms)`
        : `only ${st.fired} applied when the bench stopped waiting (${STORM_TIMEOUT_MS} ms after the due instant): more than ${(STORM_TIMEOUT_MS / results.bullmq.drainMs).toFixed(0)}x ${results.bullmq.drainMs} ms`,
      '<= 10x (goal 3x)',
      st.fired === st.deadlines && p2ratio <= 10,
    ),
    t('P2 storm lag p99', `${st.lagMs.p99} ms (p50 ${st.lagMs.p50} ms)`, '<= 10000 ms', st.lagMs.p99 <= 10000),
    t(
      'P2 every clone closed exactly once (audit row leaving tendering, case in evaluation, deadline fired)',
      `${st.closedExactlyOnce} of ${st.deadlines} (${st.closedTwice} twice, ${st.neverClosed} never, ${st.fired} deadlines fired)`,
      `${st.deadlines}`,
      st.closedExactlyOnce === st.deadlines && st.closedTwice === 0 && st.fired === st.deadlines,
    ),
    t(
      `P2 isolated deadline lag p99 (${results.isolated.samples} deadlines, one at a time)`,
      `${results.isolated.lagMs.p99} ms (p50 ${results.isolated.lagMs.p50} ms, ${results.isolated.fired} fired)`,
      '<= 250 ms',
      results.isolated.fired === results.isolated.samples && results.isolated.lagMs.p99 <= 250,
    ),
    t(
      `Redis per pending deadline (${results.p3Redis.pendingDeadlines} pending, MEMORY USAGE of the queue's keys)`,
      `${results.p3Redis.bytesPerPending} bytes (${results.p3Redis.keys} keys; ${results.p3Redis.notEnqueued} deadlines the reconciler did not re-enqueue)`,
      '<= 1024 bytes',
      results.p3Redis.bytesPerPending <= 1024,
    ),
    t(
      `Worker RSS during the storm (${results.scaleOut ? 'APP_ROLE=worker processes' : 'APP_ROLE=all process'})`,
      `${workerRss} MB (APP_ROLE=all: ${Math.max(...st.peakRssMb)} MB)`,
      '<= 300 MB',
      workerRss <= 300,
    ),
    p3('GET /cases/{id}', 20),
    p3('GET /cases?awaiting=me', 50),
    p3('GET /cases?state=route_decision', 50),
    p3('GET /cases?consortiumId=', 50),
    p3('GET /cases?q=', 50),
    t(
      'Start: npm start on the unchanged built tree to GET /health 200',
      `${results.start.firstStartMs} ms on a new database, ${results.start.restartMs} ms on a migrated one${results.start.rebuilt ? ' (it rebuilt!)' : ''}`,
      '<= 5000 ms, nothing rebuilt',
      results.start.firstStartMs !== null &&
        results.start.restartMs !== null &&
        Math.max(results.start.firstStartMs, results.start.restartMs) <= 5000 &&
        !results.start.rebuilt,
    ),
  ];
  results.targets = targets;
  const so = results.scaleOut;
  results.reported = {
    'P1 ratio at 8 clients': (at(8).writesPerSec / results.pgbench.tps).toFixed(3),
    'P2 Redis per pending deadline during the storm run': `${results.p2Redis.bytesPerPending} bytes (${results.p2Redis.pendingDeadlines} pending)`,
    'P2 jobs not yet enqueued by the due instant (0 expected; else lags include the reconciler)':
      results.p2Redis.notEnqueuedBeforeDue,
    'scale-out P1 (2 API + 2 worker vs 1 process, 32 clients)': so
      ? `${so.caseEvents32.writesPerSec} vs ${at(32).writesPerSec} writes/s: ${so.p1Ratio}x`
      : 'not run',
    'scale-out P2 storm time (2 workers vs 1 process)': so
      ? `${so.storm.firstDueToLastAppliedMs} vs ${st.firstDueToLastAppliedMs} ms: ${so.p2Ratio}x (exactly once: ${so.storm.closedExactlyOnce}/${so.storm.deadlines})`
      : 'not run',
    ...Object.fromEntries(
      Object.entries(results.p3Floor).map(([k, f]) => [
        `P3 floor, 16 clients: ${k}`,
        `p99 ${f.latencyMs.p99} ms (p50 ${f.latencyMs.p50}, ${f.perSec}/s, CPU ${f.cpuMsPerRequest.app} ms a request)`,
      ]),
    ),
    'bench duration': `${results.benchSeconds} s`,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(results, null, 2);
  writeFileSync(join(dir, `${results.at.replace(/[:.]/g, '-')}.json`), text);
  writeFileSync(join(dir, 'latest.json'), text);
  return chart(results).then((svg) => {
    writeFileSync(join(dir, 'chart.svg'), svg);
    console.log(text);
    for (const x of targets) console.log(`${x.ok ? 'PASS' : 'FAIL'}  ${x.name}: ${x.measured} (target ${x.target})`);
    for (const [k, v] of Object.entries(results.reported)) console.log(`REPORTED  ${k}: ${v}`);
    if (targets.some((x) => !x.ok)) process.exitCode = 1;
  });
}

main().catch((e) => {
  console.error(`bench failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
