import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NetSwitch } from '../sync/net-switch';
import { e2eEnv } from './env';

/**
 * The relay lives in the global setup's process, the tests in a worker: this
 * loopback endpoint lets a test cut and restore the cockpit's network.
 */
export async function serveRelayControl(relay: NetSwitch): Promise<{ url: string; close: () => Promise<void> }> {
  let up = true;
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method === 'POST' && req.url === '/cut') {
          if (up) await relay.cut();
          up = false;
        } else if (req.method === 'POST' && req.url === '/restore') {
          if (!up) await relay.restore();
          up = true;
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ up }));
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function post(path: '/cut' | '/restore'): Promise<void> {
  const response = await fetch(`${e2eEnv('relayControlUrl')}${path}`, { method: 'POST' });
  if (!response.ok) throw new Error(`relay ${path} failed: ${response.status} ${await response.text()}`);
}

/** Network down between the cockpit and the team server (the server keeps running). */
export const cutNetwork = (): Promise<void> => post('/cut');
export const restoreNetwork = (): Promise<void> => post('/restore');
