import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { CollabAccess, CollabAuthorizeResponse } from '../../collab/contracts/authorize';
import { collabAuthorizeRequestSchema } from '../../collab/contracts/authorize';
import { freeTcpPort } from '../../infra/local/ports';
import { testAuthenticate } from './collab';

/**
 * A tiny HTTP endpoint implementing the `POST /api/collab/authorize` contract for tests of the
 * standalone collab process where a test decides the access (the API server's own route is tested
 * in collab-standalone-app.test.ts); tokens are the test tokens of tests/support/collab.ts.
 */
export async function startAuthorizeStub(
  access: (userId: string, docName: string) => CollabAccess = () => 'write',
): Promise<{ url: string; calls: number; close(): Promise<void> }> {
  const state = { calls: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.calls++;
      const auth = req.headers.authorization ?? '';
      const parsed = collabAuthorizeRequestSchema.safeParse(JSON.parse(body || '{}'));
      if (req.url !== '/api/collab/authorize' || req.method !== 'POST' || !parsed.success) {
        res.writeHead(400).end();
        return;
      }
      testAuthenticate(auth.replace(/^Bearer /, '')).then(
        (user) => {
          const answer: CollabAuthorizeResponse = {
            user: { id: user.userId, displayName: user.displayName },
            access: access(user.userId, parsed.data.docName),
            expiresAt: user.expiresAt.toISOString(),
          };
          const expired = user.expiresAt.getTime() <= Date.now();
          res.writeHead(expired ? 401 : 200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(
              expired ? { error: { code: 'token_expired', message: 'expired' } } : answer,
            ),
          );
        },
        () => {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'unauthenticated', message: 'bad token' } }));
        },
      );
    });
  });
  const port = await freeTcpPort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
