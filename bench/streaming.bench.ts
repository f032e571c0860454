// npm run bench:streaming — live model output: time to the first delta through aigen beside the
// bare @openai/agents Runner streaming the same local stub, and delta fan-out to 100 SSE clients.
import { Agent, OpenAIProvider, Runner } from '@openai/agents';
import OpenAI from 'openai';
import { createAgent, DeterministicWorkflow, openStore, WorkflowEngine, type EventStore } from '../src/index.js';
import { defaultModelResolver } from '../src/models/resolveModel.js';
import { openProjections } from '../src/projections/open.js';
import { serve } from '../src/server/index.js';
import { createMemoryStore, say } from '../src/testing/index.js';
import { startOpenAIStub, type OpenAIStub } from '../test/support/openaiStub.js';
import { QUICK, cleanup, tempDir } from './lib/env.js';
import { writeResults } from './lib/results.js';
import { latency, median, now, settle } from './lib/stats.js';
import { fmt, note, printTable, ratio, verdict } from './lib/table.js';

const KEY = 'sk-bench-0123456789';
const ANSWER = 'Tides rise and fall twice a day, pulled by the moon and, less strongly, by the sun. '.repeat(8).trim();

const sdkClient = (stub: OpenAIStub) => new OpenAI({ apiKey: KEY, baseURL: stub.baseURL, maxRetries: 0 });

/** Time from the call to the first text delta of the bare Runner, streaming. */
async function bareFirstDelta(stub: OpenAIStub): Promise<number> {
  const provider = new OpenAIProvider({ openAIClient: sdkClient(stub), useResponses: true });
  const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
  const agent = new Agent({ name: 'writer', instructions: 'You are a skilled writer.', model: 'gpt-4.1-mini' });
  const t = now();
  const result = await runner.run(agent, 'Write about tides', { stream: true });
  let first = Number.NaN;
  for await (const e of result) {
    if (Number.isNaN(first) && e.type === 'raw_model_stream_event' && e.data.type === 'output_text_delta') first = now() - t;
  }
  await result.completed;
  return first;
}

/** Time from execute() to the first delta through aigen (a one-step run, recorded in `store`). */
async function aigenFirstDelta(stub: OpenAIStub, store: EventStore): Promise<number> {
  const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_OPENAI_API: 'responses' };
  const engine = new WorkflowEngine({ store, model: 'gpt-4.1-mini', env, modelResolver: defaultModelResolver(env) });
  const workflow = new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'one_step' });
  let first = Number.NaN;
  const t = now();
  await engine.execute(workflow, undefined, 'Write about tides', { onDelta: () => (first = Number.isNaN(first) ? now() - t : first) });
  return first;
}

async function firstDelta(rounds: number) {
  const stub = await startOpenAIStub({ streaming: { wordsPerChunk: 2, delayMs: 2 }, responses: () => say(ANSWER) });
  const dir = tempDir('streaming');
  const sqlite = await openStore(`sqlite:${dir}/bench.db`);
  const rows: Array<{ name: string; samples: number[] }> = [
    { name: 'bare Runner, stream: true', samples: [] },
    { name: 'aigen, memory store', samples: [] },
    { name: 'aigen, sqlite store', samples: [] },
  ];
  try {
    for (let r = -2; r < rounds; r++) {
      await settle();
      const bare = await bareFirstDelta(stub);
      const memory = await aigenFirstDelta(stub, createMemoryStore());
      const file = await aigenFirstDelta(stub, sqlite);
      if (r < 0) continue; // warm-up
      rows[0]!.samples.push(bare);
      rows[1]!.samples.push(memory);
      rows[2]!.samples.push(file);
    }
  } finally {
    await sqlite.close();
    await stub.close();
  }
  return rows.map((row) => ({ name: row.name, median: median(row.samples), samples: row.samples }));
}

/** 100 SSE clients on /api/events of an in-process server; one run streams; per-delta lag from publish to receipt. */
async function fanOut(clients: number) {
  const stub = await startOpenAIStub({ streaming: { wordsPerChunk: 1, delayMs: 1 }, responses: () => say(ANSWER.repeat(3)) });
  const store = createMemoryStore();
  const projections = await openProjections('memory:', store);
  projections.start();
  const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_OPENAI_API: 'responses' };
  const engine = new WorkflowEngine({ store, model: 'gpt-4.1-mini', env, modelResolver: defaultModelResolver(env) });
  const server = await serve({ store, engine, projections, port: 0, host: '127.0.0.1' });
  const published = new Map<string, number>();
  const lags: number[] = [];
  let received = 0;
  const aborts: AbortController[] = [];
  const readers = Array.from({ length: clients }, async () => {
    const abort = new AbortController();
    aborts.push(abort);
    const res = await fetch(`${server.url}/api/events`, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const b of blocks) {
          if (!b.startsWith('event: delta')) continue;
          const d = JSON.parse(b.slice(b.indexOf('data: ') + 6)) as { callId: string; index: number; text: string };
          received += 1;
          // A joined delta is late by the age of its first piece.
          const at = published.get(`${d.callId}@${d.index}`);
          if (at !== undefined) lags.push(now() - at);
        }
      }
    } catch {
      // aborted at the end
    }
  });
  await new Promise((r) => setTimeout(r, 500)); // every client connected
  let deltas = 0;
  const sub = engine.deltas.bus.deltas$.subscribe(({ delta }) => {
    deltas += 1;
    published.set(`${delta.callId}@${delta.index}`, now());
  });
  const t = now();
  await engine.execute(new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'fan_out' }), undefined, 'Write about tides');
  const elapsed = now() - t;
  await new Promise((r) => setTimeout(r, 300));
  sub.unsubscribe();
  for (const a of aborts) a.abort();
  await Promise.allSettled(readers);
  await server.close();
  await projections.close();
  await stub.close();
  return { clients, deltasPublished: deltas, messagesReceived: received, deltasPerSecond: (received / elapsed) * 1000, lag: latency(lags) };
}

const first = await firstDelta(QUICK ? 3 : 30);
const bare = first[0]!.median;
printTable(
  'Time to first delta (median ms; target: aigen ≤ 1.1 × bare + 5 ms)',
  ['path', 'first delta ms', '× bare', 'target'],
  first.map((row, i) => [row.name, row.median, i === 0 ? '' : ratio(row.median / bare), i === 0 ? '' : verdict(row.median <= 1.1 * bare + 5)]),
);
note('fan-out: 100 SSE clients');
const fan = await fanOut(QUICK ? 10 : 100);
printTable(
  `Delta fan-out to ${fan.clients} SSE clients (one run, ${fan.deltasPublished} deltas)`,
  ['messages received', 'deltas/s (all clients)', 'lag p50 ms', 'lag p99 ms', 'lag max ms'],
  [[fan.messagesReceived, fan.deltasPerSecond, fan.lag.p50, fan.lag.p99, fan.lag.max]],
);
const file = writeResults(QUICK ? 'streaming-partial' : 'streaming', { firstDelta: first, fanOut: fan });
console.log(`\nfigures written to ${file} (${fmt(bare)} ms bare first delta)`);
await cleanup();
