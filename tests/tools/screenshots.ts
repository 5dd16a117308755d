import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { parseConfig } from '../../server/config';
import { startServer } from '../../server/main';
import { DEMO_PASSWORD } from '../../server/seed/demo-accounts';
import { launchBrowser } from '../support/browser';

// `node --import tsx tests/tools/screenshots.ts`: starts the app with its embedded FerretDB and
// livekit-server and the demo meetings, and writes small PNGs of the main screens into
// docs/screenshots/ (shown in the README). Run after `npx vite build`.

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'screenshots');

interface Shot {
  file: string;
  user: string;
  /** Path to open, or a function that finds it (e.g. the first live meeting). */
  path: string | (() => Promise<string>);
  /** Text to wait for before the shot. */
  waitFor?: string;
}

let baseUrl = '';

/** The first demo meeting in `state` that the chair sees (through the API, as the chair). */
async function firstMeeting(state: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'chutich', password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${baseUrl}/api/meetings?status=${state}&pageSize=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { items?: { id: string }[] };
  const id = body.items?.[0]?.id;
  if (!id) throw new Error(`no ${state} demo meeting`);
  return id;
}

const SHOTS: Shot[] = [
  { file: 'login.png', user: '', path: '/login' },
  { file: 'meetings.png', user: 'thuky', path: '/meetings' },
  {
    file: 'meeting-room.png',
    user: 'daibieu1',
    path: async () => `/meetings/${await firstMeeting('live')}/room`,
  },
  {
    file: 'chair-console.png',
    user: 'chutich',
    path: async () => `/meetings/${await firstMeeting('live')}/chair`,
  },
  {
    file: 'preparation.png',
    user: 'thuky',
    path: async () => `/meetings/${await firstMeeting('scheduled')}/prepare`,
  },
];

async function login(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url + '/login');
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dienhong-shots-'));
  const server = await startServer(
    parseConfig({
      NODE_ENV: 'production',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO_MEETINGS: 'true',
      CLIENT_DIST: join(ROOT, 'dist', 'client'),
    }),
  );
  baseUrl = server.url;
  const browser = await launchBrowser();
  mkdirSync(OUT, { recursive: true });
  try {
    for (const shot of SHOTS) {
      const { page, context } = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        if (shot.user) await login(page, server.url, shot.user);
        const path = typeof shot.path === 'string' ? shot.path : await shot.path();
        await page.goto(server.url + path);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        if (shot.waitFor) await page.getByText(shot.waitFor).first().waitFor();
        await page.screenshot({ path: join(OUT, shot.file) });
        console.log(`wrote docs/screenshots/${shot.file}`);
      } catch (err) {
        console.error(`skipped ${shot.file}: ${(err as Error).message}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
