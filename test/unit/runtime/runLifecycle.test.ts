import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActor, toPromise } from 'xstate';
import type { StepOutcome } from '../../../src/actors/outcome.js';
import type { EventData, EventType } from '../../../src/events/catalogue.js';
import type { Recorder } from '../../../src/journal/recorder.js';
import type { ParkedWait } from '../../../src/journal/waits.js';
import { exportDefinition, type StateDefinition } from '../../../src/machines/definition.js';
import { runLifecycle, type RunEffects, type RunLifecycleEvent, type WorkflowEnd } from '../../../src/runtime/runLifecycle.js';
import { ConcurrencyError } from '../../../src/store/errors.js';

/** A recorder that keeps the types it is asked to write; `refuse` makes the next durable() fail with that error (and break it). */
class FakeRecorder implements Recorder {
  readonly identity = { runId: 'r', rootRunId: 'r', traceId: 't' };
  error: Error | undefined;
  written: EventType[] = [];
  refuse: Error | undefined;
  record<T extends EventType>(type: T, _data: EventData<T>): void {
    this.written.push(type);
  }
  durable<T extends EventType>(type: T, _data: EventData<T>): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.refuse) {
      this.error = this.refuse;
      return Promise.reject(this.refuse);
    }
    this.written.push(type);
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return this.error ? Promise.reject(this.error) : Promise.resolve();
  }
  beforeLiveCall(): Promise<void> {
    return Promise.resolve();
  }
}

