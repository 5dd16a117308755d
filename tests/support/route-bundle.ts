import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The JavaScript a route loads before it can show anything, measured on the built client. */
export interface RouteBundle {
  files: string[];
  bytes: number;
  gzipBytes: number;
}

const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g;

/**
 * Sums the initial JavaScript of a route in `dist/client`: the entry script of index.html and
 * the chunks whose names start with `routeChunks` (the layout and the page), each with every
 * chunk it imports statically (dynamic imports load later and are not counted). Gzip at level 9,
 * as a server would send them.
 * @throws Error when the build or a named chunk is missing.
 */
export function routeInitialJs(distDir: string, routeChunks: string[]): RouteBundle {
  const assets = join(distDir, 'assets');
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const entry = /<script[^>]+src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('no entry script in index.html: run `npx vite build` first');
  const names = readdirSync(assets);
  const roots = [entry];
  for (const prefix of routeChunks) {
    const file = names.find((n) => n.startsWith(`${prefix}-`) && n.endsWith('.js'));
    if (!file) throw new Error(`no chunk ${prefix}-*.js in ${assets}`);
    roots.push(file);
  }
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(assets, file), 'utf8');
    for (const m of text.matchAll(STATIC_IMPORT)) if (m[1]) queue.push(m[1]);
  }
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of seen) {
    const buf = readFileSync(join(assets, file));
    bytes += buf.length;
    gzipBytes += gzipSync(buf, { level: 9 }).length;
  }
  return { files: [...seen].sort(), bytes, gzipBytes };
}
