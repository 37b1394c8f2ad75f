import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema';
import { seedDatabase } from './seed';
import { demoSignInLines } from './sign-in-table';

/** Small enough to seed in a couple of seconds at start-up, big enough to fill every view. */
export const DEMO_LEADS = 600;
export const DEMO_SEED = 1;

/**
 * First run of `server --demo`: when the store has no users, seeds the demo
 * team and its data and logs the sign-ins. A store with users is left alone.
 */
export async function ensureDemoData(db: Kysely<ServerDatabase>, log: (line: string) => void): Promise<void> {
  const row = await db.selectFrom('users').select(sql<string | number>`count(*)`.as('n')).executeTakeFirst();
  if (Number(row?.n ?? 0) > 0) return;
  const summary = await seedDatabase(db, { leads: DEMO_LEADS, seed: DEMO_SEED });
  log(
    `Demo data seeded: ${summary.users} users, ${summary.leads} leads, ${summary.opportunities} deals, ` +
      `${summary.activities} activities, ${summary.tasks} tasks (${summary.ms} ms). Sign in with:`,
  );
  for (const line of demoSignInLines()) log(`  ${line}`);
}