/** A run's lifecycle over fake effects: the test plays the workflow (`report`) and the store. */
function lifecycle(options: { queued?: boolean; started?: Promise<void>; cancelledInLog?: string } = {}) {
  const recorder = new FakeRecorder();
  let report: ((end: WorkflowEnd) => void) | undefined;
  const workflow = { started: 0, stopped: 0 };
  const effects: RunEffects = {
    recorder,
    started: options.started ?? Promise.resolve(),
    runWorkflow: (r) => {
      workflow.started++;
      report = r;
      return () => void workflow.stopped++;
    },
    settled: () => Promise.resolve(),
    cancellationInLog: () => Promise.resolve(options.cancelledInLog),
    now: () => 0,
  };
  const actor = createActor(runLifecycle, { input: { effects, runId: 'r', workflow: 'wf', queued: options.queued ?? false } });
  const done = toPromise(actor);
  actor.start();
  const state = () => actor.getSnapshot().value;
  const send = (event: RunLifecycleEvent) => actor.send(event);
  return {
    actor,
    done,
    recorder,
    workflow,
    state,
    send,
    /** Let RunStarted become durable. */
    running: async () => {
      await tick();
      expect(state()).toEqual({ running: 'working' });
    },
    finish: (outcome: Partial<StepOutcome>) => report?.({ type: 'WORKFLOW_DONE', outcome: { ok: true, text: 'out', output: 'out', ...outcome } }),
    crash: (error: unknown) => report?.({ type: 'WORKFLOW_CRASHED', error }),
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const wait: ParkedWait = { kind: 'approval', id: 'a1', name: 'publish', stepId: '1-writer' };

describe('the run lifecycle statechart', () => {
  it('completes: RunCompleted recorded, the workflow actor stopped, done with its output', async () => {
    const run = lifecycle();
    expect(run.state()).toBe('starting');
    await run.running();
    expect(run.workflow.started).toBe(1);
    run.send({ type: 'USAGE', usage: { requests: 1, inputTokens: 2, outputTokens: 3, totalTokens: 5 } });
    run.finish({});
    expect(run.state()).toBe('completing');
    expect(run.workflow.stopped).toBe(1);
    const result = await run.done;
    expect(run.state()).toBe('completed');
    expect(result).toMatchObject({ status: 'completed', result: 'out', partial: false, usage: { totalTokens: 5 } });
    expect(run.recorder.written).toEqual(['RunCompleted']);
  });

  it('ends partial when the workflow kept part of its content', async () => {
    const run = lifecycle();
    await run.running();
    run.finish({ partial: true });
    expect(await run.done).toMatchObject({ status: 'partial', partial: true });
    expect(run.state()).toBe('partial');
  });

  it('fails when the workflow fails or crashes: RunFailed with its error', async () => {
    const failedStep = lifecycle();
    await failedStep.running();
    failedStep.finish({ ok: false, error: { code: 'STEP_FAILED', message: 'no' } });
    expect(failedStep.state()).toBe('stopping');
    expect(await failedStep.done).toMatchObject({ status: 'failed', error: { code: 'STEP_FAILED' } });
    expect(failedStep.state()).toBe('failed');
    expect(failedStep.recorder.written).toEqual(['RunFailed']);

    const crashed = lifecycle();
    await crashed.running();
    crashed.crash(new Error('boom'));
    expect(await crashed.done).toMatchObject({ status: 'failed', error: { message: 'boom' } });
    expect(crashed.recorder.written).toEqual(['RunFailed']);
  });

  it('is cancelled by CANCEL (RunCancelled recorded) and by CANCELLED_IN_LOG (nothing recorded)', async () => {
    const here = lifecycle();
    await here.running();
    here.send({ type: 'CANCEL', reason: 'stop' });
    expect(here.workflow.stopped).toBe(1);
    expect(await here.done).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'stop' } });
    expect(here.state()).toBe('cancelled');
    expect(here.recorder.written).toEqual(['RunCancelled']);

    const elsewhere = lifecycle();
    await elsewhere.running();
    elsewhere.send({ type: 'CANCELLED_IN_LOG', reason: 'aigen cancel' });
    expect(await elsewhere.done).toMatchObject({ status: 'cancelled', error: { message: 'aigen cancel' } });
    expect(elsewhere.recorder.written).toEqual([]);
  });

  it.each([
    { why: 'fenced by another process’s RunCancelled', refusal: new ConcurrencyError('run-r', 3, 4), inLog: 'from the CLI', end: 'cancelled', message: 'from the CLI' },
    { why: 'refused for another reason', refusal: new Error('disk full'), inLog: undefined, end: 'failed', message: 'disk full' },
  ])('ends $end when its RunCompleted is $why', async ({ refusal, inLog, end, message }) => {
    const run = lifecycle(inLog === undefined ? {} : { cancelledInLog: inLog });
    await run.running();
    run.recorder.refuse = refusal;
    run.finish({});
    expect(await run.done).toMatchObject({ status: end, error: { message } });
    expect(run.state()).toBe(end);
  });

  it('is abandoned on a lost lease and released by a draining worker, taking its branches along', async () => {
    const abandoned = lifecycle();
    await abandoned.running();
    const gone: string[] = [];
    abandoned.send({ type: 'BRANCH_STARTED', branch: { abandon: (reason) => void gone.push(reason) } });
    abandoned.send({ type: 'ABANDON', reason: 'lease lost' });
    expect(await abandoned.done).toMatchObject({ status: 'failed', error: { code: 'LEASE_LOST' } });
    expect(abandoned.state()).toBe('abandoned');
    expect(gone).toEqual(['lease lost']);
    expect(abandoned.recorder.written).toEqual([]);

    const released = lifecycle();
    await released.running();
    released.send({ type: 'RELEASE', workerId: 'w1', reason: 'draining' });
    expect(released.state()).toBe('stopping');
    expect(await released.done).toMatchObject({ status: 'failed', error: { code: 'RUN_RELEASED', message: 'draining' } });
    expect(released.state()).toBe('released');
    expect(released.recorder.written).toEqual(['RunReleased']);
  });

  it('parks: more waits of the same moment join, then it ends waiting with them all', async () => {
    const run = lifecycle();
    await run.running();
    run.send({ type: 'PARK', wait });
    expect(run.state()).toEqual({ running: 'parked' });
    run.send({ type: 'PARK', wait: { ...wait, id: 'a2' } });
    const result = await run.done;
    expect(run.state()).toBe('waiting');
    expect(result?.status).toBe('waiting');
    expect(result?.waitingFor?.map((w) => w.id)).toEqual(['a1', 'a2']);
    expect(run.recorder.written).toEqual([]);
  });

  it('is cancelled while parked: the stop asked first wins', async () => {
    const run = lifecycle();
    await run.running();
    run.send({ type: 'PARK', wait });
    run.send({ type: 'CANCEL', reason: 'not needed' });
    expect(await run.done).toMatchObject({ status: 'cancelled' });
    expect(run.recorder.written).toEqual(['RunCancelled']);
  });

  it('acts upon a stop asked while RunStarted is written once it is durable, without running the workflow', async () => {
    let durable = () => undefined as void;
    const run = lifecycle({ started: new Promise<void>((resolve) => (durable = resolve)) });
    run.send({ type: 'CANCEL', reason: 'early' });
    run.send({ type: 'ABANDON', reason: 'later stops are ignored' });
    expect(run.state()).toBe('starting');
    durable();
    expect(await run.done).toMatchObject({ status: 'cancelled', error: { message: 'early' } });
    expect(run.workflow.started).toBe(0);
  });

  it('ends queued (no result) when only submitted, and failed when RunStarted is refused', async () => {
    const queued = lifecycle({ queued: true });
    expect(await queued.done).toBeNull();
    expect(queued.state()).toBe('queued');
    expect(queued.workflow.started).toBe(0);

    const refused = lifecycle({ started: Promise.reject(new Error('store down')) });
    expect(await refused.done).toMatchObject({ status: 'failed', error: { message: 'store down' } });
    expect(refused.state()).toBe('failed');
  });
});

