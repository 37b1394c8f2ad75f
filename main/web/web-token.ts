import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WEB_TOKEN_COOKIE, WEB_TOKEN_PARAM } from '../../shared/ipc/wire';

/** A fresh per-run secret: 32 random bytes, base64url. */
export function newWebToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison so the token cannot be guessed byte by byte. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}

export type TokenCheck = 'cookie' | 'query' | 'bad_query' | 'missing';

/** How a request proves it may talk to this host (the ?token= beats the cookie). */
export function checkRequestToken(expected: string, req: Pick<IncomingMessage, 'url' | 'headers'>): TokenCheck {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.searchParams.has(WEB_TOKEN_PARAM)) {
    return tokenMatches(expected, url.searchParams.get(WEB_TOKEN_PARAM)) ? 'query' : 'bad_query';
  }
  return tokenMatches(expected, readCookie(req.headers.cookie, WEB_TOKEN_COOKIE)) ? 'cookie' : 'missing';
}

export function tokenCookie(token: string): string {
  return `${WEB_TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * The same URL without the token parameter, for the redirect after setting the
 * cookie. It stays on this host: `/.//evil.example/` normalises to a path
 * starting `//`, which a browser reads as another host, so leading slashes
 * collapse to one.
 */
export function withoutToken(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://localhost');
  url.searchParams.delete(WEB_TOKEN_PARAM);
  return `${url.pathname.replace(/^\/+/, '/')}${url.search}`;
}
