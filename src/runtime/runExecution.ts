import { randomUUID } from 'node:crypto';
import { generateTraceId, withTrace } from '@openai/agents';
import { createActor, type AnyActorRef } from 'xstate';
import type { ErrorInfo } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import { definitionOf } from '../machines/definition.js';
import type { RunServices } from '../machines/workflow.js';
import { routeSpans } from '../journal/spans.js';
import { ConcurrencyError } from '../store/errors.js';
import type { EventData } from '../events/catalogue.js';
import { runStreamId } from '../events/streams.js';
import { toErrorInfo } from '../journal/errorInfo.js';
import { toJson } from '../journal/recordingModel.js';
import { createTransitionInspector } from '../journal/inspector.js';
import type { StepOutcome } from '../actors/outcome.js';
import { RunRecorder, type Recorder, type RunIdentity } from '../journal/recorder.js';
import { ReplayDivergenceError, ReplayRecorder } from '../journal/replayRecorder.js';
import { childEventKey } from '../journal/answers.js';
import { Turnstile } from '../journal/turnstile.js';
import { InFlightCalls } from '../journal/inFlight.js';
import { createStepRunner } from './stepRunner.js';
import { createWaitJournal } from '../journal/waitJournal.js';
import type { ParkedWait } from '../journal/waits.js';
import { scrubSecretFields } from '../secrets.js';

import type { ExecuteResult, RunHandle, RunParams, RunStatusValue } from './runTypes.js';

export type { ExecuteResult, RunHandle, RunParams, RunStatusValue } from './runTypes.js';

/**
 * Execute one run: record RunStarted, run the workflow machine with its agent actors under one
 * SDK trace, record every transition, then RunCompleted / RunFailed / RunCancelled.
 */
