/**
 * Graceful close for responses still being sent. Node's server.close() destroys every socket it
 * thinks idle, and a socket whose response has been ended but not yet flushed counts as idle
 * (http.Server#closeIdleConnections skips only responses not yet ended): on SIGTERM a large body
 * to a slow reader would be cut short. This keeps such sockets until their response is flushed,
 * then ends them (unless another request on the same connection is being answered).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export function drainResponsesOnClose(app: FastifyInstance): void {
  const sending = new Set<ServerResponse>();
  let closing = false;
  const busy = (socket: Socket) => [...sending].some((r) => r.socket === socket);

  app.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw;
    const socket = res.socket;
    sending.add(res);
    res.once('close', () => {
      sending.delete(res);
      if (!closing || !socket) return;
      // A pipelined request may start on this socket first; end the connection once it is quiet.
      setImmediate(() => {
        if (!socket.destroyed && !busy(socket)) socket.end();
      });
    });
    done();
  });

  const server = app.server;
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    closing = true;
    const kept = [...sending].filter((r) => !r.writableFinished && r.socket).map((r) => r.socket!);
    for (const s of kept) s.destroy = () => s;
    try {
      closeIdle();
    } finally {
      for (const s of kept) delete (s as Partial<Socket>).destroy;
    }
  };
}
