import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openServerDb } from '../db/connection';
import { createProgressReporter } from './progress-reporter';
import { SeedRefusedError, seedDatabase } from './seed';
import { demoSignInLines } from './sign-in-table';

const USAGE = `Fill an empty Verity server store with deterministic demo data.

Usage:
  npm run seed -- [--leads N] [--seed S] [--now ISO-TIME]

Options:
  --leads N     leads to generate, 1 to 1,000,000 (default 10,000); deals, activities
                and tasks scale with it
  --seed S      PRNG seed, 0 to 4294967295 (default 1): same seed, same data
  --now T       lay the data out around this moment instead of the current time
                (ISO 8601, e.g. 2026-03-01T09:00:00+08:00), for byte-identical reruns

Environment:
  DATABASE_URL     postgres://… to seed Postgres; otherwise embedded PGlite
  VERITY_DATA_DIR  PGlite data folder (default ~/.verity/server)

Refuses a store that already has users. Exit codes: 0 ok, 1 store failure or
store not empty, 2 bad input.`;

class UsageError extends Error {}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d[\d_,]*$/, 'must be a whole number')
    .transform((s) => Number(s.replaceAll(/[_,]/g, '')))
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max.toLocaleString('en-US')}`));

const ArgsSchema = z.object({
  leads: wholeNumber(1, 1_000_000).default(10_000),
  seed: wholeNumber(0, 0xffff_ffff).default(1),
  now: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset, e.g. 2026-03-01T09:00:00+08:00' })
    .transform((s) => new Date(s))
    .optional(),
  help: z.boolean().default(false),
});

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  VERITY_DATA_DIR: z.string().min(1).optional(),
});

function parseOrExplain<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UsageError(result.error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`).join('; '));
}

function readArgs(argv: string[]): z.output<typeof ArgsSchema> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        leads: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return parseOrExplain(ArgsSchema, values, '--');
}

const fmt = (n: number): string => n.toLocaleString('en-US');

async function main(argv: string[]): Promise<number> {
  const args = readArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env = parseOrExplain(EnvSchema, process.env, '$');
  const dataDir = env.VERITY_DATA_DIR ?? join(homedir(), '.verity', 'server');
  const where = env.DATABASE_URL ? `Postgres (${new URL(env.DATABASE_URL).pathname.slice(1) || 'default database'})` : `PGlite at ${dataDir}`;
  process.stderr.write(`Seeding ${fmt(args.leads)} leads (seed ${args.seed}) into ${where}\n`);

  const store = await openServerDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir });
  const reporter = createProgressReporter(process.stderr);
  try {
    const summary = await seedDatabase(store.db, {
      leads: args.leads,
      seed: args.seed,
      now: args.now,
      pglite: store.pglite,
      onProgress: (p) => reporter.update(p),
    });
    reporter.finish();
    const seconds = summary.ms / 1000;
    const out = [
      `Seeded in ${seconds.toFixed(1)} s (${fmt(Math.round(summary.rows / seconds))} rows/s):`,
      `  users ${fmt(summary.users)}, leads ${fmt(summary.leads)}, accounts ${fmt(summary.accounts)}, contacts ${fmt(summary.contacts)},`,
      `  opportunities ${fmt(summary.opportunities)}, stage history ${fmt(summary.stageHistory)}, activities ${fmt(summary.activities)}, tasks ${fmt(summary.tasks)}`,
      '',
      'Demo sign-ins:',
      ...demoSignInLines().map((l) => `  ${l}`),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    reporter.finish();
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`seed: ${error.message}\nRun "npm run seed -- --help" for usage.\n`);
      process.exit(2);
    }
    const message = error instanceof SeedRefusedError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`seed failed: ${message}\n`);
    process.exit(1);
  },
);
