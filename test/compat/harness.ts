import { resolve } from 'node:path';
import { InputGuardrailTripwireTriggered, OpenAIProvider, Runner, setDefaultModelProvider, type Agent, type ModelProvider, type RunResult } from '@openai/agents';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/events/envelope.js';
import type { Turn } from '../../src/testing/index.js';
import { aigen, finished, json, projectSandbox, start, storedEvents, type Result, type Sandbox } from '../e2e/cli/helpers.js';
import { hang, startOpenAIStub, type OpenAIStub, type StubRequest, type StubTurn } from '../support/openaiStub.js';
import { testStoreUrls } from '../support/stores.js';
import { askOf, type Ask } from './ask.js';

/**
 * One of the SDK's own examples, written as its users write it (only `@openai/agents` and
 * `zod`), with the model's side played by a deterministic `brain` over an OpenAI-compatible stub.
 */
export interface CompatExample {
  /** Workflow name in the project file (and the file's stem under test/compat/examples). */
  name: string;
  input: string;
  /** The example's agent, built anew (the SDK objects, exactly as the example has them). */
  agent: () => Agent<any, any>;
  /** What the model answers to a request: parallel calls, handoffs, structured output... */
  brain: (ask: Ask) => Turn;
  /** The request (0-based) during which a run is SIGKILLed: the stub holds it. */
  killAt: number;
  /** The workflow the agent runs in: one sequential step (default), or a handoff workflow (its handoffs join). */
  kind?: 'sequential' | 'handoff';
  /** An input on which a guardrail trips: the SDK throws, aigen ends the run failed with GUARDRAIL_TRIPPED. */
  trips?: string;
}

const KEY = 'sk-test-compat-0123456789abcdef';

/** What the SDK's default provider forwards to in this test process: the stub of the baseline running. */
const baselineDefault: { current: ModelProvider | undefined } = { current: undefined };
setDefaultModelProvider({
  getModel: (name?: string) => {
    if (!baselineDefault.current) throw new Error('no baseline is running');
    return baselineDefault.current.getModel(name);
  },
});

/** The plain SDK against the stub: approve every interruption until the run ends. */
async function sdkBaseline(example: CompatExample, stub: OpenAIStub, useResponses: boolean, input = example.input): Promise<unknown> {
  const modelProvider = new OpenAIProvider({ apiKey: KEY, baseURL: stub.baseURL, useResponses });
  // A plain run() inside the example (a guardrail agent) uses the SDK's default runner, which
  // keeps the first default provider it gets: that one forwards to this baseline's stub.
  baselineDefault.current = modelProvider;
  const runner = new Runner({ modelProvider, tracingDisabled: true });
  const agent = example.agent();
  let result: RunResult<unknown, Agent<any, any>> = await runner.run(agent, input);
  while (result.interruptions.length > 0) {
    for (const i of result.interruptions) result.state.approve(i);
    result = await runner.run(agent, result.state);
  }
  return result.finalOutput;
}

/** The project file of a sandbox: the example's agent as a one-step workflow. */
function projectFile(example: CompatExample, store: string): string {
  const module = resolve(import.meta.dirname, 'examples', `${example.name}.ts`);
  const kind = example.kind === 'handoff' ? 'HandoffWorkflow' : 'DeterministicWorkflow';
  return `import { defineConfig, ${kind} } from 'aigen';
import { agent } from ${JSON.stringify(module)};
export default defineConfig({
  workflows: { ${example.name}: () => new ${kind}({ name: ${JSON.stringify(example.name)}, agents: [agent()] }) },
  store: ${JSON.stringify(store)},
});
`;
}

/** A sandbox whose project file runs the example, pointed at the stub on one API. */
function exampleSandbox(example: CompatExample, store: string, stub: OpenAIStub, useResponses: boolean): Sandbox {
  const sb = projectSandbox(`compat-${example.name}`, () => projectFile(example, store));
  Object.assign(sb.env, { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_MODEL: 'gpt-4.1-mini', ...(useResponses ? {} : { AIGEN_OPENAI_API: 'chat_completions' }) });
  return { ...sb, store };
}

interface RunJson { runId: string; status: string; result: unknown; error?: { code: string; message: string } }

