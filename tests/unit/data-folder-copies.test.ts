import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

// server/ and main/ may not import each other, and shared/ holds no Node code, so the data-folder
// lock and the owner-only modes live in both: one rule, two identical copies.
describe.each([
  ['server/db/folder-lock.ts', 'main/services/folder-lock.ts'],
  ['server/db/private-files.ts', 'main/db/private-files.ts'],
])('%s and %s', (server, main) => {
  it('are the same file', () => {
    expect(readFileSync(resolve(ROOT, main), 'utf8')).toBe(readFileSync(resolve(ROOT, server), 'utf8'));
  });
});
