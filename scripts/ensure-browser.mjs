// Browser tests drive Debian's Chromium through playwright-core (no browser download). Install it
// when missing and we are allowed to (root with apt-get); otherwise say clearly what is missing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.log('[ensure-browser] installing Debian chromium for the page tests');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit', shell: '/bin/bash' });
  } else {
    console.warn(`[ensure-browser] ${CHROMIUM} is missing: install Debian's chromium package to run the page tests.`);
  }
}
