import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpointStore } from '../../../src/projections/checkpoints.js';
import { openStore } from '../../../src/store/openStore.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../support/otlpReceiver.js';
import { aigen, finished, json, runStartedWith, sandbox, start, type Sandbox } from './helpers.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const otelEnv = (protocol: string): NodeJS.ProcessEnv => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret-123',
  OTEL_SERVICE_NAME: 'aigen-e2e',
});

/** The spans of one trace. */
const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

/** The recorded (OpenAI-format) trace id of a run, from its RunStarted event. */
async function recordedTraceId(storeUrl: string, runId: string): Promise<string> {
  const store = await openStore(storeUrl);
  try {
    for await (const e of store.readStream(`run-${runId}`, { limit: 1 })) return (e.data as { traceId: string }).traceId;
  } finally {
    await store.close();
  }
  throw new Error(`no run ${runId}`);
}

/** Types of a run's recorded events. */
async function eventTypes(storeUrl: string, runId: string): Promise<string[]> {
  const store = await openStore(storeUrl);
  try {
    const types: string[] = [];
    for await (const e of store.readStream(`run-${runId}`)) types.push(e.type);
    return types;
  } finally {
    await store.close();
  }
}

/** True once the run's first StepCompleted is recorded and the `otel` checkpoint is at or past it. */
async function exportedPastFirstStep(storeUrl: string, runId: string): Promise<boolean> {
  const store = await openStore(storeUrl);
  const checkpoints = await openCheckpointStore(storeUrl, store);
  try {
    let first: string | undefined;
    for await (const e of store.readStream(`run-${runId}`)) {
      if (e.type === 'StepCompleted') {
        first = e.eventId;
        break;
      }
    }
    const checkpoint = await checkpoints.read('otel');
    if (first === undefined || checkpoint === undefined) return false;
    for await (const e of store.readAll({ from: checkpoint })) if (e.eventId === first) return false;
    return true;
  } finally {
    await checkpoints.close();
    await store.close();
  }
}

/** Every span's parent is a span of the same trace, except the one root. */
function expectOneTree(spans: ReceivedSpan[]): ReceivedSpan {
  const ids = new Set(spans.map((s) => s.spanId));
  expect(spans.map((s) => `${s.name} ${s.spanId}`).sort()).toEqual([...new Set(spans.map((s) => `${s.name} ${s.spanId}`))].sort());
  expect(ids.size).toBe(spans.length);
  const roots = spans.filter((s) => s.parentSpanId === '');
  expect(roots).toHaveLength(1);
  for (const s of spans) if (s.parentSpanId !== '') expect(ids.has(s.parentSpanId), `parent of ${s.name}`).toBe(true);
  for (const s of spans) expect(s.endNs >= s.startNs).toBe(true);
  return roots[0]!;
}

function expectGenAiRun(spans: ReceivedSpan[], runId: string): void {
  const root = expectOneTree(spans);
  expect(root.name).toBe('workflow content_generation');
  expect(root.attributes['aigen.run.id']).toBe(runId);
  expect(root.resource['service.name']).toBe('aigen-e2e');
  const steps = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
  expect(steps.map((s) => s.attributes['gen_ai.agent.name'])).toEqual(['research', 'writer', 'editor']);
  for (const step of steps) expect(step.parentSpanId).toBe(root.spanId);
  const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
  expect(chats.length).toBeGreaterThanOrEqual(3);
  for (const chat of chats) {
    expect(chat.attributes['gen_ai.request.model']).toBe('offline');
    expect(typeof chat.attributes['gen_ai.response.id']).toBe('string');
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(steps.map((s) => s.spanId)).toContain(chat.parentSpanId);
  }
}

describe('OTel export from the log', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = sandbox();
  });
  afterAll(() => sb.cleanup());

  it('http/json: one run is one trace whose id is the recorded trace id, with GenAI spans', async () => {
    const r = await aigen(['run', 'content_generation', 'OTel over JSON', '--json'], { sb, env: otelEnv('http/json') });
    expect(r.code, r.stderr).toBe(0);
    const { runId } = json<{ runId: string }>(r);
    const traceId = (await recordedTraceId(sb.store, runId)).replace(/^trace_/, '');
    const spans = inTrace(traceId);
    expectGenAiRun(spans, runId);
    expect(receiver.contentTypes).toContain('application/json');
    expect(receiver.headers.some((h) => h['x-api-key'] === 'secret-123')).toBe(true);
  }, 120_000);

  it('http/protobuf: the same spans, decoded from protobuf', async () => {
    const r = await aigen(['run', 'content_generation', 'OTel over protobuf', '--json'], { sb, env: otelEnv('http/protobuf') });
    expect(r.code, r.stderr).toBe(0);
    const { runId } = json<{ runId: string }>(r);
    const traceId = (await recordedTraceId(sb.store, runId)).replace(/^trace_/, '');
    expectGenAiRun(inTrace(traceId), runId);
    expect(receiver.contentTypes).toContain('application/x-protobuf');
  }, 120_000);

  it('a run SIGKILLed after its first step and resumed is one trace with one invoke_agent span per step; replay exports nothing', async () => {
    const env = { ...otelEnv('http/json'), AIGEN_OFFLINE_LATENCY_MS: '1500' };
    const child = start(['run', 'content_generation', 'OTel across a crash', '--json'], { sb, env });
    const done = finished(child);
    const runId = await runStartedWith(sb.store, 'OTel across a crash', 60_000);
    const deadline = Date.now() + 90_000;
    // After its first step, once the exporting process has checkpointed past it (what it exported before the crash).
    while (!(await exportedPastFirstStep(sb.store, runId))) {
      if (Date.now() > deadline) throw new Error('the first step was never exported');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(await eventTypes(sb.store, runId)).not.toContain('RunCompleted');

    const resumed = await aigen(['resume', runId, '--json'], { sb, env: otelEnv('http/json') });
    expect(resumed.code, resumed.stderr).toBe(0);
    const traceId = (await recordedTraceId(sb.store, runId)).replace(/^trace_/, '');
    const spans = inTrace(traceId);
    expectGenAiRun(spans, runId);
    const steps = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
    const stepIds = steps.map((s) => s.attributes['aigen.step.id']);
    expect(new Set(stepIds).size).toBe(stepIds.length);
    expect(steps).toHaveLength(3);

    const before = inTrace(traceId).length;
    const replay = await aigen(['replay', runId, '--verify', '--json'], { sb, env: otelEnv('http/json') });
    expect(json<{ match: boolean }>(replay).match).toBe(true);
    // A later exporting process reads everything the replay could have written: nothing of this run.
    const later = await aigen(['run', 'content_generation', 'after the replay', '--json'], { sb, env: otelEnv('http/json') });
    expect(later.code, later.stderr).toBe(0);
    expect(inTrace(traceId)).toHaveLength(before);
  }, 300_000);
});
