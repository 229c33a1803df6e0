/**
 * The bench's phases at scale: P2 (a storm of deadlines due in the same second, an isolated
 * deadline's lag, Redis bytes per pending deadline), P3 (100,000 cases, 16 readers), scale-out
 * (two API and two worker processes) and start time. Every case they need beyond the templates is
 * cloned in SQL (bench/clone.js); every job reaches Redis through the app's own reconciler.
 */
const { spawn } = require('node:child_process');
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { Client } = require('pg');
const IORedis = require('ioredis');
const autocannon = require('autocannon');
const { readTemplate, cloneCases } = require('./clone');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
/** Every app process the bench started: killed when the bench exits, however it exits. */
const started = new Set();
function track(child) {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}
process.on('exit', () => {
  for (const c of started) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

// CPU time from /proc/<pid>/stat: utime and stime (fields 14, 15), cutime and cstime of reaped
// children (16, 17), in clock ticks (USER_HZ, 100 on Linux)
const TICK_MS = 10;
function statOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    return {
      comm: s.slice(s.indexOf('(') + 1, close),
      ms: (Number(f[11]) + Number(f[12])) * TICK_MS,
      children: (Number(f[13]) + Number(f[14])) * TICK_MS,
    };
  } catch {
    return null;
  }
}
/** CPU milliseconds used so far by `pids` (the app's processes). */
function cpuMs(pids) {
  return pids.reduce((n, p) => n + (statOf(p)?.ms ?? 0), 0);
}
/**
 * CPU milliseconds used so far by every PostgreSQL process on this machine (backends that ended are
 * counted in the postmaster's reaped-children time). Meaningful only on a quiet machine.
 */
function postgresCpuMs() {
  let n = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = statOf(d);
    if (st && st.comm === 'postgres') n += st.ms + st.children;
  }
  return n;
}
/** CPU milliseconds of this process's children that ended (pgbench, once it returned). */
function endedChildrenCpuMs() {
  return statOf(process.pid)?.children ?? 0;
}
/** Starts counting CPU of `pids` and of PostgreSQL; the returned function gives ms per `n` units of work. */
function cpuMeter(pids) {
  const a0 = cpuMs(pids);
  const p0 = postgresCpuMs();
  return (n) => {
    const per = (x) => (n ? Math.round((x / n) * 100) / 100 : null);
    return { app: per(cpuMs(pids) - a0), postgres: per(postgresCpuMs() - p0) };
  };
}

/** Samples the RSS of `pids` every 200 ms until stopped; gives the peak of each. */
function rssSampler(pids) {
  const peak = pids.map(() => 0);
  const t = setInterval(() => pids.forEach((p, i) => (peak[i] = Math.max(peak[i], rssMb(p) ?? 0))), 200);
  return () => {
    clearInterval(t);
    return peak;
  };
}

