/**
 * Store benchmark (`npm run bench:store`): durable append throughput of the aigen stores,
 * serial (one event per append, awaited) and batched (1,000 concurrent appends to different
 * streams, i.e. group commit), beside a raw better-sqlite3 / raw `pg` insert of the same rows
 * measured in the same run; then live subscription latency (append → subscriber) p50/p99.
 * Not a test: it never runs in the test suite. Figures: bench/results/store.json.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Subscription } from 'rxjs';
import { aigenCodec } from '../src/events/codec.js';
import type { NewEvent, RecordedEvent } from '../src/events/envelope.js';
import type { EventStore } from '../src/store/eventStore.js';
import { openStore } from '../src/store/openStore.js';
import { migrate, schemaNames } from '../src/store/postgres/schema.js';
import { prepareDatabase } from '../src/store/sqlite/schema.js';
import { PG_URL, QUICK, cleanup, freshSchema, pgAvailable, pgSettings, pgStoreUrl, tempDir } from './lib/env.js';
import { mixEvent, rawRow, type RawRow } from './lib/events.js';
import { note, printTable, ratio, verdict } from './lib/table.js';
import { writeResults } from './lib/results.js';
import { interleave, latency, now, settle, summarize, type Summary } from './lib/stats.js';

/** Appends in flight at once in the batched measurement (the figure). */
const BATCH = 1000;
const BATCH_WARMUP = QUICK ? 1 : 3;
const args = process.argv.slice(2);
const option = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
/** `--rounds=N`: batched rounds per side (e.g. more for a profile). */
const BATCH_ROUNDS = Number(option('rounds') ?? (QUICK ? 2 : 21));
const SERIAL_ROUNDS = QUICK ? 1 : 9;
const LATENCY_SAMPLES = QUICK ? 20 : 300;
/** Target of the issue: aigen's batched append rate ≥ 0.8× the raw insert rate. */
const BATCH_TARGET = 0.8;

/** `--only=sqlite,postgres`: only stores whose name contains one of these. */
const ONLY = option('only')?.split(',').map((s) => s.trim().toLowerCase());
/** `--phases=serial,batched,latency`: only these measurements (for profiling one path). */
const PHASES = new Set(option('phases')?.split(',').map((s) => s.trim()) ?? ['serial', 'batched', 'latency']);

/** A raw insert path of one database: what an application would do without aigen. */
interface RawInserter {
  label: string;
  /** One multi-row insert in one transaction. */
  batch(rows: RawRow[]): Promise<void>;
  /** One row, one transaction. */
  one(row: RawRow): Promise<void>;
  close(): Promise<void>;
}

interface Target {
  name: string;
  /** Opens a fresh, empty aigen store. */
  open: () => Promise<EventStore>;
  /** Opens a second store on the same database (another process's view), when there is one. */
  reopen?: () => Promise<EventStore>;
  /** The raw comparison on the same database engine and durability. */
  raw?: () => Promise<RawInserter>;
  /** Serial appends per round (an fsync per commit makes `full` slow). */
  serialCount: number;
  durability: string;
}

type Serial = Awaited<ReturnType<typeof serial>>;
type Batched = Awaited<ReturnType<typeof batched>>;
type LiveLatency = Awaited<ReturnType<typeof subscriptionLatency>>;

interface TargetResult {
  name: string;
  durability: string;
  /** What the raw comparison does. */
  raw?: string;
  serial?: Serial;
  batched?: Batched;
  subscription?: { local: LiveLatency; otherWriter?: LiveLatency };
}

// ---------------------------------------------------------------------------------------------
// Raw comparators

