import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FILE = resolve(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md');
const HEADER = `# Benchmarks

Figures written by \`npm run bench\` (each section by its own benchmark, with the command and the
machine that produced it). Benchmarks are not tests: they measure, they do not pass or fail.
`;

/** One line describing the machine a benchmark ran on. */
export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.versions.node}, ${process.platform}/${process.arch}`;
}

/** Percentile (0-100) of a list of numbers, by nearest rank; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/**
 * Writes (or replaces) the section `id` of docs/benchmarks.md with `body`, stamped with the
 * date, the command and the machine.
 */
export function writeBenchSection(id: string, title: string, body: string, command: string): void {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const section = [
    start,
    `## ${title}`,
    '',
    `Measured ${new Date().toISOString()} with \`${command}\` on: ${machineLine()}.`,
    '',
    body.trim(),
    end,
  ].join('\n');
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + section + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, next);
  console.log(`wrote section "${title}" to ${join('docs', 'benchmarks.md')}`);
}
