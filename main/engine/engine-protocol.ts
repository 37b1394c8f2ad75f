import { z } from 'zod';
import { SettingsSchema } from '../../shared/ipc/contract';

/**
 * Messages between the cockpit's engine (local store, sync, queries) and the
 * process that hosts the windows. Electron carries them over a MessagePort to
 * a utility process; the web host over an in-process MessageChannel. Both ends
 * parse what they receive: a port is a boundary like any other.
 */

/** What the host tells the engine to start with (everything else the engine works out itself). */
export const EngineInitSchema = z.object({
  dataDir: z.string().min(1),
  /** better_sqlite3.node for the running ABI (Electron's). */
  nativeBinding: z.string().min(1).optional(),
  osLocale: z.string(),
  transport: z.enum(['electron', 'web']),
  version: z.string(),
  serverUrl: z.string().optional(),
  /**
   * host: the token file's content is encrypted by the host (Electron's
   * safeStorage lives only in the main process); plain: kept as is, mode 0600.
   */
  tokenCodec: z.enum(['host', 'plain']),
});
export type EngineInit = z.infer<typeof EngineInitSchema>;

/** The first message on the utility process's parent port; the engine's port travels with it. */
export const EngineStartMessageSchema = z.object({ t: z.literal('start'), init: EngineInitSchema });
export type EngineStartMessage = z.infer<typeof EngineStartMessageSchema>;

const Id = z.number().int().nonnegative();

export const HostMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: Id, call: z.string().max(100), request: z.unknown() }),
  z.object({
    t: z.literal('codec-result'),
    id: Id,
    result: z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), text: z.string() }), z.object({ ok: z.literal(false), message: z.string() })]),
  }),
  /** Close the store cleanly (WAL checkpoint) and answer `closed`. */
  z.object({ t: z.literal('close') }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

export const EngineMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready') }),
  z.object({ t: z.literal('failed'), message: z.string() }),
  z.object({ t: z.literal('result'), id: Id, result: z.unknown() }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** The settings the host applies itself (theme, login item): sent when ready and on every change. */
  z.object({ t: z.literal('settings'), settings: SettingsSchema }),
  z.object({ t: z.literal('codec'), id: Id, op: z.enum(['encode', 'decode']), text: z.string() }),
  z.object({ t: z.literal('closed') }),
]);
export type EngineMessage = z.infer<typeof EngineMessageSchema>;