function rawSqlite(path: string, durability: 'full' | 'normal'): Promise<RawInserter> {
  const db = new Database(path);
  // The very schema and pragmas the aigen adapter uses (WAL, synchronous, indexes).
  prepareDatabase(db, durability);
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const put = (r: RawRow) => insert.run(r.eventId, r.streamId, r.streamPosition, r.type, r.data, r.metadata);
  const many = db.transaction((rows: RawRow[]) => {
    for (const r of rows) put(r);
  });
  return Promise.resolve({
    label: `better-sqlite3 (synchronous=${durability.toUpperCase()})`,
    batch: (rows) => {
      many(rows);
      return Promise.resolve();
    },
    one: (row) => {
      put(row);
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  });
}

async function rawPostgres(): Promise<RawInserter> {
  const names = schemaNames(freshSchema('raw'));
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  // The very tables and indexes the aigen adapter creates.
  await migrate(pool, names);
  const client = await pool.connect();
  const insertSql = `INSERT INTO ${names.events} (event_id, stream_id, stream_position, type, data, metadata)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])`;
  const columns = (rows: RawRow[]) => [
    rows.map((r) => r.eventId),
    rows.map((r) => r.streamId),
    rows.map((r) => r.streamPosition),
    rows.map((r) => r.type),
    rows.map((r) => r.data),
    rows.map((r) => r.metadata),
  ];
  return {
    label: 'pg (one unnest INSERT per transaction)',
    batch: async (rows) => {
      await client.query('BEGIN');
      await client.query(insertSql, columns(rows));
      await client.query('COMMIT');
    },
    one: async (r) => {
      await client.query(
        `INSERT INTO ${names.events} (event_id, stream_id, stream_position, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`,
        [r.eventId, r.streamId, r.streamPosition, r.type, r.data, r.metadata],
      );
    },
    close: async () => {
      client.release();
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** `count` events of the bench mix, each for a fresh run stream. */
function freshEvents(count: number): Array<{ streamId: string; event: NewEvent }> {
  return Array.from({ length: count }, (_, i) => {
    const runId = randomUUID();
    return { streamId: `run-${runId}`, event: mixEvent(runId, i) };
  });
}

async function serial(target: Target, store: EventStore, raw: RawInserter | undefined) {
  const n = target.serialCount;
  const aigenRound = async () => n / ((await serialAigen(store, n)) / 1000);
  let aigenPerSec: Summary;
  let rawPerSec: Summary | undefined;
  let pairedRatio: number | undefined;
  if (raw) {
    const paired = await interleave(aigenRound, async () => n / ((await serialRaw(raw, n)) / 1000), SERIAL_ROUNDS);
    ({ a: aigenPerSec, b: rawPerSec, ratio: pairedRatio } = paired);
  } else {
    await aigenRound();
    const samples: number[] = [];
    for (let i = 0; i < SERIAL_ROUNDS; i++) samples.push(await aigenRound());
    aigenPerSec = summarize(samples);
  }
  return {
    appendsPerRound: n,
    aigenPerSec,
    rawPerSec,
    ratio: pairedRatio,
    aigenMeanMs: 1000 / aigenPerSec.median,
    rawMeanMs: rawPerSec ? 1000 / rawPerSec.median : undefined,
  };
}

/** One run stream, one event per append, each awaited, with the expected version (as the recorder does). */
async function serialAigen(store: EventStore, n: number): Promise<number> {
  const runId = randomUUID();
  const streamId = `run-${runId}`;
  const events = Array.from({ length: n }, (_, i) => mixEvent(runId, i));
  const t0 = now();
  let version: number | 'no_stream' = 'no_stream';
  for (const e of events) version = (await store.append(streamId, [e], { expectedVersion: version })).nextExpectedVersion;
  return now() - t0;
}

async function serialRaw(raw: RawInserter, n: number): Promise<number> {
  const runId = randomUUID();
  const streamId = `run-${runId}`;
  const events = Array.from({ length: n }, (_, i) => mixEvent(runId, i));
  const t0 = now();
  for (let i = 0; i < n; i++) await raw.one(rawRow(streamId, i, events[i]!));
  return now() - t0;
}

async function batched(store: EventStore, raw: RawInserter | undefined) {
  const aigenRound = async () => {
    const items = freshEvents(BATCH);
    await settle();
    const t0 = now();
    await Promise.all(items.map((it) => store.append(it.streamId, [it.event], { expectedVersion: 'no_stream' })));
    return BATCH / ((now() - t0) / 1000);
  };
  const rawRound = async (r: RawInserter) => {
    const items = freshEvents(BATCH);
    await settle();
    const t0 = now();
    // Serialising the rows is part of any insert path; aigen does it (plus validation) in append().
    await r.batch(items.map((it) => rawRow(it.streamId, 0, it.event)));
    return BATCH / ((now() - t0) / 1000);
  };
  if (!raw) {
    for (let i = 0; i < BATCH_WARMUP; i++) await aigenRound();
    const samples: number[] = [];
    for (let i = 0; i < BATCH_ROUNDS; i++) samples.push(await aigenRound());
    return { appendsInFlight: BATCH, aigenPerSec: summarize(samples), target: BATCH_TARGET };
  }
  // Alternating rounds, so that drift (WAL growth, checkpoints, autovacuum, other load on the
  // machine) hits both sides alike; the ratio is the median of the paired round ratios.
  const paired = await interleave(aigenRound, () => rawRound(raw), BATCH_ROUNDS, BATCH_WARMUP);
  return {
    appendsInFlight: BATCH,
    aigenPerSec: paired.a,
    rawPerSec: paired.b,
    ratio: paired.ratio,
    pairedRatios: paired.ratios,
    target: BATCH_TARGET,
    met: paired.ratio >= BATCH_TARGET,
  };
}

/**
 * Live latency: a subscriber (from 'end') on `reader`; `writer` appends one event at a time and
 * the time from calling append to the subscriber's `next` is recorded, with the append's own
 * acknowledgement time beside it. The pause before each sample is random in [0, maxPauseMs), so
 * that a writer on another connection (seen through polling or a watcher interval) samples every
 * phase of that interval instead of locking onto one.
 */
async function subscriptionLatency(reader: EventStore, writer: EventStore, samples: number, maxPauseMs: number) {
  const waiting = new Map<string, (e: RecordedEvent) => void>();
  const live = reader.subscribe({ from: 'end', filter: { streamPrefix: 'lat-' } });
  const sub: Subscription = live.subscribe({ next: (e) => waiting.get(e.eventId)?.(e) });
  const acks: number[] = [];
  const delivered: number[] = [];
  try {
    // Let the subscription reach the live phase: one event goes through first.
    const streamId = `lat-${randomUUID()}`;
    let version: number | 'no_stream' = 'no_stream';
    const one = async (n: number) => {
      const event = mixEvent(randomUUID(), n);
      const got = new Promise<number>((resolve) => waiting.set(event.eventId!, () => resolve(now())));
      const t0 = now();
      version = (await writer.append(streamId, [event], { expectedVersion: version })).nextExpectedVersion;
      const ack = now() - t0;
      const at = await got;
      waiting.delete(event.eventId!);
      return { ack, delivered: at - t0 };
    };
    for (let i = 0; i < 5; i++) await one(i);
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => setTimeout(r, Math.random() * maxPauseMs));
      const s = await one(i);
      acks.push(s.ack);
      delivered.push(s.delivered);
    }
  } finally {
    sub.unsubscribe();
  }
  return { ack: latency(acks), delivered: latency(delivered) };
}

function checkRowsMatchCodec(): { dataBytes: number; metadataBytes: number } {
  const events = freshEvents(2);
  let dataBytes = 0;
  let metadataBytes = 0;
  for (const { streamId, event } of events) {
    const encoded = aigenCodec.encode(event);
    const raw = rawRow(streamId, 0, event);
    if (encoded.data !== raw.data || encoded.metadata !== raw.metadata) {
      throw new Error(`bench rows differ from what the codec writes for ${event.type}; fix bench/lib/events.ts`);
    }
    dataBytes += raw.data.length;
    metadataBytes += raw.metadata.length;
  }
  return { dataBytes: dataBytes / events.length, metadataBytes: metadataBytes / events.length };
}

async function runTarget(target: Target): Promise<TargetResult> {
  const store = await target.open();
  const raw = target.raw ? await target.raw() : undefined;
  const result: TargetResult = { name: target.name, durability: target.durability, ...(raw ? { raw: raw.label } : {}) };
  try {
    if (PHASES.has('serial')) {
      note(`${target.name}: serial appends`);
      result.serial = await serial(target, store, raw);
    }
    if (PHASES.has('batched')) {
      note(`${target.name}: batched appends (${BATCH} in flight)`);
      result.batched = await batched(store, raw);
    }
    if (PHASES.has('latency')) {
      note(`${target.name}: subscription latency`);
      const local = await subscriptionLatency(store, store, LATENCY_SAMPLES, 5);
      let otherWriter: LiveLatency | undefined;
      if (target.reopen) {
        const second = await target.reopen();
        try {
          // 60 ms spans the sqlite watcher (25 ms) and poll (50 ms) intervals.
          otherWriter = await subscriptionLatency(store, second, Math.min(LATENCY_SAMPLES, 200), 60);
        } finally {
          await second.close();
        }
      }
      result.subscription = { local, ...(otherWriter ? { otherWriter } : {}) };
    }
    return result;
  } finally {
    await store.close();
    await raw?.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const shape = checkRowsMatchCodec();
  const targets: Target[] = [
    { name: 'memory', durability: 'none (process memory)', open: () => openStore('memory:'), serialCount: QUICK ? 200 : 2000 },
  ];
  for (const durability of ['full', 'normal'] as const) {
    const dir = tempDir(`store-${durability}`);
    const url = `sqlite:${join(dir, 'aigen.db')}?durability=${durability}`;
    targets.push({
      name: `sqlite ${durability}`,
      durability: `WAL, synchronous=${durability.toUpperCase()}`,
      open: () => openStore(url),
      reopen: () => openStore(url),
      raw: () => rawSqlite(join(dir, 'raw.db'), durability),
      serialCount: QUICK ? 50 : durability === 'full' ? 150 : 1000,
    });
  }
  let pgInfo: Record<string, string> | undefined;
  if (await pgAvailable()) {
    pgInfo = await pgSettings();
    const url = pgStoreUrl(freshSchema('store'));
    targets.push({
      name: 'postgres',
      durability: `synchronous_commit=${pgInfo.synchronous_commit ?? '?'}, fsync=${pgInfo.fsync ?? '?'}`,
      open: () => openStore(url),
      reopen: () => openStore(url),
      raw: rawPostgres,
      serialCount: QUICK ? 50 : 300,
    });
  } else {
    console.warn(`PostgreSQL not reachable at ${PG_URL}: skipping the postgres figures`);
  }

  const selected = targets.filter((t) => !ONLY || ONLY.some((o) => t.name.includes(o)));
  const results: TargetResult[] = [];
  for (const target of selected) results.push(await runTarget(target));

  const withBatched = results.filter((r) => r.batched);
  if (withBatched.length > 0) {
    printTable(
      `Batched appends: ${BATCH} concurrent appends of one event each, to different streams (events/s, median of ${BATCH_ROUNDS} alternating rounds; ratio = median of paired rounds)`,
      ['store', 'durability', 'aigen', 'raw insert', 'aigen/raw', `target ≥ ${BATCH_TARGET}`],
      withBatched.map((r) => [
        r.name,
        r.durability,
        r.batched!.aigenPerSec.median,
        r.batched!.rawPerSec?.median,
        ratio(r.batched!.ratio),
        verdict(r.batched!.met),
      ]),
    );
  }
  const withSerial = results.filter((r) => r.serial);
  if (withSerial.length > 0) {
    printTable(
      `Serial appends: one event per append, each awaited, one stream (events/s, median of ${SERIAL_ROUNDS} alternating rounds)`,
      ['store', 'appends/round', 'aigen', 'aigen ms/append', 'raw 1-row txn', 'raw ms/insert', 'aigen/raw'],
      withSerial.map((r) => [
        r.name,
        r.serial!.appendsPerRound,
        r.serial!.aigenPerSec.median,
        r.serial!.aigenMeanMs,
        r.serial!.rawPerSec?.median,
        r.serial!.rawMeanMs,
        ratio(r.serial!.ratio),
      ]),
    );
  }
  const withLatency = results.filter((r) => r.subscription);
  if (withLatency.length > 0) {
    printTable(
      'Subscription live latency, append called → subscriber receives (ms)',
      ['store', 'writer', 'samples', 'append ack p50', 'p50', 'p90', 'p99', 'max'],
      withLatency.flatMap((r) => {
        const sub = r.subscription!;
        const rows: Array<[string, LiveLatency]> = [['same store', sub.local]];
        if (sub.otherWriter) rows.push(['other connection', sub.otherWriter]);
        return rows.map(([writer, l]) => [
          r.name,
          writer,
          l.delivered.count,
          l.ack.p50,
          l.delivered.p50,
          l.delivered.p90,
          l.delivered.p99,
          l.delivered.max,
        ]);
      }),
    );
  }
  const compared = withBatched.filter((r) => r.batched!.met !== undefined);
  const allMet = compared.every((r) => r.batched!.met === true);
  console.log(
    `\nEvent shape: Transitioned / ModelResponded alternating, mean ${Math.round(shape.dataBytes)} B data + ${Math.round(
      shape.metadataBytes,
    )} B metadata JSON per event.`,
  );
  if (compared.length > 0) {
    console.log(`Batched target (aigen ≥ ${BATCH_TARGET}× raw): ${allMet ? 'met' : 'MISSED'}${QUICK ? ' (BENCH_QUICK: not meaningful)' : ''}`);
  }
  const partial = ONLY !== undefined || PHASES.size < 3 || QUICK;
  const path = writeResults(partial ? 'store-partial' : 'store', {
    quick: QUICK,
    only: ONLY,
    phases: [...PHASES],
    eventShape: { types: ['Transitioned', 'ModelResponded'], meanDataBytes: shape.dataBytes, meanMetadataBytes: shape.metadataBytes },
    postgres: pgInfo,
    batchedTarget: BATCH_TARGET,
    targets: results,
    batchedTargetMet: allMet,
  });
  console.log(`Results: ${path}`);
}

try {
  await main();
} finally {
  await cleanup();
}