const ok = (r: Result) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** Approve everything the run waits for, one `aigen approve` per approval, until it ends. */
async function approveAll(sb: Sandbox, runId: string): Promise<RunJson> {
  for (let round = 0; round < 10; round++) {
    const status = json<{ status: string; waitingFor?: Array<{ id: string }> }>(await aigen(['status', runId, '--json'], { sb }));
    if (status.status !== 'waiting') break;
    for (const w of status.waitingFor ?? []) {
      const r = await aigen(['approve', runId, w.id, '--as', 'compat'], { sb });
      expect(r.code, ok(r)).toBe(0);
    }
  }
  return json<RunJson>(await aigen(['status', runId, '--json'], { sb }));
}

/** Run the example through aigen's CLI to its end (approving what it waits for). */
async function runToEnd(sb: Sandbox, example: CompatExample): Promise<RunJson> {
  const r = await aigen(['run', example.name, example.input, '--json'], { sb });
  const out = json<RunJson>(r);
  return out.status === 'waiting' ? { ...(await approveAll(sb, out.runId)), runId: out.runId } : out;
}

/** Requests that reached the model server. */
const modelRequests = (stub: OpenAIStub) => stub.requests.filter((q) => q.api !== undefined).length;

/**
 * The compatibility checks of one example, on SQLite and PostgreSQL, on the Responses and the
 * Chat Completions APIs: the same final output as the plain SDK, `replay` with zero model
 * requests, a SIGKILL mid-run then `resume`, and a fork.
 */
export function compatSuite(example: CompatExample): void {
  const urls = testStoreUrls(`compat${example.name.replace(/[^a-z]/g, '').slice(0, 8)}`);
  const sandboxes: Sandbox[] = [];
  afterAll(() => sandboxes.forEach((s) => s.cleanup()));
  // The SIGKILL case runs on the diagonal (each store once, each API once) to keep CI short.
  const cases: Array<[string, () => string, boolean, boolean]> = [
    ['sqlite, Responses API', urls.sqlite, true, true],
    ['sqlite, Chat Completions API', urls.sqlite, false, false],
    ['postgres, Responses API', urls.postgres, true, false],
    ['postgres, Chat Completions API', urls.postgres, false, true],
  ];
  describe.each(cases)(`${example.name} on %s`, (_label, storeUrl, useResponses, kill) => {
    it('gives the plain SDK\'s final output, replays with zero model requests, and forks to the same output', async () => {
      const stub = await startOpenAIStub({ responses: (req: StubRequest) => example.brain(askOf(req)) });
      try {
        const expected = await sdkBaseline(example, stub, useResponses);
        const sb = exampleSandbox(example, storeUrl(), stub, useResponses);
        sandboxes.push(sb);
        const run = await runToEnd(sb, example);
        expect(run.status, JSON.stringify(run)).toBe('completed');
        expect(run.result).toEqual(expected);
        const before = modelRequests(stub);
        const replay = await aigen(['replay', run.runId, '--json'], { sb });
        expect(replay.code, ok(replay)).toBe(0);
        expect(json<{ match: boolean }>(replay).match).toBe(true);
        expect(modelRequests(stub)).toBe(before);
        // Fork after the first tool result: the rest runs live and ends the same way.
        const events = await storedEvents(sb, run.runId);
        const at = events.find((e) => e.type === 'ToolReturned' || e.type === 'HandoffRequested')?.streamPosition ?? 1;
        const fork = await aigen(['fork', run.runId, '--at', String(at), '--json'], { sb });
        const forked = json<RunJson>(fork);
        const done = forked.status === 'waiting' ? await approveAll(sb, forked.runId) : forked;
        expect(done.status, ok(fork)).toBe('completed');
        expect(done.result).toEqual(expected);
      } finally {
        await stub.close();
      }
    }, 180_000);

    if (example.trips !== undefined) it('a tripped guardrail: the SDK throws, aigen ends the run failed with GUARDRAIL_TRIPPED, and replay matches with zero model requests', async () => {
      const stub = await startOpenAIStub({ responses: (req: StubRequest) => example.brain(askOf(req)) });
      try {
        await expect(sdkBaseline(example, stub, useResponses, example.trips)).rejects.toBeInstanceOf(InputGuardrailTripwireTriggered);
        const sb = exampleSandbox(example, storeUrl(), stub, useResponses);
        sandboxes.push(sb);
        const r = await aigen(['run', example.name, example.trips!, '--json'], { sb });
        expect(r.code, ok(r)).toBe(1);
        const run = json<RunJson>(r);
        expect(run.status).toBe('failed');
        // The step fails with GUARDRAIL_TRIPPED (not retried); the run fails as its first step did.
        expect(run.error?.message).toMatch(/guardrail '.+' tripped/);
        const failures = (await storedEvents(sb, run.runId)).filter((e) => e.type === 'StepFailed').map((e) => e.data as { error: { code: string }; willRetry: boolean });
        expect(failures).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'GUARDRAIL_TRIPPED' }), willRetry: false })]);
        const before = modelRequests(stub);
        const replay = await aigen(['replay', run.runId, '--json'], { sb });
        expect(json<{ match: boolean }>(replay).match, ok(replay)).toBe(true);
        expect(modelRequests(stub)).toBe(before);
      } finally {
        await stub.close();
      }
    }, 180_000);

    if (kill) it('survives a SIGKILL mid-run: resume completes it with the same output, each recorded step and tool call once', async () => {
      const brain = (req: StubRequest): StubTurn => (req.index === example.killAt ? hang() : example.brain(askOf(req)));
      const stub = await startOpenAIStub({ responses: brain });
      try {
        const expected = await sdkBaseline(example, await startOpenAIStubFor(example), useResponses);
        const sb = exampleSandbox(example, storeUrl(), stub, useResponses);
        sandboxes.push(sb);
        const runId = await killAt(sb, example, stub);
        const before = await storedEvents(sb, runId);
        expect(before.some((e) => e.type === 'RunCompleted')).toBe(false);
        const resumed = await aigen(['resume', runId, '--json'], { sb });
        expect(resumed.code, ok(resumed)).toBe(0);
        const status = json<RunJson>(await aigen(['status', runId, '--json'], { sb }));
        const done = status.status === 'waiting' ? await approveAll(sb, runId) : status;
        expect(done.status, JSON.stringify(done)).toBe('completed');
        expect(done.result).toEqual(expected);
        const after = await storedEvents(sb, runId);
        expect(after.slice(0, before.length)).toEqual(before);
        expectEachOnce(after);
        const replay = await aigen(['replay', runId, '--json'], { sb });
        expect(json<{ match: boolean }>(replay).match, ok(replay)).toBe(true);
      } finally {
        await stub.close();
      }
    }, 180_000);
  });
}

