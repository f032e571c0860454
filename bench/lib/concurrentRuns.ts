/**
 * Many concurrent aigen runs in a child process of its own, so that its peak RSS is aigen's
 * alone (this module loads no LangGraph); with the store `xstate:`, as many bare XState machines
 * invoking the same agents (the floor). The runtime bench calls {@link measureConcurrentRuns};
 * run directly, it measures once and prints JSON:
 *   npx tsx bench/lib/concurrentRuns.ts memory: 1000
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Context, openStore } from '../../src/index.js';
import { bareXStateRunner } from './floors.js';
import { mib, now, RssSampler, settle } from './stats.js';
import { aigenEngine, contentWorkflow, REQUEST, STEPS_PER_RUN } from './workload.js';

export interface ConcurrentResult {
  store: string;
  runs: number;
  completed: number;
  seconds: number;
  stepsPerSec: number;
  runsPerSec: number;
  /** Events written (33 per run here), from a sample of the runs' streams. */
  eventsWritten: number;
  /** RSS after opening the store and 20 warm-up runs. */
  baselineRssMiB: number;
  /** Highest RSS seen while the runs were in flight (sampled every 5 ms). */
  peakRssMiB: number;
  /** (peak RSS − RSS before) / runs, in KiB: what one run in flight holds. */
  kibPerRun: number;
}

/** The store URL that measures bare XState machines instead of aigen runs. */
export const BARE_XSTATE = 'xstate:';

async function measureBare(runs: number): Promise<Omit<ConcurrentResult, 'store'>> {
  const run = bareXStateRunner();
  for (let i = 0; i < 20; i++) await run(`warm-up ${i}`);
  await settle();
  const baseline = process.memoryUsage.rss();
  const sampler = new RssSampler(5);
  const t0 = now();
  await Promise.all(Array.from({ length: runs }, (_, i) => run(`${REQUEST} #${i}`)));
  const seconds = (now() - t0) / 1000;
  const peak = sampler.stop();
  return {
    runs,
    completed: runs,
    seconds,
    stepsPerSec: (runs * STEPS_PER_RUN) / seconds,
    runsPerSec: runs / seconds,
    eventsWritten: 0,
    baselineRssMiB: mib(baseline),
    peakRssMiB: mib(peak),
    kibPerRun: (peak - baseline) / 1024 / runs,
  };
}

async function measure(url: string, runs: number): Promise<Omit<ConcurrentResult, 'store'>> {
  if (url === BARE_XSTATE) return measureBare(runs);
  const store = await openStore(url);
  const engine = aigenEngine(store);
  const workflow = contentWorkflow();
  for (let i = 0; i < 20; i++) await engine.execute(workflow, new Context(), `warm-up ${i}`);
  await settle();
  const baseline = process.memoryUsage.rss();
  const sampler = new RssSampler(5);
  const t0 = now();
  const results = await Promise.all(
    Array.from({ length: runs }, (_, i) => engine.execute(workflow, new Context(), `${REQUEST} #${i}`)),
  );
  const seconds = (now() - t0) / 1000;
  const peak = sampler.stop();
  const sample = results.slice(0, 5);
  let events = 0;
  for (const r of sample) for await (const _ of store.readStream(`run-${r.runId}`)) events++;
  await store.close();
  const completed = results.filter((r) => r.status === 'completed').length;
  return {
    runs,
    completed,
    seconds,
    stepsPerSec: (completed * STEPS_PER_RUN) / seconds,
    runsPerSec: completed / seconds,
    eventsWritten: Math.round((events / sample.length) * runs),
    baselineRssMiB: mib(baseline),
    peakRssMiB: mib(peak),
    kibPerRun: (peak - baseline) / 1024 / runs,
  };
}

/** Run `runs` concurrent runs on the store at `url` in a fresh child process. */
export function measureConcurrentRuns(label: string, url: string, runs: number): Promise<ConcurrentResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [url, String(runs)], {
      execArgv: process.execArgv.filter((a) => !a.startsWith('--cpu-prof')),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: Omit<ConcurrentResult, 'store'> | undefined;
    child.on('message', (m) => (result = m as Omit<ConcurrentResult, 'store'>));
    child.on('error', reject);
    child.on('exit', (code) =>
      result && code === 0
        ? resolve({ store: label, ...result })
        : reject(new Error(`concurrent-runs child for ${label} exited with code ${String(code)}`)),
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await measure(process.argv[2] ?? 'memory:', Number(process.argv[3] ?? 1000));
  if (process.send) process.send(out);
  else console.log(JSON.stringify(out));
}
