/**
 * Runtime benchmark (`npm run bench:runtime`): time per agent step of a 3-agent sequential
 * workflow (research → writer → editor, `@openai/agents` agents on an instant scripted model),
 * side by side in one process with
 * - the floors: bare XState (the same 3-state machine, no recording) and the bare
 *   `@openai/agents` Runner calling the three agents in a loop (no persistence);
 * - LangGraph.js: a 3-node StateGraph running the same agents on the same model, with
 *   MemorySaver and with SqliteSaver (file, WAL, better-sqlite3's default synchronous=NORMAL);
 * - aigen on memory, on sqlite (durability normal and full) and on postgres.
 * Then 1,000 concurrent aigen runs per store (each in a fresh child process): steps/s, peak RSS.
 *
 * Options: `--only=<name>[,<name>]` runs only variants whose name contains one of them;
 * `--runs=N` sets runs per repetition; `--no-concurrent` skips the concurrency part;
 * `--breakdown` adds diagnostic rows (aigen with parts removed) and a table of what each part costs;
 * `BENCH_QUICK=1` is a smoke run. Profiling one variant:
 *   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/runtime.bench.ts --only="aigen memory" --no-concurrent
 * Not a test: it never runs in the test suite. Figures: bench/results/runtime.json.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Annotation, END, MemorySaver, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { Context, openStore, type EventStore } from '../src/index.js';
import { bareRunner, bareXStateRunner, finalText, sdkAgents } from './lib/floors.js';
import { NullStore, unrecordedMachineRunner } from './lib/ablation.js';
import { measureBytesPerStep, type BytesPerStep } from './lib/bytesPerStep.js';
import { BARE_XSTATE, measureConcurrentRuns, type ConcurrentResult } from './lib/concurrentRuns.js';
import { QUICK, cleanup, freshSchema, pgAvailable, pgStoreUrl, tempDir } from './lib/env.js';
import { writeResults } from './lib/results.js';
import { median, now, settle, summarize, type Summary } from './lib/stats.js';
import { atMost, type SummaryRow } from './lib/summary.js';
import { fmt, note, printTable, ratio, verdict } from './lib/table.js';
import { aigenEngine, AGENTS, contentWorkflow, instantModel, REQUEST, stepInput, STEPS_PER_RUN } from './lib/workload.js';

/** Targets (ratios of time per step, or of the time of 1,000 concurrent runs). */
const TARGETS = {
  /** aigen sqlite normal ÷ LangGraph SqliteSaver (its faster durability mode), per step. */
  sqliteVsLangGraph: 0.4,
  /** aigen sqlite normal ÷ bare XState, per step. */
  sqliteVsXState: 2,
  /** aigen memory ÷ bare XState, per step. */
  memoryVsXState: 1.5,
  /** aigen postgres ÷ aigen sqlite normal, per step. */
  postgresVsSqlite: 1.5,
  /** Time of 1,000 concurrent aigen runs (sqlite normal) ÷ time of 1,000 concurrent bare XState machines. */
  concurrentVsXState: 1.6,
  /** Peak RSS growth per run in flight, KiB (1,000 concurrent runs, sqlite normal). */
  kibPerRun: 100,
} as const;
/**
 * Bytes stored per step of this workload on 2026-11-30, before the runtime work on the hot path
 * (`bench/lib/bytesPerStep.ts` at main 145657a): the bound of "no larger than today".
 */
const BYTES_PER_STEP_BEFORE = 6157;

const args = process.argv.slice(2);
const option = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option('only')?.split(',').map((s) => s.trim().toLowerCase());
const RUNS_OVERRIDE = option('runs') === undefined ? undefined : Number(option('runs'));
const REPEATS = QUICK ? 2 : 7;
/** `--breakdown`: add rows that take aigen apart piece by piece (where the time goes). */
const BREAKDOWN = args.includes('--breakdown');
const CONCURRENT_RUNS = QUICK ? 100 : 1000;

// ---------------------------------------------------------------------------------------------
// Floors and LangGraph share the workload of ./lib/workload.ts.

// ---------------------------------------------------------------------------------------------
// Variants

