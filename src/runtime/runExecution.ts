import { randomUUID } from 'node:crypto';
import { generateTraceId, withTrace } from '@openai/agents';
import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { StepOutcome } from '../actors/outcome.js';
import type { EventData } from '../events/catalogue.js';
import { runStreamId } from '../events/streams.js';
import { InFlightCalls } from '../journal/inFlight.js';
import { createTransitionInspector } from '../journal/inspector.js';
import { RunRecorder, type Recorder, type RunIdentity } from '../journal/recorder.js';
import { routeSpans } from '../journal/spans.js';
import { scrubSecretFields } from '../secrets.js';
import { handedOver, runLifecycle, stopAsked, type RunEffects, type RunLifecycleEvent, type WorkflowEnd } from './runLifecycle.js';
import { createRunServices, type LifecycleLink } from './runServices.js';

import type { ExecuteResult, RunHandle, RunParams } from './runTypes.js';

export type { ExecuteResult, RunHandle, RunParams, RunStatusValue } from './runTypes.js';

/**
 * Execute one run: record RunStarted, run the workflow machine with its agent actors under one
 * SDK trace, record every transition, then RunCompleted / RunFailed / RunCancelled. The run's
 * lifecycle is the {@link runLifecycle} statechart; this wires it to the run's recorder, store
 * and workflow, and gives its handle.
 */
export function executeRun(p: RunParams): RunHandle {
  const traceId = p.traceId ?? generateTraceId();
  const rootRunId = p.rootRunId ?? p.runId;
  const identity: RunIdentity = { runId: p.runId, rootRunId, traceId };
  const recorder = p.recorder?.(identity) ?? new RunRecorder(p.store, identity);
  const inFlight = new InFlightCalls();
  p.deltas.exportToStore();
  // An ended run ignores what it is told (a late stop, a branch's end): XState would warn of it.
  const send = (event: RunLifecycleEvent) => {
    if (lifecycle.getSnapshot().status === 'active') lifecycle.send(event);
  };
  const link: LifecycleLink = {
    send,
    stopAsked: () => stopAsked(lifecycle.getSnapshot()),
    handedOver: () => handedOver(lifecycle.getSnapshot()),
  };
  const services = createRunServices(p, recorder, rootRunId, inFlight, link);
  const machine = p.workflow.machine({ services, prefix: '' });
  // Issued first, before anything else of the run can be recorded.
  const started = recorder.durable('RunStarted', runStartedData(p, machine, traceId));

  const effects: RunEffects = {
    recorder,
    started,
    runWorkflow: (report) =>
      runWorkflowActor({
        name: p.workflow.name,
        traceId,
        recorder,
        report,
        createActor: () =>
          createActor(machine, {
            input: { input: p.input, services },
            clock: p.actorClock ?? p.clock,
            inspect: createTransitionInspector(recorder, 'workflow'),
          }),
      }),
    settled: () => inFlight.settled(),
    cancellationInLog: async () => {
      for await (const e of p.store.readStream(runStreamId(p.runId), { direction: 'backwards', limit: 1 })) {
        if (e.type === 'RunCancelled') return (e.data as EventData<'RunCancelled'>).reason;
      }
      return undefined;
    },
    now: () => p.clock.now(),
  };
  const lifecycle = createActor(runLifecycle, { input: { effects, runId: p.runId, workflow: p.workflow.name, queued: p.queued !== undefined } });
  // The lifecycle's output: the run's result. A submitted run (ended `queued`) has none.
  const ended = new Promise<ExecuteResult>((resolve, reject) => {
    lifecycle.subscribe({
      complete: () => {
        const result = lifecycle.getSnapshot().output;
        if (result) resolve(result);
      },
      error: reject,
    });
  });
  // Read through `done` only: after a refused RunStarted, `done` rejects with the store's error instead.
  ended.catch(() => undefined);
  lifecycle.start();
  // Submitted only: a worker executes it (nothing here ever ends, not even a refused RunStarted).
  const done: Promise<ExecuteResult> = p.queued ? new Promise<never>(() => undefined) : started.then(() => ended);

  return {
    runId: p.runId,
    started,
    done,
    recorder,
    cancel: async (reason) => {
      if (stopAsked(lifecycle.getSnapshot())) return;
      send({ type: 'CANCEL', reason });
      await started.catch(() => undefined);
      await done;
    },
    cancelledInLog: (reason) => send({ type: 'CANCELLED_IN_LOG', reason }),
    abandon: (reason) => send({ type: 'ABANDON', reason }),
    release: async (workerId, reason) => {
      send({ type: 'RELEASE', workerId, reason });
      await done;
    },
  };
}

/** RunStarted of the run `p` describes: its workflow (with the statechart's definition), input, options and origin. */
function runStartedData(p: RunParams, machine: AnyStateMachine, traceId: string): EventData<'RunStarted'> {
  return {
    runId: p.runId,
    workflow: {
      name: p.workflow.name,
      kind: p.workflow.kind,
      version: p.workflow.version,
      definition: p.workflow.definition(machine),
      ...(p.workflow.source ? { source: p.workflow.source } : {}),
    },
    input: p.input,
    options: { maxRetries: p.retry.maxRetries, retryDelayMs: p.retry.retryDelayMs, maxTurns: p.maxTurns, ...(p.stepTimeoutMs ? { stepTimeoutMs: p.stepTimeoutMs } : {}) },
    model: p.model,
    traceId,
    ...(p.parentRunId ? { parentRunId: p.parentRunId } : {}),
    ...(p.branch ? { branch: p.branch } : {}),
    ...(p.forkOf ? { forkOf: p.forkOf } : {}),
    ...(p.owner && !p.queued ? { owner: p.owner } : {}),
    ...(p.queued ? { queued: true, ...(p.queued.concurrency !== undefined ? { concurrency: p.queued.concurrency } : {}) } : {}),
    ...(p.runContext !== undefined ? { runContext: scrubSecretFields(p.runContext) } : {}),
  };
}

/**
 * The lifecycle's `workflow` actor: run the workflow machine under one SDK trace (the trace
 * starts asynchronously; a stop before that starts nothing) and return what stops it. Its end is
 * reported once the trace ended, after the inspector recorded the workflow's last transition.
 * Spans of the trace go to the run's recorder until the actor stops: nothing more belongs to the
 * run after its workflow stopped (late spans of aborted steps are dropped).
 */
function runWorkflowActor(o: { name: string; traceId: string; recorder: Recorder; report: (end: WorkflowEnd) => void; createActor: () => AnyActorRef }): () => void {
  const unroute = routeSpans(o.traceId, o.recorder);
  let actor: AnyActorRef | undefined;
  let stopped = false;
  let endTrace = () => undefined as void;
  withTrace(
    `Workflow: ${o.name}`,
    () =>
      new Promise<WorkflowEnd | undefined>((resolve) => {
        endTrace = () => resolve(undefined);
        if (stopped) return resolve(undefined);
        actor = o.createActor();
        actor.subscribe({
          next: (snap: { status: string; output?: unknown }) => {
            if (snap.status === 'done') resolve({ type: 'WORKFLOW_DONE', outcome: snap.output as StepOutcome });
          },
          error: (error: unknown) => resolve({ type: 'WORKFLOW_CRASHED', error }),
        });
        actor.start();
      }),
    { traceId: o.traceId },
  ).then(
    (end) => end && o.report(end),
    (error: unknown) => o.report({ type: 'WORKFLOW_CRASHED', error }),
  );
  return () => {
    stopped = true;
    unroute();
    actor?.stop();
    endTrace();
  };
}

/** A fresh run id. */
export function newRunId(): string {
  return randomUUID();
}
