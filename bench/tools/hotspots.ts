/**
 * CPU cost of the pieces the runtime bench's breakdown and profiles point at, each timed alone
 * (no I/O, a few seconds in all), so a fix can be checked without the whole bench:
 *   npx tsx bench/tools/hotspots.ts
 * - the codec's `encode` (zod validation + JSON) for every event of a real 3-agent run, by type;
 * - what `startRun` builds per run: the agent machine, the workflow machine, the exported definition;
 * - the per-step helpers of the step runner: `toJson`, `requestDigest`, a new SDK `Agent`.
 */
import { Agent } from '@openai/agents';
import { aigenCodec } from '../../src/events/codec.js';
import type { NewEvent, RecordedEvent } from '../../src/events/envelope.js';
import { Context, exportDefinition, openStore, type RunServices } from '../../src/index.js';
import { requestDigest, toJson } from '../../src/journal/recordingModel.js';
import { printTable } from '../lib/table.js';
import { now } from '../lib/stats.js';
import { aigenEngine, contentWorkflow, OUTPUT } from '../lib/workload.js';
import { noWaits } from '../../src/journal/waits.js';

/** Median µs per call of `fn` over 7 batches of `n` calls, after one warm-up batch. */
function micros(n: number, fn: () => unknown): number {
  const batches: number[] = [];
  for (let b = 0; b < 8; b++) {
    const t0 = now();
    for (let i = 0; i < n; i++) fn();
    if (b > 0) batches.push(((now() - t0) / n) * 1000);
  }
  return batches.sort((x, y) => x - y)[3]!;
}

// One real run's events, as the recorder hands them to the store.
const store = await openStore('memory:');
const result = await aigenEngine(store).execute(contentWorkflow(), new Context(), 'Write about tides');
const recorded: RecordedEvent[] = [];
for await (const e of store.readStream(`run-${result.runId}`)) recorded.push(e);
await store.close();
const events: NewEvent[] = recorded.map((e) => ({ type: e.type, data: e.data, metadata: { ...e.metadata } }));

const byType = new Map<string, NewEvent[]>();
for (const e of events) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
const codecRows = [...byType].map(([type, list]) => {
  const us = micros(400, () => {
    for (const e of list) aigenCodec.encode(e);
  }) / list.length;
  return { type, count: list.length, bytes: JSON.stringify(list[0]!.data).length, us, perRun: us * list.length };
});
const codecTotal = codecRows.reduce((sum, r) => sum + r.perRun, 0);
printTable(
  `codec.encode per event of one run (${events.length} events, ${Math.round(codecTotal)} µs per run = ${Math.round(codecTotal / 3)} µs per step)`,
  ['type', 'per run', 'data bytes', 'µs/event', 'µs/run'],
  codecRows.map((r) => [r.type, r.count, r.bytes, r.us, r.perRun]),
);

const services: RunServices = {
  runStep: () => Promise.resolve({ ok: true, text: '', output: '' }),
  nextStepId: (agentId) => agentId,
  recordBranch: () => Promise.resolve(),
  runChild: () => Promise.reject(new Error('unused')),
  waits: noWaits,
  maxTurns: 80,
};
const workflow = contentWorkflow();
const machine = workflow.build({ services, prefix: '' });
const response = { output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: OUTPUT.writer }] }] };
const request = {
  systemInstructions: 'You are a skilled writer.',
  input: [{ role: 'user', content: OUTPUT.research }],
  tools: [],
  handoffs: [],
  outputType: 'text',
} as unknown as Parameters<typeof requestDigest>[0];
printTable('Per-run and per-step work of the engine, timed alone', ['operation', 'when', 'µs'], [
  ['workflow.build()', 'once per workflow (workflow.machine())', micros(300, () => workflow.build({ services, prefix: '' }))],
  ['exportDefinition()', 'once per machine (definitionOf)', micros(300, () => exportDefinition(machine))],
  ['toJson(model output)', 'per model call', micros(3000, () => toJson(response.output))],
  ['requestDigest(request)', 'per model call', micros(3000, () => requestDigest(request))],
  ['new Agent(…)', 'per step (toSdkAgent)', micros(3000, () => new Agent({ name: 'writer', instructions: 'You are a skilled writer.' }))],
]);
