// npm run bench:workers — what claiming and leases cost, on SQLite and PostgreSQL, instant
// scripted model: steps/s of worker processes (1, 2, 4) beside the in-process engine on the same
// store; submit → first step latency on an idle worker; how soon a SIGKILLed worker's runs move on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { openStore, WorkflowEngine, type EventStore, type RecordedEvent } from '../src/index.js';
import { say, ScriptedModel } from '../src/testing/index.js';
import { cleanup, freshSchema, pgAvailable, pgStoreUrl, QUICK, tempDir } from './lib/env.js';
import { writeResults } from './lib/results.js';
import { latency, type Latency } from './lib/stats.js';
import { fmt, printTable, ratio, verdict } from './lib/table.js';
import { benchCatalog, benchWorkflow, STEPS_PER_RUN } from './lib/workerWorkload.js';

const RUNS = QUICK ? 24 : 240;
const CONCURRENCY = 8;
const LATENCY_SAMPLES = QUICK ? 5 : 40;
const KILL_LEASE_MS = 2000;
const ROOT = resolve(import.meta.dirname, '..');
const TERMINAL = ['RunCompleted', 'RunFailed', 'RunCancelled'];
const instant = () => new ScriptedModel(() => say('An instant answer with a little text to carry along.'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  name: string;
  /** A fresh, empty store URL. */
  fresh: () => string;
}

const targets: Target[] = [{ name: 'sqlite', fresh: () => `sqlite:${join(tempDir('workers'), 'w.db')}` }];
if (await pgAvailable()) targets.push({ name: 'postgres', fresh: () => pgStoreUrl(freshSchema('workers')) });

function startWorker(url: string, id: string, leaseMs: number, stepDelayMs = 0): { child: ChildProcess; ready: Promise<void> } {
  // node itself (tsx as a loader), so that a signal reaches the worker and not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/workerProcess.ts'), url, id, String(leaseMs), String(CONCURRENCY), String(stepDelayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((ok, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
    child.on('exit', (code) => fail(new Error(`worker ${id} exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((ok) => (c.exitCode !== null || c.signalCode !== null ? ok() : (c.once('exit', () => ok()), c.kill('SIGTERM'))))));
}

async function eventsOfType(store: EventStore, types: string[]): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll({ filter: { streamPrefix: 'run-', types } })) out.push(e);
  return out;
}

async function waitEnded(store: EventStore, n: number): Promise<void> {
  while ((await eventsOfType(store, TERMINAL)).length < n) await sleep(100);
}

async function submitAll(engine: WorkflowEngine, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await engine.submit(benchWorkflow(), `topic ${i}`));
  return ids;
}

/** Steps/s of the in-process engine on a fresh store: RUNS runs, CONCURRENCY at a time. */
async function inProcess(target: Target): Promise<number> {
  const store = await openStore(target.fresh());
  const engine = new WorkflowEngine({ store, catalog: benchCatalog(), modelResolver: instant });
  for (let i = 0; i < 8; i++) await engine.execute(benchWorkflow(), undefined, 'warm-up');
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) {
        next += 1;
        await engine.execute(benchWorkflow(), undefined, `topic ${next}`);
      }
    }),
  );
  const ms = performance.now() - t0;
  await store.close();
  return (RUNS * STEPS_PER_RUN) / (ms / 1000);
}

/**
 * Steps/s of `n` worker processes on a queue of RUNS runs submitted before they start: from the
 * first claim after the warm-up runs (8 per worker, the oldest in the queue) to the last end.
 */
async function withWorkers(target: Target, n: number): Promise<number> {
  const url = target.fresh();
  const store = await openStore(url);
  const engine = new WorkflowEngine({ store, catalog: benchCatalog() });
  const warm = 8 * n;
  await submitAll(engine, warm + RUNS);
  const workers = Array.from({ length: n }, (_, i) => startWorker(url, `bench-${i}`, 15_000));
  await Promise.all(workers.map((w) => w.ready));
  await waitEnded(store, warm + RUNS);
  await stopWorkers(workers.map((w) => w.child));
  const claims = (await eventsOfType(store, ['RunClaimed'])).map((e) => Date.parse(e.metadata.recordedAt)).sort((a, b) => a - b);
  const ends = (await eventsOfType(store, TERMINAL)).map((e) => Date.parse(e.metadata.recordedAt));
  await store.close();
  return (RUNS * STEPS_PER_RUN) / ((Math.max(...ends) - claims[warm]!) / 1000);
}

/** Submit → the run's first TaskSent, on one idle worker, one run at a time. */
async function submitLatency(target: Target): Promise<Latency> {
  const url = target.fresh();
  const store = await openStore(url);
  const engine = new WorkflowEngine({ store, catalog: benchCatalog() });
  const worker = startWorker(url, 'idle', 15_000);
  await worker.ready;
  await sleep(500);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = Date.now();
    const runId = await engine.submit(benchWorkflow(), `latency ${i}`);
    let first: RecordedEvent | undefined;
    while (!first) {
      for await (const e of store.readStream(`run-${runId}`)) if (e.type === 'TaskSent') first = e;
      if (!first) await sleep(2);
    }
    samples.push(Date.parse(first.metadata.recordedAt) - t0);
    await waitEnded(store, i + 1);
    await sleep(100);
  }
  await stopWorkers([worker.child]);
  await store.close();
  return latency(samples);
}

/** SIGKILL one of two workers mid-way: how long after the kill each of its runs is claimed again. */
async function killRecovery(target: Target): Promise<Latency & { runs: number }> {
  const url = target.fresh();
  const store = await openStore(url);
  const a = startWorker(url, 'doomed', KILL_LEASE_MS, 300);
  const b = startWorker(url, 'survivor', KILL_LEASE_MS, 300);
  await Promise.all([a.ready, b.ready]);
  // More runs than both workers' slots: each holds CONCURRENCY of them.
  const n = 4 * CONCURRENCY;
  await submitAll(new WorkflowEngine({ store, catalog: benchCatalog() }), n);
  await sleep(800);
  const held = (await store.leases!.leases()).filter((l) => l.holder === 'doomed' && l.live).map((l) => l.runId);
  const tKill = Date.now();
  a.child.kill('SIGKILL');
  await waitEnded(store, n);
  await stopWorkers([b.child]);
  const moved: number[] = [];
  for (const runId of held) {
    for await (const e of store.readStream(`run-${runId}`)) {
      if (e.type === 'RunClaimed' && (e.data as { workerId: string }).workerId === 'survivor') {
        moved.push(Date.parse(e.metadata.recordedAt) - tKill);
        break;
      }
    }
  }
  await store.close();
  return { ...latency(moved.length > 0 ? moved : [Number.NaN]), runs: moved.length };
}

const figures: Record<string, unknown> = {};
try {
  for (const target of targets) {
    const base = await inProcess(target);
    const scale: Record<number, number> = {};
    for (const n of [1, 2, 4]) scale[n] = await withWorkers(target, n);
    const cost = 1 - scale[1]! / base;
    printTable(`${target.name}: steps/s, ${RUNS} runs × ${STEPS_PER_RUN} steps, concurrency ${CONCURRENCY} per process (target: one worker costs ≤ 10 %)`, ['executor', 'steps/s', 'vs in-process', 'target'], [
      ['in-process engine', fmt(base, 0), '1.00×', '–'],
      ['1 worker', fmt(scale[1], 0), ratio(scale[1]! / base), verdict(cost <= 0.1)],
      ['2 workers', fmt(scale[2], 0), ratio(scale[2]! / base), '–'],
      ['4 workers', fmt(scale[4], 0), ratio(scale[4]! / base), '–'],
    ]);
    const submit = await submitLatency(target);
    const kill = await killRecovery(target);
    printTable(`${target.name}: latencies (ms)`, ['what', 'p50', 'p99', 'max'], [
      [`submit → first step, idle worker (${submit.count} runs)`, fmt(submit.p50, 0), fmt(submit.p99, 0), fmt(submit.max, 0)],
      [`SIGKILL → its ${kill.runs} runs claimed elsewhere (lease ${KILL_LEASE_MS} ms)`, fmt(kill.p50, 0), '–', fmt(kill.max, 0)],
    ]);
    figures[target.name] = { inProcessStepsPerSec: base, workerStepsPerSec: scale, oneWorkerCost: cost, submitToFirstStepMs: submit, sigkillToMovedOnMs: kill, leaseMs: KILL_LEASE_MS };
  }
  const file = writeResults(QUICK ? 'workers-partial' : 'workers', { runs: RUNS, concurrency: CONCURRENCY, ...figures });
  console.log(`\nfigures written to ${file}`);
} finally {
  await cleanup();
}