export function startRun(p: RunParams): RunHandle {
  const traceId = p.traceId ?? generateTraceId();
  const rootRunId = p.rootRunId ?? p.runId;
  const identity: RunIdentity = { runId: p.runId, rootRunId, traceId };
  const recorder = p.recorder?.(identity) ?? new RunRecorder(p.store, identity);
  const startedAt = p.clock.now();
  let usage = zeroUsage();
  let stepSeq = 0;
  let actor: AnyActorRef | undefined;
  let finish: ((stop: Stop) => void) | undefined;
  let cancelled: string | undefined;
  /** Parallel branches in flight: they stop with the run, writing nothing when it lost its lease or is released. */
  const children = new Set<RunHandle>();
  let handedOver = false;
  /** What the run waits for once it parks. */
  const parked: ParkedWait[] = [];

  // Re-execution records the branches' starts and ends in the one order the log has them: a
  // branch replayed from its log may finish before a sibling's start is recorded otherwise.
  const childGate = new Turnstile(p.answers?.childEvents ?? []);
  const inFlight = new InFlightCalls();
  p.deltas.exportToStore();
  const waits = createWaitJournal({
    recorder,
    answers: p.answers,
    now: () => p.clock.now(),
    live: p.liveWaits ?? true,
    park: (wait) => park(wait),
    delay: (ms) => new Promise<void>((resolve) => p.clock.setTimeout(() => resolve(), ms)),
    stopped: () => cancelled !== undefined,
  });
  const services: RunServices = {
    runStep: createStepRunner({
      recorder,
      runner: p.runner,
      resolveModel: p.modelResolver,
      defaultModel: p.model,
      retry: p.retry,
      stepTimeoutMs: p.stepTimeoutMs,
      maxTurns: p.maxTurns,
      clock: p.clock,
      random: p.random,
      onStepCompleted: (agentId, text, u) => {
        usage = addUsage(usage, u);
        p.context.storeOutput(agentId, text);
      },
      ...(p.answers ? { answers: p.answers } : {}),
      deltas: p.deltas.bus,
      waits,
      inFlight,
      ...(p.runContext !== undefined ? { runContext: p.runContext } : {}),
      liveServers: p.liveWaits ?? true,
    }),
    nextStepId: (agentId) => `${++stepSeq}-${agentId}`,
    recordBranch: (stepId, branch, reason) => recorder.durable('BranchTaken', { stepId, branch, reason }),
    runChild: async (workflow, branch, input, signal) => {
      const child = await p.startChild(workflow, input, { runId: p.runId, rootRunId, branch });
      children.add(child);
      const onAbort = () => void child.cancel('parent run cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      const startedKey = childEventKey('started', branch);
      const finishedKey = childEventKey('finished', branch);
      try {
        await child.started;
        await childGate.wait(startedKey);
        await recorder.durable('ChildRunStarted', { childRunId: child.runId, branch });
        childGate.pass(startedKey);
        const r = await child.done;
        // The run was abandoned or released meanwhile: its branch's end belongs to whoever continues it.
        if (handedOver) return await new Promise<never>(() => undefined);
        // A branch that waits parks its parent: whoever continues the parent resumes the branch from its log.
        if (r.status === 'waiting') {
          const waits = (r.waitingFor ?? []).map((w) => ({ ...w, runId: w.runId ?? child.runId }));
          recorder.record('BranchParked', { childRunId: child.runId, branch, waitingFor: waits.map(branchWait) });
          return await Promise.all(waits.map((w) => park(w))).then(() => r as never);
        }
        usage = addUsage(usage, r.usage);
        const text = typeof r.result === 'string' ? r.result : JSON.stringify(r.result ?? null);
        await childGate.wait(finishedKey);
        await recorder.durable('ChildRunFinished', {
          childRunId: child.runId,
          branch,
          status: r.status,
          output: text,
          ...(r.error ? { error: r.error } : {}),
        });
        return { ok: r.status === 'completed' || r.status === 'partial', text, output: r.result, partial: r.partial, ...(r.error ? { error: r.error } : {}) };
      } finally {
        // Whatever happened, never leave a sibling waiting for this branch's turn.
        childGate.pass(startedKey);
        childGate.pass(finishedKey);
        signal.removeEventListener('abort', onAbort);
        children.delete(child);
      }
    },
    waits,
    maxTurns: p.maxTurns,
  };

  /** The reason of a RunCancelled at the end of this run's stream (written by another process), if any. */
  const cancellationInLog = async (): Promise<string | undefined> => {
    for await (const e of p.store.readStream(runStreamId(p.runId), { direction: 'backwards', limit: 1 })) {
      if (e.type === 'RunCancelled') return (e.data as EventData<'RunCancelled'>).reason;
    }
    return undefined;
  };

  const machine = p.workflow.machine({ services, prefix: '' });
  const durationMs = () => Math.max(0, p.clock.now() - startedAt);
  const result = (status: RunStatusValue, outcome: Partial<StepOutcome>, error?: ErrorInfo): ExecuteResult => ({
    workflowId: p.runId,
    runId: p.runId,
    workflow: p.workflow.name,
    status,
    result: outcome.output ?? outcome.text ?? null,
    partial: status === 'partial',
    ...(error ? { error } : {}),
    usage,
    durationMs: durationMs(),
  });

  const runStarted = () => recorder.durable('RunStarted', {
    runId: p.runId,
    workflow: {
      name: p.workflow.name,
      kind: p.workflow.kind,
      version: p.workflow.version,
      definition: definitionOf(machine),
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
  });
  const started = runStarted();

  // Submitted only: a worker executes it (nothing here ever ends).
  const done: Promise<ExecuteResult> = p.queued ? new Promise<never>(() => undefined) : started.then(async () => {
    const unroute = routeSpans(traceId, recorder);
    try {
      const outcome = await withTrace(
        `Workflow: ${p.workflow.name}`,
        () =>
          new Promise<StepOutcome | { stopped: Stop } | { crashed: unknown }>((resolve) => {
            finish = (stop) => resolve({ stopped: stop });
            const a = createActor(machine, {
              input: { input: p.input, services },
              clock: p.actorClock ?? p.clock,
              inspect: createTransitionInspector(recorder, 'workflow'),
            });
            actor = a;
            a.subscribe({
              next: (snap: { status: string; output?: unknown }) => {
                if (snap.status === 'done') resolve(snap.output as StepOutcome);
              },
              error: (err: unknown) => resolve({ crashed: err }),
            });
            a.start();
          }),
        { traceId },
      );
      // Nothing more belongs to this run after its terminal event: late spans of aborted steps are dropped.
      unroute();
      // A run that completes writes its last buffered events in the commit of RunCompleted;
      // every other ending first learns whether they could be written.
      const completing = !('stopped' in outcome) && !('crashed' in outcome) && outcome.ok && !recorder.error;
      if (!completing) await recorder.flush().catch(() => undefined);
      if ('stopped' in outcome && outcome.stopped.kind === 'park') {
        return { ...result('waiting', {}), waitingFor: parked.slice() };
      }
      if ('stopped' in outcome && outcome.stopped.kind === 'abandon') {
        return result('failed', {}, { code: 'LEASE_LOST', message: outcome.stopped.reason });
      }
      if ('stopped' in outcome && outcome.stopped.kind === 'release') {
        const { workerId, reason } = outcome.stopped;
        // A fenced recorder writes nothing: the run is someone else's already.
        if (!recorder.error) await recorder.durable('RunReleased', { workerId, reason }).catch(() => undefined);
        return result('failed', {}, { code: 'RUN_RELEASED', message: reason });
      }
      if ('stopped' in outcome) {
        const r = result('cancelled', {}, { code: 'RUN_CANCELLED', message: outcome.stopped.reason });
        if (outcome.stopped.kind === 'cancelledInLog') return r;
        try {
          await recorder.durable('RunCancelled', { reason: outcome.stopped.reason, usage: r.usage, durationMs: r.durationMs });
        } catch (err) {
          // Cancelled here and elsewhere at once: the other RunCancelled won.
          if ((await cancellationInLog()) === undefined) throw err;
        }
        return r;
      }
      if (recorder.error instanceof ConcurrencyError) {
        // Fenced: another process wrote to this stream. A RunCancelled there ends the run cancelled.
        const reason = await cancellationInLog();
        if (reason !== undefined) return result('cancelled', {}, { code: 'RUN_CANCELLED', message: reason });
      }
      if ('crashed' in outcome || recorder.error) {
        const error = toErrorInfo(recorder.error ?? (outcome as { crashed: unknown }).crashed);
        const r = result('failed', {}, error);
        if (!recorder.error) await recorder.durable('RunFailed', { error, usage: r.usage, durationMs: r.durationMs });
        else if (recorder.error instanceof ReplayDivergenceError && recorder instanceof ReplayRecorder) {
          // Continued on code that no longer does what the log says: the run ends with why.
          const { position, recorded, produced, diff } = recorder.error.divergence;
          await recorder.recordAfterDivergence({ error, usage: r.usage, durationMs: r.durationMs, divergence: toJson({ position, recorded, produced, diff }) });
        }
        return r;
      }
      if (!outcome.ok) {
        const error = outcome.error ?? { code: 'WORKFLOW_FAILED', message: 'workflow failed' };
        const r = result('failed', outcome, error);
        await recorder.durable('RunFailed', { error, usage: r.usage, durationMs: r.durationMs });
        return r;
      }
      const r = result(outcome.partial ? 'partial' : 'completed', outcome, outcome.error);
      try {
        await recorder.durable('RunCompleted', { output: (r.result ?? null), partial: r.partial, usage: r.usage, durationMs: r.durationMs });
      } catch (err) {
        // Fenced: another process wrote to this stream. A RunCancelled there ends the run cancelled.
        const reason = fenced(recorder) ? await cancellationInLog() : undefined;
        if (reason !== undefined) return result('cancelled', {}, { code: 'RUN_CANCELLED', message: reason });
        throw err;
      }
      return r;
    } catch (err) {
      return result('failed', {}, toErrorInfo(recorder.error ?? err));
    } finally {
      actor?.stop();
      unroute();
    }
  });

  /** Stop the run from outside (another process's cancellation, a lost lease, a drain). */
  const stopWith = (stop: Stop): void => {
    if (cancelled !== undefined) return;
    cancelled = stop.reason;
    // Branches go with their run: whoever continues it resumes them from their logs.
    if (stop.kind === 'abandon' || stop.kind === 'release' || stop.kind === 'park') {
      handedOver = true;
      for (const child of children) child.abandon(stop.reason);
    }
    void started.then(() => {
      actor?.stop();
      finish?.(stop);
    }, () => undefined);
  };

  /**
   * Park the run for `wait` (its request is durable): it stops on the next turn of the event
   * loop, so the other requests of the same moment (parallel tool calls) are recorded too, and
   * once the live tool calls in flight have recorded their results (they never run again).
   */
  let parking = false;
  function park(wait: ParkedWait): Promise<never> {
    parked.push(wait);
    if (!parking) {
      parking = true;
      setImmediate(() => void inFlight.settled().then(() => stopWith({ kind: 'park', reason: 'waiting' })));
    }
    return new Promise<never>(() => undefined);
  }

  return {
    runId: p.runId,
    started,
    done,
    recorder,
    cancel: async (reason) => {
      if (cancelled !== undefined) return;
      cancelled = reason;
      await started.catch(() => undefined);
      actor?.stop();
      finish?.({ kind: 'cancel', reason });
      await done;
    },
    cancelledInLog: (reason) => stopWith({ kind: 'cancelledInLog', reason }),
    abandon: (reason) => stopWith({ kind: 'abandon', reason }),
    release: async (workerId, reason) => {
      stopWith({ kind: 'release', reason, workerId });
      await done;
    },
  };
}

/** A branch's wait as BranchParked records it (no undefined fields: they are left out). */
function branchWait(w: ParkedWait & { runId: string }): EventData<'BranchParked'>['waitingFor'][number] {
  return Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)) as EventData<'BranchParked'>['waitingFor'][number];
}

/** Why a run stopped before its workflow ended. */
type Stop =
  | { kind: 'cancel' | 'cancelledInLog' | 'abandon' | 'park'; reason: string }
  | { kind: 'release'; reason: string; workerId: string };

/** Whether another process's write to the run's stream stopped the recorder (read anew: it changes across awaits). */
const fenced = (recorder: Recorder): boolean => recorder.error instanceof ConcurrencyError;

/** A fresh run id. */
export function newRunId(): string {
  return randomUUID();
}