/** A fresh stub answering with the example's brain only (for a baseline beside a stub that hangs). */
const baselineStubs: OpenAIStub[] = [];
afterAll(async () => {
  for (const s of baselineStubs) await s.close();
});
async function startOpenAIStubFor(example: CompatExample): Promise<OpenAIStub> {
  const stub = await startOpenAIStub({ responses: (req: StubRequest) => example.brain(askOf(req)) });
  baselineStubs.push(stub);
  return stub;
}

/**
 * Drive the example through the CLI (`run`, then `approve` for each approval it waits for, each
 * in its own process) and SIGKILL whichever process is making model request `killAt` while the
 * stub holds it. The run's id.
 */
async function killAt(sb: Sandbox, example: CompatExample, stub: OpenAIStub): Promise<string> {
  let child = start(['run', example.name, example.input, '--json'], { sb });
  let exited = false;
  let ran = finished(child).finally(() => (exited = true));
  for (;;) {
    if (modelRequests(stub) > example.killAt) {
      child.kill('SIGKILL');
      await ran;
      return onlyRun(sb);
    }
    if (exited) {
      const r = await ran;
      const runId = await onlyRun(sb);
      const status = json<{ status: string; waitingFor?: Array<{ id: string }> }>(await aigen(['status', runId, '--json'], { sb }));
      const next = status.waitingFor?.[0];
      if (status.status !== 'waiting' || !next) throw new Error(`the run ended (${status.status}) before model request ${example.killAt}: ${ok(r)}`);
      child = start(['approve', runId, next.id, '--as', 'compat'], { sb });
      exited = false;
      ran = finished(child).finally(() => (exited = true));
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The one run of a sandbox's store. */
async function onlyRun(sb: Sandbox): Promise<string> {
  const runs = json<{ runs: Array<{ runId: string }> } | Array<{ runId: string }>>(await aigen(['runs', '--json'], { sb }));
  const list = Array.isArray(runs) ? runs : runs.runs;
  expect(list).toHaveLength(1);
  return list[0]!.runId;
}

/** Each step completed once, each tool call returned once. */
function expectEachOnce(events: readonly RecordedEvent[]): void {
  const count = (type: string, key: string) => {
    const seen = new Map<string, number>();
    for (const e of events) if (e.type === type) seen.set(String((e.data as Record<string, unknown>)[key]), (seen.get(String((e.data as Record<string, unknown>)[key])) ?? 0) + 1);
    return [...seen.values()].every((n) => n === 1);
  };
  expect(count('StepCompleted', 'stepId')).toBe(true);
  expect(count('ToolReturned', 'callId')).toBe(true);
}
