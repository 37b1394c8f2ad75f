/** Environment variables the global setup fills for the tests. */
export const E2E_ENV = {
  /** The web host's address with its ?token=. */
  appUrl: 'VERITY_E2E_APP_URL',
  /** The team server as the cockpit reaches it: through a relay the tests can cut. */
  serverUrl: 'VERITY_E2E_SERVER_URL',
  /** The team server itself, for tests that act as another user over HTTP. */
  realServerUrl: 'VERITY_E2E_REAL_SERVER_URL',
  /** POST /cut and /restore switch the relay. */
  relayControlUrl: 'VERITY_E2E_RELAY_CONTROL_URL',
} as const;

export function e2eEnv(name: keyof typeof E2E_ENV): string {
  const value = process.env[E2E_ENV[name]];
  if (!value) throw new Error(`${E2E_ENV[name]} is not set: run through tests/e2e/playwright.config.ts`);
  return value;
}
