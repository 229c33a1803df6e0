#!/usr/bin/env node
/**
 * The console's browser tests drive Debian's Chromium (never a browser a test tool downloads).
 * Installs it when missing and we are root; otherwise says the one command that installs it.
 */
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
if (typeof process.getuid === 'function' && process.getuid() === 0) {
  console.error(`Chromium is missing at ${CHROMIUM}: installing Debian's package (apt-get install -y chromium)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  }
  if (r.status === 0 && existsSync(CHROMIUM)) process.exit(0);
}
console.error(`Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium" (as root), then run the tests again.`);
process.exit(1);