// BENCH_NODE_ARGS="--trace-gc ...": extra node flags for every app process the bench starts
// (node refuses some of them in NODE_OPTIONS, which would also reach the bench itself)
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Spawns `node dist/apps/main.js` with `env`; resolves once GET /health answers 200 (for api/all). */
async function spawnApp(env, { health = true, preload = null } = {}) {
  if (
    health &&
    (await fetch(`http://127.0.0.1:${env.PORT}/health`).then(
      () => true,
      () => false,
    ))
  )
    throw new Error(`port ${env.PORT} is in use: set BENCH_PORT`);
  const args = [...NODE_ARGS, ...(preload ? ['-r', preload] : []), 'dist/apps/main.js'];
  const child = spawn(process.execPath, args, {
    cwd: join(__dirname, '..'),
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.exited = new Promise((r) => child.once('exit', r));
  track(child);
  if (!health) {
    await sleep(1500);
    return child;
  }
  const give = Date.now() + 120000;
  for (;;) {
    if (Date.now() > give || child.exitCode !== null) throw new Error(`app on ${env.PORT} did not become healthy`);
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/health`)).ok) return child;
    } catch {}
    await sleep(100);
  }
}
/** Resolves once `url` answers 200; throws past `until` (a timestamp). */
async function waitHttp(url, until) {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > until) throw new Error(`${url} did not answer`);
    await sleep(100);
  }
}
async function stop(child) {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15000);
  await child.exited;
  clearTimeout(t);
}

/** Redis: total MEMORY USAGE of the keys under `prefix`, and how many. SCAN only; never FLUSHALL. */
async function redisUsage(redis, prefix) {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) {
      const p = redis.pipeline();
      for (const k of batch) p.memory('USAGE', k, 'SAMPLES', 0);
      for (const [, v] of await p.exec()) bytes += Number(v ?? 0);
      keys += batch.length;
    }
  } while (cursor !== '0');
  return { bytes, keys };
}
async function redisDrop(redis, prefix) {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) await redis.unlink(...batch);
  } while (cursor !== '0');
}
const usedMemory = async (redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);

/**
 * Waits until every pending future deadline has been put into Redis by the reconciler (enqueued_at
 * set since `since`), or until that count has not moved for 15 s (the reconciler's pass is over:
 * a deadline whose job it found already in Redis keeps its old enqueued_at), or `untilMs`.
 */
async function waitEnqueued(pg, since, untilMs) {
  let left = null;
  let last = null;
  let stableSince = Date.now();
  while (Date.now() < untilMs) {
    left = (
      await pg.query(
        `SELECT count(*)::int AS n FROM deadlines WHERE status = 'pending' AND due_at > now() AND (enqueued_at IS NULL OR enqueued_at < $1)`,
        [since],
      )
    ).rows[0].n;
    if (left === 0) return { left: 0, atMs: Date.now() };
    if (left !== last) {
      last = left;
      stableSince = Date.now();
    } else if (Date.now() - stableSince > 15000) return { left, atMs: Date.now() };
    await sleep(200);
  }
  return { left, atMs: Date.now() };
}

const pendingCount = async (pg) =>
  (await pg.query(`SELECT count(*)::int AS n FROM deadlines WHERE status = 'pending' AND due_at > now()`)).rows[0].n;

/**
 * Clones `n` tendering cases (two bids each) whose tender_close deadline is parked far in the
 * future; `due(ids, at)` later moves them all to one instant (before the app that will fire them starts).
 */
async function seedStorm(pg, template, n) {
  const t0 = Date.now();
  const ids = await cloneCases(pg, template, n, {
    mutate: (table, row, i) => {
      if (table === 'deadlines' && row.status === 'pending') {
        row.due_at = '2100-01-01T00:00:00.000Z';
        row.enqueued_at = null;
        row.claimed_until = null;
      }
      if (table === 'cases') row.updated_at = new Date(Date.parse(row.updated_at) - i * 1000).toISOString();
      return row;
    },
  });
  return { ids, seedMs: Date.now() - t0 };
}
/**
 * Cancels the storm deadlines still pending when the bench stopped waiting; returns how many.
 * The app may still be closing some of them: rows it holds are skipped (SKIP LOCKED, never a
 * wait that could deadlock with a batch that locks case then deadline), and the pass repeats
 * until none is pending (a skipped row is either fired by its batch or cancelled next pass).
 */
async function cancelLeft(pg, ids) {
  let cancelled = 0;
  for (let pass = 0; pass < 600; pass++) {
    const r = await pg.query(
      `UPDATE deadlines SET status = 'cancelled', settled_at = now(), outcome = 'bench: storm not applied before the bench stopped waiting'
        WHERE id IN (SELECT id FROM deadlines WHERE case_id = ANY($1) AND kind = 'tender_close' AND status = 'pending'
                     ORDER BY id FOR UPDATE SKIP LOCKED)`,
      [ids],
    );
    cancelled += r.rowCount;
    const left = await pg.query(
      `SELECT count(*)::int AS n FROM deadlines WHERE case_id = ANY($1) AND kind = 'tender_close' AND status = 'pending'`,
      [ids],
    );
    if (left.rows[0].n === 0) return cancelled;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cancelled;
}
async function moveDue(pg, ids, at) {
  const r = await pg.query(
    `UPDATE deadlines SET due_at = $2 WHERE case_id = ANY($1) AND kind = 'tender_close' AND status = 'pending'`,
    [ids, at],
  );
  return r.rowCount;
}

/**
 * The storm: N clones' tender_close all due at `dueAt` (the app was started after moveDue, so its
 * reconciler enqueued their jobs). Measures first due -> last applied, lag, peak RSS, and checks
 * that every clone closed exactly once.
 */
async function storm(pg, ids, dueAt, pids, timeoutMs) {
  const stopRss = rssSampler(pids);
  const cpu = cpuMeter(pids);
  let fired = 0;
  const give = Date.now() + timeoutMs;
  while (Date.now() < give) {
    fired = (
      await pg.query(
        `SELECT count(*)::int AS n FROM deadlines WHERE case_id = ANY($1) AND kind = 'tender_close' AND status <> 'pending'`,
        [ids],
      )
    ).rows[0].n;
    if (fired >= ids.length) break;
    // once a second: at 10,000 ids this count costs PostgreSQL about 20 ms, and polled every 100 ms it was
    // 1.2 ms of PostgreSQL CPU per close, charged to the app; the window and lags come from settled_at anyway
    await sleep(1000);
  }
  const peakRssMb = stopRss();
  const cpuMsPerClose = cpu(fired);
  const d = (
    await pg.query(
      `SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - due_at)) * 1000) AS p50,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - due_at)) * 1000) AS p99,
              round(extract(epoch FROM max(due_at) - min(due_at)) * 1000) AS due_spread,
              round(extract(epoch FROM max(settled_at) - min(due_at)) * 1000) AS window,
              count(*) FILTER (WHERE status = 'fired')::int AS fired,
              count(*) FILTER (WHERE status NOT IN ('fired', 'pending'))::int AS other
         FROM deadlines WHERE case_id = ANY($1) AND kind = 'tender_close'`,
      [ids],
    )
  ).rows[0];
  // exactly once: one audit row leaving tendering per clone, the case in evaluation, its deadline fired
  const v = (
    await pg.query(
      `SELECT count(*) FILTER (WHERE closes = 1 AND c.state = 'evaluation')::int AS ok,
              count(*) FILTER (WHERE closes > 1)::int AS twice,
              count(*) FILTER (WHERE closes = 0)::int AS never
         FROM cases c
         JOIN LATERAL (SELECT count(*)::int AS closes FROM case_events e
                        WHERE e.case_id = c.id AND e.from_state = 'tendering' AND e.to_state <> 'tendering') x ON true
        WHERE c.id = ANY($1)`,
      [ids],
    )
  ).rows[0];
  return {
    deadlines: ids.length,
    dueAt,
    fired: d.fired,
    settledOtherwise: d.other,
    dueSpreadMs: Number(d.due_spread),
    firstDueToLastAppliedMs: Number(d.window),
    lagMs: { p50: Number(d.p50), p99: Number(d.p99) },
    peakRssMb,
    cpuMsPerClose,
    closedExactlyOnce: v.ok,
    closedTwice: v.twice,
    neverClosed: v.never,
  };
}

/**
 * An isolated deadline, `times` times: a draft clone SUBMITted through the API (the app schedules
 * its conflict_check_sla deadline through the outbox; TIME_ACCELERATION brings it within seconds),
 * one at a time, each due while nothing else is due. Lag = settled_at - due_at.
 */
async function isolated(pg, http, tok, draftIds) {
  const lags = [];
  for (const id of draftIds) {
    await http.api('POST', `/api/v1/cases/${id}/events`, tok, { type: 'SUBMIT' });
    const give = Date.now() + 30000;
    let row = null;
    while (Date.now() < give) {
      row = (
        await pg.query(
          `SELECT status, round(extract(epoch FROM settled_at - due_at) * 1000)::int AS lag
             FROM deadlines WHERE case_id = $1 AND kind = 'conflict_check_sla' AND purpose = 'transition'`,
          [id],
        )
      ).rows[0];
      if (row && row.status !== 'pending') break;
      await sleep(25);
    }
    if (row && row.status === 'fired') lags.push(row.lag);
    await sleep(300); // the next one falls due alone
  }
  lags.sort((a, b) => a - b);
  return {
    samples: draftIds.length,
    fired: lags.length,
    lagMs: { p50: pct(lags, 50), p99: pct(lags, 99), max: lags.at(-1) ?? null },
    all: lags,
  };
}

/**
 * `clients` keep-alive connections to `url`, each sending `pick(client)` -> [path, token] for `seconds`:
 * latency percentiles (every response's own time) and statuses. The load comes from autocannon,
 * made for this: it writes prebuilt requests on raw sockets and costs the bench about 0.24 ms of
 * CPU a request where `fetch` cost 0.84 ms, CPU the app's two cores would otherwise lose to the
 * measuring (docs/performance.md, eighth pass). `warmSeconds` of the same load first, not counted
 * (the process's first requests run code V8 has not optimised yet).
 */
async function readLoad(url, clients, seconds, pick, pids = [], warmSeconds = 0) {
  const run = async (secs, measure) => {
    const lat = [];
    const status = {};
    let next = 0;
    const instance = autocannon({
      url,
      connections: clients,
      duration: secs,
      requests: [
        {
          setupRequest: (req, context) => {
            context.client ??= next++;
            const [path, tok] = pick(context.client);
            return { ...req, method: 'GET', path, headers: { authorization: `Bearer ${tok}` } };
          },
        },
      ],
    });
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      if (!measure) return;
      lat.push(ms);
      status[statusCode] = (status[statusCode] ?? 0) + 1;
    });
    const result = await instance;
    if (result.errors) status.network = (status.network ?? 0) + result.errors;
    return { lat, status };
  };
  if (warmSeconds > 0) await run(warmSeconds, false);
  const cpu = cpuMeter(pids);
  const { lat, status } = await run(seconds, true);
  const used = cpu(lat.length);
  lat.sort((a, b) => a - b);
  const r = (x) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    requests: lat.length,
    perSec: Math.round(lat.length / seconds),
    cpuMsPerRequest: used,
    latencyMs: { p50: r(pct(lat, 50)), p90: r(pct(lat, 90)), p99: r(pct(lat, 99)), max: r(lat.at(-1) ?? null) },
    status,
    non200: Object.entries(status).reduce((n, [k, v]) => (k === '200' ? n : n + v), 0),
  };
}

/** Time from spawning `npm start` (unchanged built tree) to GET /health 200, on a private database. */
async function startTime({ PG, port, dbName, secret, prefix }) {
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  const once = async () => {
    const t0 = performance.now();
    const child = spawn('npm', ['start'], {
      cwd: join(__dirname, '..'),
      env: {
        ...process.env,
        DATABASE_URL: `${PG}/${dbName}`,
        PORT: String(port),
        AUTH_JWT_SECRET: secret,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group: npm, sh and node are stopped together
    });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise((r) => child.once('exit', r));
    let ms = null;
    const give = Date.now() + 90000;
    while (Date.now() < give && child.exitCode === null) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) {
          ms = Math.round(performance.now() - t0);
          break;
        }
      } catch {}
      await sleep(50);
    }
    process.kill(-child.pid, 'SIGTERM');
    await exited;
    await sleep(300);
    return { ms, rebuilt: /building the/.test(stderr) };
  };
  const first = await once(); // fresh database: created and migrated
  const restart = await once(); // the same database, already migrated
  const admin2 = new Client({ connectionString: `${PG}/postgres` });
  await admin2.connect();
  await admin2.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin2.end();
  return { firstStartMs: first.ms, restartMs: restart.ms, rebuilt: first.rebuilt || restart.rebuilt };
}

module.exports = {
  track,
  sleep,
  pct,
  log,
  NODE_ARGS,
  rssMb,
  rssSampler,
  cpuMeter,
  endedChildrenCpuMs,
  spawnApp,
  waitHttp,
  stop,
  redisUsage,
  redisDrop,
  usedMemory,
  waitEnqueued,
  pendingCount,
  seedStorm,
  moveDue,
  cancelLeft,
  storm,
  isolated,
  readLoad,
  startTime,
  readTemplate,
  cloneCases,
  IORedis,
};
