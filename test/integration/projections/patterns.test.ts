import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProjections, openStore, runCost, type EventStore, type ProjectionsHandle, type RecordedEvent, type TraceSpan, type Usage } from '../../../src/index.js';
import { runEvents } from '../../support/runs.js';
import { PATTERNS, runPatterns, tempDir } from './support.js';

/**
 * Every view of a real run of each pattern (offline model, sqlite), checked field by field
 * against the run's own events. The expectations are derived here, straight from the events.
 */

// Event payloads are read as loose JSON here: the test derives its expectations from them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
const zero = (): Usage => ({ requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 });
const plus = (a: Usage, b: Usage): Usage => ({
  requests: a.requests + b.requests,
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  totalTokens: a.totalTokens + b.totalTokens,
});
const ms = (a: string, b: string) => Date.parse(b) - Date.parse(a);
const of = (events: RecordedEvent[], type: string) => events.filter((e) => e.type === type);
const flatten = (s: TraceSpan): TraceSpan[] => [s, ...s.children.flatMap(flatten)];

let tmp: ReturnType<typeof tempDir>;
let store: EventStore;
let projections: ProjectionsHandle;
let ids: Record<string, string>;
const runs: Array<{ pattern: string; runId: string; events: RecordedEvent[] }> = [];

beforeAll(async () => {
  tmp = tempDir('pj-patterns');
  const url = `sqlite:${join(tmp.dir, 'aigen.db')}`;
  store = await openStore(url);
  ids = await runPatterns(store);
  projections = await openProjections(url, store);
  await projections.catchUp();
  for (const pattern of PATTERNS) {
    const events = await runEvents(store, ids[pattern]!);
    runs.push({ pattern, runId: ids[pattern]!, events });
    for (const c of of(events, 'ChildRunStarted')) {
      const childRunId = (c.data as Data).childRunId as string;
      runs.push({ pattern: `${pattern} child`, runId: childRunId, events: await runEvents(store, childRunId) });
    }
  }
}, 120_000);

afterAll(async () => {
  await projections.close();
  await store.close();
  tmp.remove();
});

