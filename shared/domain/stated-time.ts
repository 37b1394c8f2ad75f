/**
 * A time the client states (when a call really happened while offline) is
 * kept as the activity's `occurredAt`, never used to date business state.
 * It is accepted only within a bounded window before the server's time: a
 * week covers a field trip without the network, and nothing older can be
 * used to rewrite history.
 */
export const STATED_TIME_WINDOW_DAYS = 7;
const STATED_TIME_WINDOW_MS = STATED_TIME_WINDOW_DAYS * 24 * 60 * 60 * 1000;
/** Clocks of laptops drift; a few minutes ahead of the server is still "now". */
const STATED_TIME_SKEW_MS = 5 * 60 * 1000;

/** True when `stated` lies in [now − window, now + skew]. Both are ISO instants. */
export function isWithinStatedWindow(stated: string, now: string): boolean {
  const s = Date.parse(stated);
  const n = Date.parse(now);
  return Number.isFinite(s) && Number.isFinite(n) && s >= n - STATED_TIME_WINDOW_MS && s <= n + STATED_TIME_SKEW_MS;
}
