import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` finish promptly without cutting requests short.
 *
 * server.close() only drops connections that are idle at that instant. A
 * keep-alive connection whose request is still in flight becomes idle later
 * and would hold the shutdown open until keepAliveTimeout. So once closing,
 * responses say `Connection: close` (Node then ends the socket after it), and
 * any connection left idle after a response is closed too.
 */
export function installGracefulClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async () => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
  });
}