interface Variant {
  name: string;
  group: 'floor' | 'langgraph' | 'aigen' | 'breakdown';
  /** Sequential runs per repetition. */
  runs: number;
  run: (i: number) => Promise<void>;
  close?: () => Promise<void>;
  notes?: string;
}

function runnerLoop(tracingDisabled: boolean): Variant {
  const runner = bareRunner(tracingDisabled);
  const agents = sdkAgents();
  return {
    name: tracingDisabled ? 'bare Runner loop' : 'bare Runner loop, SDK tracing on',
    group: tracingDisabled ? 'floor' : 'breakdown',
    runs: 150,
    notes: tracingDisabled ? 'floor: 3 × runner.run(), no persistence, no tracing' : 'diagnostic: the same with the SDK trace/span machinery on (no-op export)',
    run: async (i) => {
      const request = `${REQUEST} #${i}`;
      let previous = '';
      for (let k = 0; k < STEPS_PER_RUN; k++) {
        const r = await runner.run(agents[AGENTS[k]!], stepInput(k, previous, request));
        previous = finalText(r.finalOutput);
      }
    },
  };
}

function bareXState(): Variant {
  const run = bareXStateRunner();
  return {
    name: 'bare XState',
    group: 'floor',
    runs: 150,
    notes: 'floor: 3-state machine invoking runner.run(), no recording, no tracing',
    run: (i) => run(`${REQUEST} #${i}`),
  };
}

const GraphState = Annotation.Root({
  request: Annotation<string>(),
  last: Annotation<string>(),
  outputs: Annotation<Record<string, string>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
});

function langGraph(label: string, checkpointer: BaseCheckpointSaver, durability: 'sync' | 'async', runs: number, notes: string): Variant {
  const runner = bareRunner();
  const agents = sdkAgents();
  const node = (k: number) => async (state: typeof GraphState.State) => {
    const r = await runner.run(agents[AGENTS[k]!], stepInput(k, state.last, state.request));
    const text = finalText(r.finalOutput);
    return { last: text, outputs: { [AGENTS[k]!]: text } };
  };
  const graph = new StateGraph(GraphState)
    .addNode('research', node(0))
    .addNode('writer', node(1))
    .addNode('editor', node(2))
    .addEdge(START, 'research')
    .addEdge('research', 'writer')
    .addEdge('writer', 'editor')
    .addEdge('editor', END)
    .compile({ checkpointer });
  return {
    name: `LangGraph ${label}, durability=${durability}`,
    group: 'langgraph',
    runs,
    notes,
    run: async (i) => {
      await graph.invoke(
        { request: `${REQUEST} #${i}`, last: '' },
        { configurable: { thread_id: randomUUID() }, durability },
      );
    },
  };
}

async function aigen(label: string, url: string | EventStore, runs: number, notes: string, group: Variant['group'] = 'aigen'): Promise<Variant> {
  const store = typeof url === 'string' ? await openStore(url) : url;
  const engine = aigenEngine(store);
  const workflow = contentWorkflow();
  return {
    name: `aigen ${label}`,
    group,
    runs,
    notes,
    run: async (i) => {
      const r = await engine.execute(workflow, new Context(), `${REQUEST} #${i}`);
      if (r.status !== 'completed') throw new Error(`aigen run ${r.runId} ended ${r.status}: ${r.error?.message ?? ''}`);
    },
    close: () => store.close(),
  };
}

