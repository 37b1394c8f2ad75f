/** Environment variables the global setup fills for the tests. */
export const E2E_ENV = {
  /** The web host's address with its ?token=. */
  appUrl: 'VERITY_E2E_APP_URL',
  serverUrl: 'VERITY_E2E_SERVER_URL',
} as const;

export function e2eEnv(name: keyof typeof E2E_ENV): string {
  const value = process.env[E2E_ENV[name]];
  if (!value) throw new Error(`${E2E_ENV[name]} is not set: run through tests/e2e/playwright.config.ts`);
  return value;
}
