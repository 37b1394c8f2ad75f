import { createHash, randomBytes } from 'node:crypto';

/** Sessions live this long from sign-in. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A fresh opaque bearer token: 32 random bytes, base64url. Shown to the client once. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the sessions table stores instead of the token: a leaked table grants no access. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
