#!/usr/bin/env node
/**
 * `npm start` builds only what changed: the server (tsc) and the console (Vite) each keep a
 * hash of their inputs' contents beside their output, and are rebuilt only when it differs.
 * Contents, not modification times, so a fresh clone or a branch switch is judged correctly.
 */
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const SKIP = new Set(['node_modules', 'dist', 'test-results', 'coverage']);

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

function hashOf(inputs) {
  const h = createHash('sha256');
  for (const f of inputs.sort()) h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

function run(script) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const common = ['package-lock.json', 'package.json'].map((f) => join(root, f));
const console_ = join(root, 'apps', 'console');
const server = {
  name: 'server',
  stamp: join(root, 'dist', '.server-build-hash'),
  inputs: () => [
    ...common,
    ...['tsconfig.json', 'tsconfig.build.json'].map((f) => join(root, f)),
    ...files(join(root, 'apps')).filter((f) => !f.startsWith(console_)),
    ...files(join(root, 'libs')),
  ],
  script: 'build:server',
};
const consoleApp = {
  name: 'console',
  stamp: join(root, 'dist', 'console', '.build-hash'),
  inputs: () => [...common, ...files(console_)],
  script: 'build:console',
};

for (const part of [server, consoleApp]) {
  const hash = hashOf(part.inputs());
  if (existsSync(part.stamp) && readFileSync(part.stamp, 'utf8') === hash) continue;
  console.error(`makebuy: building the ${part.name} (its sources changed)`);
  run(part.script);
  writeFileSync(part.stamp, hash);
}
