import { MessageChannel } from 'node:worker_threads';
import type { Logger } from '../services/logger';
import { connectEngine, type EngineClient } from './engine-client';
import { runEngine, type EngineExtras } from './engine-endpoint';
import { nodeStylePort } from './engine-port';
import type { EngineInit } from './engine-protocol';

/**
 * The engine in this process, behind the same port protocol as Electron's
 * utility process (the web host has no windows to keep responsive, but the two
 * transports stay one code path). The token is kept as is in its 0600 file.
 */
export async function startInProcessEngine(
  init: Omit<EngineInit, 'tokenCodec' | 'transport'>,
  log: Logger,
  extras: EngineExtras = {},
): Promise<EngineClient> {
  const { port1, port2 } = new MessageChannel();
  const running = runEngine(nodeStylePort(port1), { ...init, transport: 'web', tokenCodec: 'plain' }, log, extras);
  const client = connectEngine(nodeStylePort(port2), { log });
  const close = async (timeoutMs?: number): Promise<void> => {
    await client.close(timeoutMs);
    await running;
    port1.close();
  };
  try {
    await client.ready;
  } catch (error) {
    await close();
    throw error;
  }
  return { ...client, close };
}