describe('views of every pattern, field by field against the events', () => {
  it('has run the five patterns (with the parallel one as child runs) and skipped nothing', async () => {
    expect(runs.map((r) => r.pattern)).toEqual(expect.arrayContaining([...PATTERNS, 'multi_perspective child']));
    expect(await projections.errors()).toEqual([]);
  });

  it('status: workflow, lifecycle, states, steps, handoffs, branch, child runs, output, usage, positions', async () => {
    for (const { runId, events } of runs) {
      const status = (await projections.status(runId))!;
      const started = events[0]!;
      const end = events.find((e) => e.type === 'RunCompleted')!;
      const d = started.data as Data;
      expect(status).toMatchObject({
        runId,
        workflow: d.workflow.name,
        kind: d.workflow.kind,
        status: (end.data as Data).partial ? 'partial' : 'completed',
        model: d.model,
        input: d.input,
        traceId: d.traceId,
        parentRunId: d.parentRunId,
        rootRunId: started.metadata.rootRunId,
        startedAt: started.metadata.recordedAt,
        endedAt: end.metadata.recordedAt,
        // Wall clock; these runs neither waited nor stalled, so all of it was active.
        durationMs: ms(started.metadata.recordedAt, end.metadata.recordedAt),
        activeMs: ms(started.metadata.recordedAt, end.metadata.recordedAt),
        output: (end.data as Data).output,
        partial: (end.data as Data).partial,
        usage: (end.data as Data).usage,
        lastPosition: events.length - 1,
        eventCount: events.length,
        forks: [],
      });
      expect(status.error).toBeUndefined();
      const states: Record<string, unknown> = {};
      for (const t of of(events, 'Transitioned')) states[(t.data as Data).actorId] = (t.data as Data).to;
      expect(status.states).toEqual(states);
      const tasks = of(events, 'TaskSent');
      const stepIds = [...new Set(tasks.map((t) => (t.data as Data).stepId as string))];
      expect(status.steps.map((s) => s.stepId)).toEqual(stepIds);
      for (const step of status.steps) {
        const sent = tasks.filter((t) => (t.data as Data).stepId === step.stepId);
        const done = of(events, 'StepCompleted').find((e) => (e.data as Data).stepId === step.stepId)!;
        const output = (done.data as Data).output;
        expect(step).toMatchObject({
          agentId: (sent[0]!.data as Data).agentId,
          actorId: sent[0]!.metadata.actorId,
          status: 'completed',
          attempts: Math.max(...sent.map((t) => (t.data as Data).attempt as number)),
          startedAt: sent[0]!.metadata.recordedAt,
          endedAt: done.metadata.recordedAt,
          durationMs: ms(sent[0]!.metadata.recordedAt, done.metadata.recordedAt),
          usage: (done.data as Data).usage,
        });
        const text = typeof output === 'string' ? output : JSON.stringify(output);
        expect(text.startsWith(step.outputPreview!.replace(/…$/, ''))).toBe(true);
      }
      expect(status.handoffs).toEqual(of(events, 'HandoffRequested').map((h) => ({ stepId: (h.data as Data).stepId, from: (h.data as Data).from, to: (h.data as Data).to })));
      const branch = of(events, 'BranchTaken')[0];
      expect(status.branch).toEqual(branch && { stepId: (branch.data as Data).stepId, branch: (branch.data as Data).branch, reason: (branch.data as Data).reason });
      expect(status.childRuns).toEqual(
        of(events, 'ChildRunStarted').map((c) => ({
          childRunId: (c.data as Data).childRunId,
          branch: (c.data as Data).branch,
          status: (of(events, 'ChildRunFinished').find((f) => (f.data as Data).childRunId === (c.data as Data).childRunId)!.data as Data).status,
        })),
      );
    }
  });

  it('runs list: one row per run with the status fields, newest first; filters by workflow, status and root', async () => {
    const { rows } = await projections.runs({ limit: 100 });
    expect(rows).toHaveLength(runs.length);
    const keys = rows.map((r) => `${r.startedAt}\u0000${r.runId}`);
    expect(keys).toEqual([...keys].sort().reverse());
    for (const { runId, events } of runs) {
      const row = rows.find((r) => r.runId === runId)!;
      const d = events[0]!.data as Data;
      const end = events.at(-1)!;
      expect(row).toMatchObject({
        runId,
        workflow: d.workflow.name,
        kind: d.workflow.kind,
        status: 'completed',
        model: d.model,
        parentRunId: d.parentRunId,
        startedAt: events[0]!.metadata.recordedAt,
        endedAt: end.metadata.recordedAt,
        durationMs: ms(events[0]!.metadata.recordedAt, end.metadata.recordedAt),
        activeMs: ms(events[0]!.metadata.recordedAt, end.metadata.recordedAt),
        usage: (end.data as Data).usage,
        rootRunId: events[0]!.metadata.rootRunId,
      });
      expect((d.input as string).startsWith(row.inputPreview.replace(/…$/, ''))).toBe(true);
    }
    for (const pattern of PATTERNS) {
      expect((await projections.runs({ workflow: pattern })).rows.map((r) => r.runId)).toEqual([ids[pattern]]);
    }
    expect((await projections.runs({ rootOnly: true })).rows.map((r) => r.runId).sort()).toEqual(Object.values(ids).sort());
    expect((await projections.runs({ status: 'failed' })).rows).toEqual([]);
  });

  it('trace: run → steps → model calls, handoffs, branches, child runs and SDK spans, with times and tokens', async () => {
    for (const { runId, events } of runs) {
      const trace = (await projections.trace(runId))!;
      const end = events.find((e) => e.type === 'RunCompleted')!;
      expect(trace).toMatchObject({ runId, traceId: (events[0]!.data as Data).traceId, lastPosition: events.length - 1 });
      expect(trace.root).toMatchObject({
        kind: 'run',
        name: (events[0]!.data as Data).workflow.name,
        startedAt: events[0]!.metadata.recordedAt,
        endedAt: end.metadata.recordedAt,
        durationMs: ms(events[0]!.metadata.recordedAt, end.metadata.recordedAt),
        status: 'ok',
        usage: (end.data as Data).usage,
      });
      const spans = flatten(trace.root);
      const byId = new Map(spans.map((s) => [s.id, s]));
      for (const done of of(events, 'StepCompleted')) {
        const step = byId.get(`step:${(done.data as Data).stepId}`)!;
        expect(step).toMatchObject({ kind: 'step', parentId: 'run', name: (done.data as Data).agentId, endedAt: done.metadata.recordedAt, status: 'ok', usage: (done.data as Data).usage });
      }
      for (const called of of(events, 'ModelCalled')) {
        const d = called.data as Data;
        const answered = of(events, 'ModelResponded').find((e) => (e.data as Data).callId === d.callId)!;
        expect(byId.get(`model:${d.callId}`)).toMatchObject({
          kind: 'model',
          parentId: `step:${d.stepId}`,
          name: d.model,
          startedAt: called.metadata.recordedAt,
          endedAt: answered.metadata.recordedAt,
          durationMs: ms(called.metadata.recordedAt, answered.metadata.recordedAt),
          usage: (answered.data as Data).response.usage,
          status: 'ok',
        });
      }
      const handoffs = spans.filter((s) => s.kind === 'handoff');
      expect(handoffs.map((h) => [h.parentId, h.attributes.from, h.attributes.to])).toEqual(
        of(events, 'HandoffRequested').map((h): unknown[] => [`step:${(h.data as Data).stepId}`, (h.data as Data).from, (h.data as Data).to]),
      );
      expect(spans.filter((s) => s.kind === 'branch').map((b) => [b.parentId, b.name])).toEqual(
        of(events, 'BranchTaken').map((b): unknown[] => [`step:${(b.data as Data).stepId}`, (b.data as Data).branch]),
      );
      for (const c of of(events, 'ChildRunStarted')) {
        const finished = of(events, 'ChildRunFinished').find((f) => (f.data as Data).childRunId === (c.data as Data).childRunId)!;
        expect(byId.get(`child:${(c.data as Data).childRunId}`)).toMatchObject({ kind: 'child', parentId: 'run', startedAt: c.metadata.recordedAt, endedAt: finished.metadata.recordedAt, status: 'ok' });
      }
      const recorded = of(events, 'SpanRecorded');
      const sdk = spans.filter((s) => s.kind === 'sdk');
      expect(sdk).toHaveLength(recorded.length);
      for (const r of recorded) {
        const d = r.data as Data;
        const span = byId.get(`sdk:${d.spanId}`)!;
        expect(span).toMatchObject({ name: d.name, startedAt: d.startedAt, endedAt: d.endedAt, durationMs: ms(String(d.startedAt), String(d.endedAt)) });
        // Under its SDK parent; a root SDK span (an agent task) under the step that ran it.
        if (d.parentId) expect(span.parentId).toBe(`sdk:${d.parentId}`);
        else expect(byId.get(span.parentId!)).toMatchObject({ kind: 'step', name: recordedAgentOf(recorded, String(d.spanId)) });
      }
    }
  });

  it('trace with children nests each child run under its child span; JSON export round-trips', async () => {
    const trace = (await projections.trace(ids.multi_perspective!, { children: true }))!;
    const children = trace.root.children.filter((c) => c.kind === 'child');
    expect(children.length).toBe(3);
    for (const c of children) {
      expect(c.children.at(-1)).toMatchObject({ kind: 'run', parentId: c.id, id: `${String(c.attributes.childRunId)}/run` });
    }
    expect(JSON.parse(JSON.stringify(trace))).toEqual(JSON.parse(JSON.stringify(trace)));
  });

  it('usage: tokens per run, agent and model from the model responses; offline costs 0', async () => {
    const all = await projections.usage();
    const byAgent: Record<string, Usage> = {};
    const byRun: Record<string, Usage> = {};
    let overall = zero();
    for (const { runId, events } of runs) {
      const agentOf = new Map(of(events, 'TaskSent').map((t) => [(t.data as Data).stepId, (t.data as Data).agentId as string]));
      for (const r of of(events, 'ModelResponded')) {
        const u = (r.data as Data).response.usage as Usage;
        const agent = agentOf.get((r.data as Data).stepId)!;
        byAgent[agent] = plus(byAgent[agent] ?? zero(), u);
        byRun[runId] = plus(byRun[runId] ?? zero(), u);
        overall = plus(overall, u);
      }
    }
    expect(all.overall).toEqual({ usage: overall, costUsd: 0 });
    expect(all.byModel).toEqual({ offline: { usage: overall, costUsd: 0 } });
    expect(Object.fromEntries(Object.entries(all.byAgent).map(([k, v]) => [k, v.usage]))).toEqual(byAgent);
    expect(Object.fromEntries(Object.entries(all.byRun).map(([k, v]) => [k, v.usage]))).toEqual(byRun);
    // A top-level run's usage covers its child runs: the parallel run's total.
    const parallel = await projections.usage({ runId: ids.multi_perspective! });
    const end = runs.find((r) => r.runId === ids.multi_perspective)!.events.find((e) => e.type === 'RunCompleted')!;
    expect(parallel.overall.usage).toEqual((end.data as Data).usage);
    // An unpriced model shows tokens and no cost.
    const unpriced = await projections.usage({ prices: {} });
    expect(unpriced.overall).toEqual({ usage: overall, costUsd: undefined });
  });

  it('runs list priced from the views: each row costs what its events (and its child runs\') cost', async () => {
    const prices = { offline: { inputPerMillion: 3, outputPerMillion: 11 } };
    const page = (await projections.runs({ limit: 100 })).rows;
    expect(page).toHaveLength(runs.length);
    for (const row of await projections.priceRuns(page, prices)) {
      const own = runs.find((r) => r.runId === row.runId)!.events;
      const byModel = of(own, 'ModelResponded').reduce<Usage>((u, e) => plus(u, (e.data as Data).response.usage as Usage), zero());
      expect(row.modelUsage).toEqual(byModel.requests > 0 ? { offline: byModel } : {});
      expect(row.costUsd).toBeGreaterThan(0);
      expect(row.costUsd).toBe((await runCost(store, row.runId, prices)).costUsd);
    }
    expect((await projections.priceRuns(page, {})).every((r) => r.costUsd === null)).toBe(true);
  });
});

/** The agent whose SDK agent span sits below root span `rootId`. */
function recordedAgentOf(recorded: RecordedEvent[], rootId: string): string {
  const spans = recorded.map((r) => r.data as Data);
  const below = (id: string): Data[] => spans.filter((s) => s.parentId === id).flatMap((s) => [s, ...below(String(s.spanId))]);
  return below(rootId).find((s) => s.spanType === 'agent')!.name as string;
}
