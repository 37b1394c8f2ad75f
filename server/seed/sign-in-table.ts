import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo-accounts';

/** The demo sign-ins as a small text table (role, email, password), one string per line. */
export function demoSignInLines(): string[] {
  const rows = DEMO_ACCOUNTS.map((a) => [a.role, a.email, DEMO_PASSWORD] as const);
  const header = ['role', 'email', 'password'] as const;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
