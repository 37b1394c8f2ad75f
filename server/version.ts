import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The server's version, from package.json (reported by /healthz); '0.0.0' if unreadable. */
export function serverVersion(): string {
  try {
    const raw: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return z.object({ version: z.string().min(1) }).parse(raw).version;
  } catch {
    return '0.0.0';
  }
}