function aigenMachinesUnrecorded(): Variant {
  const run = unrecordedMachineRunner(contentWorkflow(), bareRunner(), instantModel);
  return {
    name: 'aigen machines, no recording',
    group: 'breakdown',
    runs: 150,
    notes: "aigen's workflow + agent-actor machines, step = new SDK Agent + runner.run(); no engine, store, trace",
    run: async (i) => {
      const r = await run(`${REQUEST} #${i}`);
      if (!r.ok) throw new Error('unrecorded run failed');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sequential per-step time

interface StepResult {
  name: string;
  group: Variant['group'];
  notes: string | undefined;
  runs: number;
  /** Wall-clock milliseconds per step, one sample per repetition. */
  msPerStep: Summary;
  /** CPU milliseconds (user + system, whole process) per step, one sample per repetition. */
  cpuMsPerStep: Summary;
}

async function perStep(variants: Variant[]): Promise<StepResult[]> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const cpuSamples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const runsOf = (v: Variant) => Math.max(1, RUNS_OVERRIDE ?? (QUICK ? Math.ceil(v.runs / 10) : v.runs));
  // Warm-up: a fifth of a repetition each (JIT, statement caches, pool connections).
  for (const v of variants) {
    note(`warm-up ${v.name}`);
    for (let i = 0; i < Math.max(3, Math.ceil(runsOf(v) / 5)); i++) await v.run(i);
  }
  // Round-robin repetitions, so that drift (GC heap growth, file growth, other load on the
  // machine) hits every variant; the order rotates so that no variant always follows another.
  for (let rep = 0; rep < REPEATS; rep++) {
    note(`repetition ${rep + 1}/${REPEATS}`);
    for (const v of variants.map((_, k) => variants[(k + rep) % variants.length]!)) {
      const n = runsOf(v);
      await settle();
      const cpu0 = process.cpuUsage();
      const t0 = now();
      for (let i = 0; i < n; i++) await v.run(i);
      const wall = now() - t0;
      const cpu = process.cpuUsage(cpu0);
      samples.get(v.name)!.push(wall / (n * STEPS_PER_RUN));
      cpuSamples.get(v.name)!.push((cpu.user + cpu.system) / 1000 / (n * STEPS_PER_RUN));
    }
  }
  return variants.map((v) => ({
    name: v.name,
    group: v.group,
    notes: v.notes,
    runs: runsOf(v),
    msPerStep: summarize(samples.get(v.name)!),
    cpuMsPerStep: summarize(cpuSamples.get(v.name)!),
  }));
}

// ---------------------------------------------------------------------------------------------

interface TargetComparison {
  aigen: string;
  against: string;
  ratio: number;
  target: number | undefined;
  met: boolean | undefined;
}

/** The rows of the issue's table that this bench measures, for its JSON and `npm run bench`'s summary. */
function summaryRows(comparisons: TargetComparison[], concurrent: ConcurrentResult[], bytes: BytesPerStep): SummaryRow[] {
  const row = (measure: string, aigenName: string, against: string): SummaryRow => {
    const c = comparisons.find((x) => x.aigen === aigenName && x.against.startsWith(against) && x.target !== undefined);
    return { measure, figure: c ? `${ratio(c.ratio)} (vs ${c.against})` : '–', target: c ? `≤ ${c.target}×` : '–', met: c?.met };
  };
  const bare = concurrent.find((c) => c.store === 'bare XState');
  const sqlite = concurrent.find((c) => c.store === 'sqlite normal');
  const timeRatio = bare && sqlite ? sqlite.seconds / bare.seconds : undefined;
  return [
    row('per step, sqlite normal, vs LangGraph SqliteSaver', 'aigen sqlite normal', 'LangGraph SqliteSaver'),
    row('per step, sqlite normal, vs bare XState', 'aigen sqlite normal', 'bare XState'),
    row('per step, memory, vs bare XState', 'aigen memory', 'bare XState'),
    row('per step, postgres, vs sqlite normal', 'aigen postgres', 'aigen sqlite normal'),
    {
      measure: `${CONCURRENT_RUNS} concurrent runs (sqlite normal) vs ${CONCURRENT_RUNS} bare XState machines, time`,
      figure: timeRatio === undefined ? '–' : `${ratio(timeRatio)} (${fmt(sqlite!.seconds)} s vs ${fmt(bare!.seconds)} s)`,
      target: `≤ ${TARGETS.concurrentVsXState}×`,
      met: atMost(timeRatio, TARGETS.concurrentVsXState),
    },
    {
      measure: 'memory per in-flight run (peak RSS growth / runs, sqlite normal)',
      figure: sqlite ? `${fmt(sqlite.kibPerRun, 0)} KiB${bare ? ` (bare XState ${fmt(bare.kibPerRun, 0)} KiB)` : ''}` : '–',
      target: `≤ ${TARGETS.kibPerRun} KiB`,
      met: atMost(sqlite?.kibPerRun, TARGETS.kibPerRun),
    },
    {
      measure: 'bytes stored per step (data + metadata JSON)',
      figure: `${fmt(bytes.bytesPerStep, 0)} B, ${fmt(bytes.eventsPerStep, 1)} events; spread ${ratio(bytes.cycleSpread)} along ${bytes.steps} steps`,
      target: `constant (spread ≤ 1.02×), ≤ ${fmt(BYTES_PER_STEP_BEFORE, 0)} B`,
      met: bytes.cycleSpread <= 1.02 && bytes.bytesPerStep <= BYTES_PER_STEP_BEFORE,
    },
  ];
}

async function main(): Promise<void> {
  const dir = tempDir('runtime');
  const pg = await pgAvailable();
  const pgUrl = pg ? pgStoreUrl(freshSchema('runtime')) : undefined;
  const saver = SqliteSaver.fromConnString(join(dir, 'langgraph.db'));
  // The saver sets WAL up lazily on first use; ask it for a checkpoint so that it does now.
  await saver.getTuple({ configurable: { thread_id: 'setup' } });
  const SYNC_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
  const saverPragmas = {
    journal_mode: String(saver.db.pragma('journal_mode', { simple: true })),
    synchronous: SYNC_NAMES[Number(saver.db.pragma('synchronous', { simple: true }))] ?? 'unknown',
  };
  const saverNote = `file, WAL, synchronous=${saverPragmas.synchronous}`;

  // The aigen engines are built first: an engine installs its span recorder as the SDK's global
  // trace processor, so every variant runs under the same tracing setup.
  const candidates: Array<() => Promise<Variant> | Variant> = [
    () => aigen('memory', 'memory:', 60, 'memory store: every step recorded, nothing on disk'),
    () => aigen('sqlite normal', `sqlite:${join(dir, 'aigen-normal.db')}?durability=normal`, 60, 'file, WAL, synchronous=NORMAL'),
    () => aigen('sqlite full', `sqlite:${join(dir, 'aigen-full.db')}?durability=full`, 30, 'file, WAL, synchronous=FULL (the default)'),
    ...(pgUrl ? [() => aigen('postgres', pgUrl, 15, 'local server, synchronous_commit=on')] : []),
    () => runnerLoop(true),
    () => bareXState(),
    () => langGraph('MemorySaver', new MemorySaver(), 'async', 60, 'LangGraph default durability: checkpoint saved while the next step runs'),
    () => langGraph('MemorySaver', new MemorySaver(), 'sync', 60, 'checkpoint saved before the next step starts'),
    () => langGraph('SqliteSaver', saver, 'async', 60, `${saverNote}; default durability`),
    () => langGraph('SqliteSaver', saver, 'sync', 60, `${saverNote}; checkpoint before the next step`),
    ...(BREAKDOWN
      ? [
          () => runnerLoop(false),
          () => aigenMachinesUnrecorded(),
          () => aigen('engine, null store', new NullStore(false), 60, 'engine + recorder, appends answered at once, no codec', 'breakdown'),
          () => aigen('engine, null store + codec', new NullStore(true), 60, 'as above, every event through the codec (zod + JSON)', 'breakdown'),
        ]
      : []),
  ];
  const built: Variant[] = [];
  for (const make of candidates) built.push(await make());
  const variants = built.filter((v) => !ONLY || ONLY.some((o) => v.name.toLowerCase().includes(o)));

  const steps = await perStep(variants);
  for (const v of built) await v.close?.();
  saver.db.close();

  const concurrent: ConcurrentResult[] = [];
  if (!args.includes('--no-concurrent')) {
    const stores: Array<[string, string]> = [
      ['bare XState', BARE_XSTATE],
      ['memory', 'memory:'],
      ['sqlite normal', `sqlite:${join(dir, 'concurrent-normal.db')}?durability=normal`],
      ['sqlite full', `sqlite:${join(dir, 'concurrent-full.db')}?durability=full`],
      ...(pg ? [['postgres', pgStoreUrl(freshSchema('concurrent'))] as [string, string]] : []),
    ];
    for (const [label, url] of stores) {
      if (ONLY && !ONLY.some((o) => `aigen ${label}`.includes(o) || label.includes(o))) continue;
      note(`${CONCURRENT_RUNS} concurrent ${url === BARE_XSTATE ? 'bare XState machines' : `runs on ${label}`} (child process)`);
      try {
        concurrent.push(await measureConcurrentRuns(label, url, CONCURRENT_RUNS));
      } catch (err) {
        // A failed child (e.g. a source file mid-edit) must not cost the figures measured so far.
        console.error(`concurrent runs on ${label} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  note('bytes stored per step');
  const bytes = await measureBytesPerStep();

  // --- report
  const bareConcurrent = concurrent.find((c) => c.store === 'bare XState');
  const find = (name: string) => steps.find((s) => s.name === name);
  const ms = (name: string) => find(name)?.msPerStep.median;
  const runnerFloor = ms('bare Runner loop');
  const headline = steps.filter((s) => s.group !== 'breakdown');
  printTable(
    `Per step, 3-agent sequential workflow, instant model: wall ms/step (median, min, max of ${REPEATS} repetitions) and CPU ms/step (median)`,
    ['variant', 'runs/rep', 'ms/step', 'min', 'max', 'CPU ms/step', '× bare Runner', 'notes'],
    headline.map((s) => [
      s.name,
      s.runs,
      s.msPerStep.median,
      s.msPerStep.min,
      s.msPerStep.max,
      s.cpuMsPerStep.median,
      runnerFloor ? ratio(s.msPerStep.median / runnerFloor) : '–',
      s.notes,
    ]),
  );

  type Comparison = { aigen: string; against: string; ratio: number; cpuRatio: number; target: number | undefined; met: boolean | undefined; note: string };
  const comparisons: Comparison[] = [];
  /** Median over repetitions of aigen_i / other_i (each repetition ran both within seconds). */
  const paired = (a: Summary, b: Summary) => median(a.samples.map((x, i) => x / b.samples[i]!));
  const compare = (aigenName: string, againstNames: string[], target: number | undefined, why: string) => {
    const a = find(aigenName);
    const against = againstNames
      .map((n) => find(n))
      .filter((s): s is StepResult => s !== undefined)
      .sort((x, y) => x.msPerStep.median - y.msPerStep.median)[0];
    if (!a || !against) return;
    const r = paired(a.msPerStep, against.msPerStep);
    const cpuRatio = paired(a.cpuMsPerStep, against.cpuMsPerStep);
    comparisons.push({ aigen: aigenName, against: against.name, ratio: r, cpuRatio, target, met: target === undefined ? undefined : r <= target, note: why });
  };
  const sqliteSavers = ['LangGraph SqliteSaver, durability=async', 'LangGraph SqliteSaver, durability=sync'];
  const memorySavers = ['LangGraph MemorySaver, durability=async', 'LangGraph MemorySaver, durability=sync'];
  compare('aigen sqlite normal', sqliteSavers, TARGETS.sqliteVsLangGraph, 'equal durability (synchronous=NORMAL)');
  compare('aigen sqlite normal', ['bare XState'], TARGETS.sqliteVsXState, 'the same machine without recording');
  compare('aigen memory', ['bare XState'], TARGETS.memoryVsXState, 'the same machine without recording');
  compare('aigen postgres', ['aigen sqlite normal'], TARGETS.postgresVsSqlite, 'aigen on postgres against aigen on sqlite');
  compare('aigen memory', memorySavers, undefined, 'equal durability (process memory): for reference');
  compare('aigen sqlite full', sqliteSavers, undefined, 'aigen stricter (FULL vs NORMAL): for reference');
  compare('aigen memory', ['bare Runner loop'], undefined, 'the floor without a machine: for reference');
  if (comparisons.length > 0) {
    printTable(
      'Targets: aigen per-step time ÷ the other, median of per-repetition ratios (LangGraph: its faster durability mode)',
      ['aigen', 'against', 'wall ratio', 'CPU ratio', 'target', 'verdict', 'note'],
      comparisons.map((c) => [c.aigen, c.against, ratio(c.ratio), ratio(c.cpuRatio), c.target === undefined ? '–' : `≤ ${c.target}`, verdict(c.met), c.note]),
    );
  }

  const breakdown: Array<{ part: string; from: string; to: string; ms: number; cpuMs: number }> = [];
  if (BREAKDOWN) {
    const chain: Array<[string, string]> = [
      ['bare Runner loop', 'the floor: SDK agent runs on the instant model'],
      ['bare Runner loop, SDK tracing on', 'SDK tracing (spans created, not recorded)'],
      ['aigen machines, no recording', "aigen's machines (agent actor per step), a new SDK Agent per step"],
      ['aigen engine, null store', 'engine + recording: run setup, RunStarted definition, recorder, inspector, RecordingModel, SpanRecorded, durable() waits'],
      ['aigen engine, null store + codec', 'codec on write: zod validation + JSON of every event'],
      ['aigen memory', 'store: group commit + memory driver'],
      ['aigen sqlite normal', 'sqlite I/O, synchronous=NORMAL (vs memory)'],
    ];
    for (let i = 1; i < chain.length; i++) {
      // Each step is measured against the previous row of the chain, except tracing, which is a side branch.
      const [to, part] = chain[i]!;
      const from = to === 'aigen machines, no recording' ? 'bare Runner loop' : chain[i - 1]![0];
      const a = find(from);
      const b = find(to);
      if (!a || !b) continue;
      breakdown.push({ part, from, to, ms: b.msPerStep.median - a.msPerStep.median, cpuMs: b.cpuMsPerStep.median - a.cpuMsPerStep.median });
    }
    printTable(
      `Breakdown: what each part adds per step (ms/step, medians of ${REPEATS}; CPU time is the steadier figure on a busy machine)`,
      ['variant', 'wall ms/step', 'CPU ms/step', 'adds wall', 'adds CPU', 'part'],
      breakdown.map((b) => [b.to, ms(b.to), find(b.to)!.cpuMsPerStep.median, b.ms, b.cpuMs, b.part]),
    );
  }

  if (concurrent.length > 0) {
    printTable(
      `${CONCURRENT_RUNS} concurrent aigen runs (3 steps each), one child process per store`,
      ['store', 'completed', 'seconds', '× bare XState', 'steps/s', 'runs/s', 'events', 'RSS before MiB', 'peak RSS MiB', 'KiB per run'],
      concurrent.map((c) => [
        c.store, c.completed, c.seconds, bareConcurrent && c !== bareConcurrent ? ratio(c.seconds / bareConcurrent.seconds) : '–',
        c.stepsPerSec, c.runsPerSec, c.eventsWritten, c.baselineRssMiB, c.peakRssMiB, c.kibPerRun,
      ]),
    );
  }
  printTable(
    `Bytes stored per step (a ${bytes.steps}-step run; data + metadata JSON; steps 4–${bytes.steps})`,
    ['bytes/step', 'events/step', 'bytes per 3 steps, in order', 'largest ÷ smallest (after the first 3)', 'before (2026-11-30)'],
    [[bytes.bytesPerStep, bytes.eventsPerStep, bytes.bytesPerCycle.join(' / '), ratio(bytes.cycleSpread), BYTES_PER_STEP_BEFORE]],
  );

  const summary = summaryRows(comparisons, concurrent, bytes);
  printTable('Runtime targets', ['measure', 'figure', 'target', 'verdict'], summary.map((r) => [r.measure, r.figure, r.target, verdict(r.met)]));
  const partial = ONLY !== undefined || RUNS_OVERRIDE !== undefined || QUICK || args.includes('--no-concurrent');
  const path = writeResults(partial ? 'runtime-partial' : 'runtime', {
    quick: QUICK,
    repeats: REPEATS,
    only: ONLY,
    model: 'ScriptedModel (src/testing), instant, one text answer per step',
    langgraphSqliteSaver: saverPragmas,
    targets: TARGETS,
    bytesPerStepBefore: BYTES_PER_STEP_BEFORE,
    perStep: steps,
    comparisons,
    breakdown,
    concurrent,
    bytesPerStep: bytes,
    summary,
  });
  console.log(`\nResults: ${path}`);
}

try {
  await main();
} finally {
  await cleanup();
}
