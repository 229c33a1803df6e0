#!/usr/bin/env node
/**
 * The registry this project's machines reach serves only the platform binaries for the
 * machine's own platform, so `npm install` leaves other platforms' optional binaries
 * (@swc/core-darwin-arm64, …) out of package-lock.json and `npm ci` then refuses the lock.
 * This adds a lock entry (version, os, cpu, libc, optional) for each such missing optional
 * dependency, so `npm ci` skips them as it would on any registry. Run after `npm install`.
 */
const { readFileSync, writeFileSync } = require('node:fs');

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pk = lock.packages;
const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];

function platformOf(name) {
  const tail = name.split('/').pop();
  for (const os of OSES) {
    const i = tail.indexOf(`${os}-`);
    if (i === -1) continue;
    const rest = tail.slice(i + os.length + 1);
    const cpu = rest.split('-')[0];
    const libc = /musl/.test(rest) ? 'musl' : os === 'linux' && /gnu/.test(rest) ? 'glibc' : null;
    return { os, cpu, libc };
  }
  return null;
}

let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (pk[nested] || pk[`node_modules/${name}`]) continue;
    const p = platformOf(name);
    if (!p) continue;
    pk[`node_modules/${name}`] = { version, cpu: [p.cpu], optional: true, os: [p.os], ...(p.libc ? { libc: [p.libc] } : {}) };
    added++;
  }
}
const { '': root, ...rest } = pk;
lock.packages = { '': root, ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} optional platform entr${added === 1 ? 'y' : 'ies'} to ${file}`);
