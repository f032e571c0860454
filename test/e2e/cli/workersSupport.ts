import { randomBytes } from 'node:crypto';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import pg from 'pg';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { runStreamId } from '../../../src/events/streams.js';
import type { EventStore } from '../../../src/store/eventStore.js';
import { openStore } from '../../../src/store/openStore.js';
import { sandbox, start, type Sandbox } from './helpers.js';

const PG_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A sandbox whose store is a fresh SQLite file or a fresh PostgreSQL schema (dropped by cleanup). */
export interface WorkerSandbox extends Sandbox {
  url: string;
  /** The store, opened in the test process. */
  shared: EventStore & { leases: NonNullable<EventStore['leases']> };
  children: ChildProcessWithoutNullStreams[];
  close(): Promise<void>;
}

export async function workerSandbox(kind: 'sqlite' | 'postgres'): Promise<WorkerSandbox> {
  const sb = sandbox();
  let url = sb.store;
  let schema: string | undefined;
  if (kind === 'postgres') {
    schema = `aigen_wk_${randomBytes(5).toString('hex')}`;
    url = `${PG_URL}?schema=${schema}`;
  }
  const store = (await openStore(url)) as WorkerSandbox['shared'];
  const children: ChildProcessWithoutNullStreams[] = [];
  return {
    ...sb,
    env: { ...sb.env, AIGEN_STORE: url },
    store: url,
    shared: store,
    url,
    children,
    async close() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await store.close();
      if (schema) {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
        await admin.end();
      }
      sb.cleanup();
    },
  };
}

/** Start `aigen worker --id <id> …`; its stdout (JSON log lines) is collected in `log()`. */
export function startWorker(sb: WorkerSandbox, id: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams & { log: () => string } {
  const child = start(['worker', '--id', id, ...args], { sb, env }) as ChildProcessWithoutNullStreams & { log: () => string };
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.log = () => out;
  sb.children.push(child);
  return child;
}

/** Wait until `check` holds (polling); fails after `timeoutMs` with `what`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function eventsOf(store: EventStore, runId: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readStream(runStreamId(runId))) out.push(e);
  return out;
}

const TERMINAL = new Set(['RunCompleted', 'RunFailed', 'RunCancelled']);
export const isEnded = (events: readonly RecordedEvent[]): boolean => events.some((e) => TERMINAL.has(e.type));

/** Wait until a worker with this id is live in the store. */
export function workerLive(sb: WorkerSandbox, id: string): Promise<true> {
  return eventually(async () => (await sb.shared.leases.workers()).some((w) => w.id === id), `worker ${id} to be live`);
}

/** Ids of the workers that claimed the run, in order. */
export function claimers(events: readonly RecordedEvent[]): string[] {
  return events.filter((e) => e.type === 'RunClaimed').map((e) => (e.data as { workerId: string }).workerId);
}

/** Who wrote the run's end: the last claimer before its terminal event. */
export function finisher(events: readonly RecordedEvent[]): string | undefined {
  let who: string | undefined;
  for (const e of events) {
    if (e.type === 'RunClaimed') who = (e.data as { workerId: string }).workerId;
    if (TERMINAL.has(e.type)) return who;
  }
  return undefined;
}

/** Completed step ids of a run, in order (a step completed twice appears twice). */
export function completedSteps(events: readonly RecordedEvent[]): string[] {
  return events.filter((e) => e.type === 'StepCompleted').map((e) => (e.data as { stepId: string }).stepId);
}
