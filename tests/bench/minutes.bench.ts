// `npm run bench -- minutes`: publishing a 20-page minutes document (HTML + PDF + signature +
// DOCX) with publishRender, as the publish step will. Target: under 3 s on the project machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishRender, warmUpMinutesRendering } from '../../server/minutes/publish-render';
import type { PublishedRender } from '../../server/minutes/publish-render';
import { createSignerResolver } from '../../server/minutes/signing/signing-credentials';
import { buildMinutesTemplate } from '../../server/minutes/templates/minutes.template';
import { buildLongMeetingFacts } from '../support/minutes-fixtures';
import { percentile, writeBenchSection } from './report';

const RUNS = 7;
const dir = mkdtempSync(join(tmpdir(), 'dienhong-minutes-bench-'));

function pageCount(pdf: Buffer): number {
  const file = join(dir, 'probe.pdf');
  writeFileSync(file, pdf);
  const m = /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
  return Number(m?.[1] ?? 0);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const signer = createSignerResolver({ dataDir: dir })({
    code: '26',
    name: 'Ủy ban nhân dân tỉnh Vĩnh Phúc',
  });
  const certMs = performance.now() - t0;
  const { content, meta } = buildMinutesTemplate(buildLongMeetingFacts(18));
  const w0 = performance.now();
  await warmUpMinutesRendering();
  const warmMs = performance.now() - w0;
  const first = await publishRender(content, meta, { signer });
  const pages = pageCount(first.pdf.bytes);
  const runs: PublishedRender['timings'][] = [first.timings];
  for (let i = 1; i < RUNS; i++)
    runs.push((await publishRender(content, meta, { signer })).timings);
  const steady = runs.slice(1);
  const p50 = (k: keyof PublishedRender['timings']): string =>
    percentile(
      steady.map((r) => r[k]),
      50,
    ).toFixed(0);
  const max = (k: keyof PublishedRender['timings']): string =>
    Math.max(...steady.map((r) => r[k])).toFixed(0);
  const size = (b: Buffer): string => `${(b.length / 1024).toFixed(0)} KiB`;
  const body = [
    `Document: minutes of ${String(pages)} A4 pages (${meta.kind}, Liberation Serif embedded), signed with a demo RSA-2048 certificate.`,
    `${String(RUNS)} runs in one process after \`warmUpMinutesRendering()\` (${warmMs.toFixed(0)} ms, a one-page render in each format, as the server should do at startup); the first run is reported apart, p50 and max over the other ${String(steady.length)}.`,
    '',
    '| step | p50 (ms) | max (ms) | first run (ms) |',
    '| --- | ---: | ---: | ---: |',
    `| HTML | ${p50('html')} | ${max('html')} | ${first.timings.html.toFixed(0)} |`,
    `| PDF (layout, fonts, subsetting) | ${p50('pdf')} | ${max('pdf')} | ${first.timings.pdf.toFixed(0)} |`,
    `| signature (CMS, incremental update) | ${p50('sign')} | ${max('sign')} | ${first.timings.sign.toFixed(0)} |`,
    `| DOCX | ${p50('docx')} | ${max('docx')} | ${first.timings.docx.toFixed(0)} |`,
    `| **total publishRender** | **${p50('total')}** | ${max('total')} | ${first.timings.total.toFixed(0)} |`,
    '',
    `Files: HTML ${size(first.html.bytes)}, PDF ${size(first.pdf.bytes)}, DOCX ${size(first.docx.bytes)}. Target: under 3000 ms.`,
    `Demo certificate generated on first use of a unit (once per unit, not part of publishing): ${certMs.toFixed(0)} ms.`,
  ].join('\n');
  console.log(body);
  writeBenchSection(
    'minutes-publish',
    'Minutes: publishing a 20-page document',
    body,
    'npm run bench -- minutes',
  );
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
