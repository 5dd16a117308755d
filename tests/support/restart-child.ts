// Test entry: runs a small Node program under runWithRestarts (the `npm start` supervision)
// with short pauses. argv[2] is the program's behaviour: `crash` exits with code 3 at once,
// `serve` runs until SIGTERM/SIGINT (then exits 0). Each start prints `START <pid>`.
import { runWithRestarts } from '../../infra/local/restart';

const mode = process.argv[2];
const programs: Record<string, string> = {
  crash: "console.log('START ' + process.pid); process.exit(3);",
  serve:
    'const t = setInterval(() => undefined, 1000);' +
    "for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => { clearInterval(t); process.exit(0); });" +
    "console.log('START ' + process.pid);",
};
const program = mode ? programs[mode] : undefined;
if (!program) throw new Error('usage: restart-child.ts crash|serve');
const code = await runWithRestarts(process.execPath, ['-e', program], {
  log: (line) => console.log(line),
  policy: { maxRestarts: 5, windowMs: 60_000, baseDelayMs: 20, maxDelayMs: 100 },
});
console.log(`EXIT ${String(code)}`);
process.exit(code);
