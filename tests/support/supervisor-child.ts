// Test entry: a process that owns a Supervisor, prints the PIDs of what it started as JSON, and
// stops them on SIGTERM/SIGINT. Used to prove that no child outlives its supervisor.
import { resolve } from 'node:path';
import { stopOnSignals, Supervisor } from '../../infra/local/supervisor';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: supervisor-child.ts <dataDir>');
const supervisor = new Supervisor({
  root: resolve(import.meta.dirname, '..', '..'),
  dataDir,
  log: () => undefined,
});
stopOnSignals(supervisor);
await Promise.all([
  supervisor.startMongo(),
  supervisor.startLivekit(),
  supervisor.startRedis(),
  supervisor.startMailpit(),
]);
console.log(`PIDS ${JSON.stringify(supervisor.pids())}`);
