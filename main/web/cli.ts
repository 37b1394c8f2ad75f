import { z } from 'zod';
import { describeZodError } from '../../shared/api/errors';
import { readFlag, resolveDataDir } from '../services/data-dir';
import { startWebHost } from './web-host';

/** `npm run web`: the cockpit in a browser, backed by the same services as the desktop shell. */
const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  dataDir: z.string().min(1),
  serverUrl: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }),
});

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const parsed = ArgsSchema.safeParse({
    port: readFlag(argv, 'port') ?? process.env.VERITY_WEB_PORT ?? '0',
    dataDir: resolveDataDir(argv),
    serverUrl: readFlag(argv, 'server-url') ?? process.env.VERITY_SERVER_URL ?? 'http://127.0.0.1:4310',
  });
  if (!parsed.success) {
    console.error(`verity web: ${describeZodError(parsed.error).message}`);
    console.error('usage: npm run web -- [--port N] [--data-dir DIR] [--server-url URL]');
    process.exit(2);
  }
  const host = await startWebHost(parsed.data);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('verity web: error while stopping', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Announced only once a signal stops it cleanly (and frees the data folder): whoever waits for this line may stop it at once.
  console.log(`Verity web shell: ${host.url}`);
}

main().catch((error: unknown) => {
  console.error(`verity web: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
