/**
 * Projections benchmark (`npm run bench:projections`): how fast the projection runner rebuilds
 * the status and runs views from 1,000,000 stored events on sqlite, beside a raw
 * read-and-`JSON.parse` of the same rows measured in the same run (target ≥ 0.6× the raw rate).
 *
 * The events are realistic runs: a recorded offline `content_generation` run (33 events: the
 * statechart definition, transitions, model responses, SDK spans) cloned under new run ids,
 * 200 runs interleaved event by event as concurrent runs are, inserted with direct batched
 * inserts of the codec's own JSON. Also measured: `store.readAll` alone (the ceiling of any
 * rebuild through the store).
 * `BENCH_ALL_VIEWS=1` adds a rebuild of all four views (status, runs, trace, usage).
 * Not a test. Figures: bench/results/projections.json. `BENCH_QUICK=1`: 50,000 events.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openProjections } from '../src/projections/open.js';
import { openStore } from '../src/store/openStore.js';
import type { EventStore } from '../src/store/eventStore.js';
import { fill, INTERLEAVED, templateRun } from './lib/cloneRuns.js';
import { QUICK, cleanup, tempDir } from './lib/env.js';
import { writeResults } from './lib/results.js';
import { note, printTable, ratio, verdict } from './lib/table.js';
import { now } from './lib/stats.js';

const TOTAL = QUICK ? 50_000 : 1_000_000;
const TARGET = 0.6;
const ALL_VIEWS = process.env.BENCH_ALL_VIEWS === '1';

interface Measure {
  seconds: number;
  cpuSeconds: number;
  eventsPerSec: number;
}

async function measure(events: number, fn: () => Promise<void> | void): Promise<Measure> {
  const c0 = process.cpuUsage();
  const t0 = now();
  await fn();
  const seconds = (now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, eventsPerSec: events / seconds };
}

/** Read every row in global order and parse its JSON, nothing else. */
function rawRead(path: string): number {
  const db = new Database(path, { readonly: true });
  let rows = 0;
  for (const row of db.prepare('SELECT global_position, event_id, stream_id, stream_position, type, data, metadata FROM events ORDER BY global_position').iterate()) {
    const r = row as { data: string; metadata: string };
    if (JSON.parse(r.data) !== undefined && JSON.parse(r.metadata) !== undefined) rows++;
  }
  db.close();
  return rows;
}

async function rebuild(url: string, store: EventStore, events: number, detail: boolean): Promise<Measure> {
  const projections = await openProjections(url, store, { detail });
  const m = await measure(events, () => projections.rebuild());
  const page = await projections.runs({ limit: 5, status: 'completed', workflow: 'content_generation' });
  const errors = (await projections.errors()).length;
  if (page.rows.length === 0 || errors > 0) throw new Error(`rebuild is wrong: ${page.rows.length} rows, ${errors} errors`);
  await projections.close();
  return m;
}

async function main(): Promise<void> {
  const dir = tempDir('projections');
  const path = join(dir, 'aigen.db');
  const url = `sqlite:${path}?durability=normal`;
  const template = await templateRun();
  const t0 = now();
  const events = fill(path, template, TOTAL);
  const runs = Math.ceil(events / template.length);
  note(`inserted ${events.toLocaleString('en-US')} events (${runs.toLocaleString('en-US')} runs of ${template.length}, ${INTERLEAVED} interleaved) in ${((now() - t0) / 1000).toFixed(1)} s`);

  rawRead(path); // warm the page cache for everyone
  const raw = await measure(events, () => void rawRead(path));
  note(`raw read + JSON.parse: ${raw.seconds.toFixed(1)} s`);
  const store = await openStore(url);
  const read = await measure(events, async () => {
    let n = 0;
    for await (const e of store.readAll()) if (e.globalPosition) n++;
    if (n !== events) throw new Error(`read ${n} of ${events} events`);
  });
  note(`store.readAll (read + decode, no views): ${read.seconds.toFixed(1)} s`);
  const core = await rebuild(url, store, events, false);
  note(`rebuild status + runs: ${core.seconds.toFixed(1)} s`);
  const all = ALL_VIEWS ? await rebuild(url, store, events, true) : undefined;
  if (all) note(`rebuild status + runs + trace + usage: ${all.seconds.toFixed(1)} s`);
  await store.close();

  const rows: Array<[string, Measure]> = [
    ['raw read + JSON.parse', raw],
    ['store.readAll alone (read + validate)', read],
    ['rebuild status + runs', core],
    ...(all ? [['rebuild status + runs + trace + usage', all] as [string, Measure]] : []),
  ];
  printTable(
    `Projection rebuild from ${events.toLocaleString('en-US')} sqlite events (${runs.toLocaleString('en-US')} runs)`,
    ['measure', 'seconds', 'events/s', 'ratio', 'cpu s', 'cpu ratio', `target ≥ ${TARGET}×`],
    rows.map(([label, m], i) => [
      label,
      m.seconds,
      Math.round(m.eventsPerSec),
      i === 0 ? undefined : ratio(m.eventsPerSec / raw.eventsPerSec),
      m.cpuSeconds,
      i === 0 ? undefined : ratio(raw.cpuSeconds / m.cpuSeconds),
      i === 2 ? verdict(core.eventsPerSec / raw.eventsPerSec >= TARGET) : undefined,
    ]),
  );
  note('the rebuild reads through the store (store.readAll): its own rate bounds the rebuild rate');
  const r = core.eventsPerSec / raw.eventsPerSec;
  const out = writeResults('projections', {
    events,
    runs,
    eventsPerRun: template.length,
    interleavedRuns: INTERLEAVED,
    quick: QUICK,
    raw,
    storeReadAll: read,
    rebuild: { views: ['status', 'runs'], batchSize: 50_000, ...core },
    ...(all ? { rebuildAllViews: { views: ['status', 'runs', 'trace', 'usage'], batchSize: 50_000, ...all } } : {}),
    ratio: r,
    cpuRatio: raw.cpuSeconds / core.cpuSeconds,
    target: TARGET,
    met: r >= TARGET,
  });
  note(`results: ${out}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
