// A worker process for bench:workers: `tsx bench/lib/workerProcess.ts <storeUrl> <id> <leaseMs> <concurrency> <stepDelayMs>`.
// Instant scripted model (or one that waits stepDelayMs per call); drains on SIGTERM.
import { openStore, Worker, WorkflowEngine } from '../../src/index.js';
import { delay, say, ScriptedModel } from '../../src/testing/index.js';
import { benchCatalog } from './workerWorkload.js';

const [url, id, leaseMs, concurrency, stepDelayMs] = process.argv.slice(2);
const store = await openStore(url);
const wait = Number(stepDelayMs ?? 0);
const answer = say('An instant answer with a little text to carry along.');
const engine = new WorkflowEngine({ store, catalog: benchCatalog(), modelResolver: () => new ScriptedModel(() => (wait > 0 ? delay(wait, answer) : answer)) });
const worker = new Worker(engine, { id: id!, leaseMs: Number(leaseMs), concurrency: Number(concurrency) });
await worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .drain()
    .then(() => store.close())
    .then(() => process.exit(0));
});
