/**
 * The server's one source of business time: every timestamp a mutation
 * writes (created, assigned, first touch, stage entered, updated) is this
 * clock's reading when it applies, never the client's word nor the
 * database's now(). Injected so tests (and the lead-lifecycle timers) can
 * move it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
