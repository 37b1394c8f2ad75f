import { z } from 'zod';
import { readFlag } from '../services/data-dir';

export const DEFAULT_SERVER_PORT = 4310;

const PortSchema = z.coerce.number().int().min(1).max(65_535);

/**
 * The team server's port for `npm start`: `--server-port`, else env PORT (what
 * `npm run server` reads), else 4310. A port the user named is used as is (a
 * busy one is an error they see); only the default moves aside when taken.
 */
export function serverPortRequest(argv: readonly string[], env: NodeJS.ProcessEnv): { port: number; explicit: boolean } {
  const raw = readFlag(argv, 'server-port') ?? env.PORT;
  if (raw === undefined || raw.trim() === '') return { port: DEFAULT_SERVER_PORT, explicit: false };
  const parsed = PortSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`--server-port / PORT must be a port number from 1 to 65535, not "${raw}"`);
  return { port: parsed.data, explicit: true };
}