/** Every state of a machine definition (nested ones too), by key. */
function statesOf(node: StateDefinition): string[] {
  return Object.values(node.states ?? {}).flatMap((s) => [s.key, ...statesOf(s)]);
}

/** Every transition of a machine definition as `source --> target` (by key), targetless ones left out. */
function edgesOf(node: StateDefinition): string[] {
  const key = (id: string) => id.split('.').at(-1)!;
  const own = node.transitions.flatMap((t) => t.targets.map((target) => `${node.key} --> ${key(target)}`));
  return [...own, ...Object.values(node.states ?? {}).flatMap(edgesOf)];
}

/** The `stateDiagram-v2` block of the "Run lifecycle" section of docs/architecture.md: its states and transitions. */
function drawn(): { states: string[]; edges: string[] } {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Run lifecycle'));
  const block = /```mermaid\n(stateDiagram-v2\n[\s\S]*?)```/.exec(section)?.[1] ?? '';
  const states = new Set<string>();
  const edges = new Set<string>();
  for (const line of block.split('\n').map((l) => l.trim())) {
    const composite = /^state (\w+) \{$/.exec(line);
    if (composite) states.add(composite[1]!);
    const edge = /^(\[\*\]|\w+) --> (\[\*\]|\w+)(?::.*)?$/.exec(line);
    if (!edge) continue;
    const [, from, to] = edge as unknown as [string, string, string];
    for (const s of [from, to]) if (s !== '[*]') states.add(s);
    if (from !== '[*]' && to !== '[*]') edges.add(`${from} --> ${to}`);
  }
  return { states: [...states].sort(), edges: [...edges].sort() };
}

describe('the drawing of the run lifecycle in docs/architecture.md', () => {
  const definition = exportDefinition(runLifecycle).machines.run!.root;

  it('has exactly the machine’s states', () => {
    expect(drawn().states).toEqual([...new Set(statesOf(definition))].sort());
  });

  it('has exactly the machine’s transitions between states', () => {
    expect(drawn().edges).toEqual([...new Set(edgesOf(definition))].sort());
  });
});
