/**
 * The Host headers the web host answers to: its own loopback address and
 * port (and `localhost:PORT` when bound to loopback). A page on another site
 * that rebinds its DNS name to 127.0.0.1 reaches this port with its own name
 * in Host; refusing it keeps that page from reading the cockpit, even before
 * the token is checked.
 */
export function allowedHosts(host: string, port: number): ReadonlySet<string> {
  const shown = host.includes(':') ? `[${host}]` : host;
  const names = new Set([`${shown}:${port}`.toLowerCase()]);
  if (isLoopback(host)) names.add(`localhost:${port}`);
  return names;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function hostAllowed(allowed: ReadonlySet<string>, header: string | undefined): boolean {
  return typeof header === 'string' && allowed.has(header.trim().toLowerCase());
}
