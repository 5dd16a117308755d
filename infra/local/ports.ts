import { createSocket } from 'node:dgram';
import { createServer, connect } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free TCP port'))));
    });
  });
}

/** A UDP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * Whether something accepts TCP connections on 127.0.0.1:port; with `send`/`expect`, whether it
 * also answers `send` with a reply that starts with `expect`.
 */
export function tcpProbe(
  port: number,
  send?: string,
  expect?: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (send === undefined) done(true);
      else socket.write(send);
    });
    socket.on('data', (b: Buffer) => {
      reply += b.toString();
      if (expect !== undefined && reply.length >= expect.length) done(reply.startsWith(expect));
    });
  });
}
