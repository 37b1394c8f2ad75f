import { defineConfig } from '@playwright/test';

/**
 * Desktop tests: Playwright drives the real Electron cockpit. They need the
 * Electron binary (and better-sqlite3 built for its ABI: npm run build:native),
 * which machines that reach only the npm and Debian registries cannot download,
 * so they are not part of `npm test`; run `npm run test:electron` where Electron exists.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  timeout: 120_000,
  outputDir: 'results',
});
