import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small HTTP proxy in front of several app processes, taking them in turn. */
export interface RoundRobinProxy {
  url: string;
  /** For each request in arrival order, the index of the backend that served it. */
  served: number[];
  close(): Promise<void>;
}

/**
 * Starts a round-robin reverse proxy on a free loopback port: each request goes to the next
 * backend, bodies and answers are streamed both ways (Server-Sent Events pass through as they
 * are written), and an unreachable backend answers 502.
 */
export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  const served: number[] = [];
  let next = 0;
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const index = next++ % backends.length;
    served.push(index);
    const target = new URL(backends[index] as string);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
