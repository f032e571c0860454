/**
 * Print the latest store and runtime figures (bench/results/store.json, runtime.json) as the
 * Markdown tables of docs/benchmarks.md, so the document can be refreshed after a run:
 *   npx tsx bench/tools/report.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from '../lib/results.js';
import { fmt } from '../lib/table.js';

interface Summary {
  median: number;
  min: number;
  max: number;
}
interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface StoreResults {
  date: string;
  machine: { node: string; cpus: number; cpuModel: string; loadAverage?: number[] };
  postgres?: Record<string, string>;
  targets: Array<{
    name: string;
    durability: string;
    serial?: { appendsPerRound: number; aigenPerSec: Summary; rawPerSec?: Summary; ratio?: number; aigenMeanMs: number; rawMeanMs?: number };
    batched?: { aigenPerSec: Summary; rawPerSec?: Summary; ratio?: number; met?: boolean };
    subscription?: { local: { ack: Latency; delivered: Latency }; otherWriter?: { ack: Latency; delivered: Latency } };
  }>;
}
interface RuntimeResults {
  date: string;
  machine: { node: string; cpus: number; cpuModel: string; loadAverage?: number[] };
  perStep: Array<{ name: string; group: string; notes?: string; runs: number; msPerStep: Summary; cpuMsPerStep: Summary }>;
  comparisons: Array<{ aigen: string; against: string; ratio: number; cpuRatio: number; target?: number; met?: boolean; note: string }>;
  breakdown: Array<{ part: string; to: string; ms: number; cpuMs: number }>;
  concurrent: Array<{ store: string; completed: number; runs: number; seconds: number; stepsPerSec: number; baselineRssMiB: number; peakRssMiB: number; kibPerRun?: number }>;
}

const load = <T>(name: string): T | undefined => {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
};
const table = (headers: string[], rows: Array<Array<string | number | undefined>>, right: number[] = []) => {
  const cell = (c: string | number | undefined) => (typeof c === 'number' ? fmt(c) : (c ?? '–'));
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`|${headers.map((_, i) => (right.includes(i) ? '---:' : '---')).join('|')}|`);
  for (const r of rows) console.log(`| ${r.map(cell).join(' | ')} |`);
  console.log('');
};
const x = (r: number | undefined) => (r === undefined ? '–' : `${r.toFixed(2)}×`);
const when = (d: { date: string; machine: { node: string; cpus: number; cpuModel: string; loadAverage?: number[] } }) =>
  `${d.date.slice(0, 16).replace('T', ' ')} UTC, Node ${d.machine.node}, ${d.machine.cpus} × ${d.machine.cpuModel}, load average at the end ${d.machine.loadAverage?.join(' / ') ?? '?'}`;

const store = load<StoreResults>('store');
if (store) {
  console.log(`### Store (${when(store)})\n`);
  table(
    ['store', 'durability', 'aigen events/s', 'raw events/s', 'aigen/raw', 'target ≥ 0.8'],
    store.targets
      .filter((t) => t.batched)
      .map((t) => [t.name, t.durability, t.batched!.aigenPerSec.median, t.batched!.rawPerSec?.median, x(t.batched!.ratio), t.batched!.met === undefined ? '–' : t.batched!.met ? 'met' : '**missed**']),
    [2, 3, 4],
  );
  table(
    ['store', 'aigen appends/s', 'aigen ms/append', 'raw 1-row txn/s', 'raw ms/insert', 'aigen/raw'],
    store.targets
      .filter((t) => t.serial)
      .map((t) => [t.name, t.serial!.aigenPerSec.median, t.serial!.aigenMeanMs, t.serial!.rawPerSec?.median, t.serial!.rawMeanMs, x(t.serial!.ratio)]),
    [1, 2, 3, 4, 5],
  );
  table(
    ['store', 'writer', 'append ack p50', 'delivered p50', 'p90', 'p99', 'max'],
    store.targets.flatMap((t) => {
      const s = t.subscription;
      if (!s) return [];
      const rows: Array<[string, { ack: Latency; delivered: Latency }]> = [['same store', s.local]];
      if (s.otherWriter) rows.push(['other connection', s.otherWriter]);
      return rows.map(([w, l]) => [t.name, w, l.ack.p50, l.delivered.p50, l.delivered.p90, l.delivered.p99, l.delivered.max]);
    }),
    [2, 3, 4, 5, 6],
  );
}

const runtime = load<RuntimeResults>('runtime');
if (runtime) {
  console.log(`### Runtime (${when(runtime)})\n`);
  const floor = runtime.perStep.find((s) => s.name === 'bare Runner loop')?.msPerStep.median;
  table(
    ['variant', 'ms/step (median)', 'min – max', 'CPU ms/step', '× bare Runner', 'notes'],
    runtime.perStep
      .filter((s) => s.group !== 'breakdown')
      .map((s) => [s.name, s.msPerStep.median, `${fmt(s.msPerStep.min)} – ${fmt(s.msPerStep.max)}`, s.cpuMsPerStep.median, floor ? x(s.msPerStep.median / floor) : '–', s.notes]),
    [1, 3, 4],
  );
  table(
    ['aigen', 'against', 'wall ratio', 'CPU ratio', 'target', 'verdict'],
    runtime.comparisons.map((c) => [c.aigen, c.against, x(c.ratio), x(c.cpuRatio), c.target === undefined ? '–' : `≤ ${c.target}`, c.met === undefined ? '–' : c.met ? 'met' : '**missed**']),
    [2, 3],
  );
  if (runtime.breakdown.length > 0) {
    const stepOf = (name: string) => runtime.perStep.find((s) => s.name === name);
    table(
      ['row', 'ms/step', 'CPU ms/step', 'adds (wall)', 'adds (CPU)', 'what the row adds'],
      runtime.breakdown.map((b) => [b.to, stepOf(b.to)?.msPerStep.median, stepOf(b.to)?.cpuMsPerStep.median, b.ms, b.cpuMs, b.part]),
      [1, 2, 3, 4],
    );
  }
  if (runtime.concurrent.length > 0) {
    table(
      ['store', 'runs completed', 'seconds', 'steps/s', 'RSS before (MiB)', 'peak RSS (MiB)', 'KiB per run'],
      runtime.concurrent.map((c) => [c.store, `${c.completed} / ${c.runs}`, c.seconds, c.stepsPerSec, c.baselineRssMiB, c.peakRssMiB, c.kibPerRun]),
      [2, 3, 4, 5, 6],
    );
  }
}
