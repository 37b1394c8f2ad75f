import { z } from 'zod';

/**
 * Messages of the local web transport (WebSocket between the browser and the
 * web host). Electron IPC does not need them: it has invoke/reply built in.
 */
export const WireClientMessageSchema = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  call: z.string().max(100),
  request: z.unknown(),
});
export type WireClientMessage = z.infer<typeof WireClientMessageSchema>;

export const WireServerMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type WireServerMessage = z.infer<typeof WireServerMessageSchema>;

/** Name of the cookie / query parameter that carries the per-run web host token. */
export const WEB_TOKEN_PARAM = 'token';
export const WEB_TOKEN_COOKIE = 'verity_token';
export const WEB_SOCKET_PATH = '/ipc';
