import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AppError, describeZodError } from '../shared/api/errors';
import { EmailSchema } from '../shared/domain/entities';
import { PasswordSchema } from '../shared/api/http';
import { openServerDb, ServerDbFromFutureError } from './db/connection';
import { DEFAULT_PORT } from './defaults';
import { installProcessGuard } from './process-guard';
import { createUser } from './modules/users/users.service';

const USAGE = `Verity team server

Usage:
  npm run server -- [start] [--port N] [--host H] [--demo]
  npm run server -- admin create --email E --password P [--name N]
  npm run server -- --help

Options:
  --port N       port to listen on (default: env PORT or ${DEFAULT_PORT}; 0 = any free port)
  --host H       address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --demo         seed a small demo team into an empty store and print its sign-ins
  --email E      the new admin's email (admin create)
  --password P   the new admin's password, at least 8 characters (admin create)
  --name N       the new admin's display name (admin create; default: the email's local part)

Environment:
  DATABASE_URL     postgres://… to use Postgres; otherwise embedded PGlite
  VERITY_DATA_DIR  PGlite data folder (default ~/.verity/server)
  PORT             default port
  LOG_LEVEL        pino log level (default info)

Exit codes: 0 ok, 1 store or server failure, 2 bad input.`;

/** Bad command-line input: printed as one line, exit code 2. */
class UsageError extends Error {}

const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  VERITY_DATA_DIR: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** Days the change log keeps a change; a cockpit away longer rebuilds its cache. */
  VERITY_CHANGE_LOG_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
});

const StartArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  demo: z.boolean().default(false),
});

const AdminCreateArgsSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  name: z.string().trim().min(1).max(100).optional(),
});

function parseOrExplain<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { fields } = describeZodError(result.error);
  const detail = result.error.issues.map((i) => `${prefix}${i.path.join('.')}: ${i.message}`).join('; ');
  throw new UsageError(`invalid ${fields.map((f) => `${prefix}${f}`).join(', ')} (${detail})`);
}

function readEnv(): z.output<typeof EnvSchema> {
  return parseOrExplain(EnvSchema, process.env, '$');
}

function storeOptions(env: z.output<typeof EnvSchema>): { databaseUrl?: string; dataDir: string } {
  const dataDir = env.VERITY_DATA_DIR ?? join(homedir(), '.verity', 'server');
  return env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, dataDir } : { dataDir };
}

/** One line for the failures an operator can fix (store down, newer database). */
function describeStoreError(error: unknown): string | null {
  if (error instanceof ServerDbFromFutureError) return error.message;
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = (inner as { code?: unknown } | null)?.code;
  const message = inner instanceof Error ? inner.message : String(inner);
  if (code === 'ECONNREFUSED') return `cannot reach Postgres (${message}); is it running, and is DATABASE_URL right?`;
  if (code === 'ENOTFOUND') return `cannot resolve the Postgres host (${message}); check DATABASE_URL`;
  if (code === '3D000' || code === '28P01' || code === '28000') return `Postgres refused the connection: ${message}`;
  return null;
}

async function runStart(values: Record<string, unknown>): Promise<void> {
  const env = readEnv();
  const args = parseOrExplain(StartArgsSchema, values, '--');
  // Loaded here so `admin create` does not pull in the HTTP stack and demo seeding.
  const { startServer } = await import('./start');
  const server = await startServer({
    ...storeOptions(env),
    port: args.port ?? env.PORT ?? DEFAULT_PORT,
    host: args.host,
    demo: args.demo,
    logLevel: env.LOG_LEVEL ?? 'info',
    log: (line) => process.stdout.write(`${line}\n`),
    ...(env.VERITY_CHANGE_LOG_DAYS ? { changeLogRetentionDays: env.VERITY_CHANGE_LOG_DAYS } : {}),
  });
  // From here on an error nothing caught is logged and the server keeps serving where that is safe (process-guard.ts).
  installProcessGuard(server);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(1);
    }
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function runAdminCreate(values: Record<string, unknown>): Promise<void> {
  const env = readEnv();
  const args = parseOrExplain(AdminCreateArgsSchema, values, '--');
  const store = await openServerDb(storeOptions(env));
  try {
    const user = await createUser(store.db, {
      email: args.email,
      password: args.password,
      displayName: args.name ?? args.email.split('@')[0] ?? args.email,
      role: 'admin',
    });
    process.stdout.write(`created admin ${user.email} (id ${user.id})\n`);
  } catch (error) {
    if (error instanceof AppError && (error.code === 'conflict' || error.code === 'bad_request')) {
      const fields = error.fields?.map((f) => (f === 'displayName' ? '--name' : `--${f}`)).join(', ');
      throw new UsageError(fields ? `${fields}: ${error.message}` : error.message);
    }
    throw error;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      demo: { type: 'boolean' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = positionals.join(' ');
  const { help: _help, ...rest } = values;
  if (command === '' || command === 'start') {
    const { email: _e, password: _p, name: _n, ...startValues } = rest;
    if (_e !== undefined || _p !== undefined || _n !== undefined) {
      throw new UsageError('--email, --password and --name belong to "admin create"');
    }
    return runStart(startValues);
  }
  if (command === 'admin create') {
    const { port: _po, host: _h, demo: _d, ...adminValues } = rest;
    if (_po !== undefined || _h !== undefined || _d !== undefined) {
      throw new UsageError('--port, --host and --demo belong to "start"');
    }
    return runAdminCreate(adminValues);
  }
  throw new UsageError(`unknown command "${command}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\nRun with --help for usage.\n`);
    process.exit(2);
  }
  // parseArgs reports unknown or malformed options as TypeError with an ERR_PARSE_ARGS_* code.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`error: ${(error as Error).message}\nRun with --help for usage.\n`);
    process.exit(2);
  }
  const storeMessage = describeStoreError(error);
  if (storeMessage) {
    process.stderr.write(`error: ${storeMessage}\n`);
    process.exit(1);
  }
  const listen = (error as { code?: unknown } | null)?.code;
  if (listen === 'EADDRINUSE' || listen === 'EACCES' || listen === 'EADDRNOTAVAIL') {
    process.stderr.write(`error: cannot listen: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
