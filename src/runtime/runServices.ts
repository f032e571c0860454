import type { EventData } from '../events/catalogue.js';
import { childEventKey } from '../journal/answers.js';
import type { InFlightCalls } from '../journal/inFlight.js';
import type { Recorder } from '../journal/recorder.js';
import { Turnstile } from '../journal/turnstile.js';
import { createWaitJournal } from '../journal/waitJournal.js';
import type { ParkedWait } from '../journal/waits.js';
import type { RunServices } from '../machines/workflow.js';
import type { RunLifecycleEvent } from './runLifecycle.js';
import type { RunParams } from './runTypes.js';
import { createStepRunner } from './stepRunner.js';

/** What a run's services know of its lifecycle: they tell it what happens, and ask whether it stopped. */
export interface LifecycleLink {
  send(event: RunLifecycleEvent): void;
  /** Asked to stop (cancel, hand-over, park): nothing more may be recorded. */
  stopAsked(): boolean;
  /** Handed over (abandoned, released, parked): a branch's end belongs to whoever continues the run. */
  handedOver(): boolean;
}

/** Never settles: a step that parked, or a branch whose end is someone else's, waits for its run to stop. */
const never = () => new Promise<never>(() => undefined);

/**
 * The services a run's workflow machine calls: its step runner, step ids, branch records, child
 * runs (parallel branches) and waits. What they learn for the run's lifecycle (usage, branches
 * in flight, parked waits) they send to it as events.
 */
export function createRunServices(p: RunParams, recorder: Recorder, rootRunId: string, inFlight: InFlightCalls, lifecycle: LifecycleLink): RunServices {
  // Re-execution records the branches' starts and ends in the one order the log has them: a
  // branch replayed from its log may finish before a sibling's start is recorded otherwise.
  const childGate = new Turnstile(p.answers?.childEvents ?? []);
  /** Park the run for `wait` (its request is durable): the lifecycle stops it on the next turn. */
  const park = (wait: ParkedWait): Promise<never> => {
    lifecycle.send({ type: 'PARK', wait });
    return never();
  };
  const waits = createWaitJournal({
    recorder,
    answers: p.answers,
    now: () => p.clock.now(),
    live: p.liveWaits ?? true,
    park,
    delay: (ms) => new Promise<void>((resolve) => p.clock.setTimeout(() => resolve(), ms)),
    stopped: () => lifecycle.stopAsked(),
  });
  let stepSeq = 0;
  return {
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
      onStepCompleted: (agentId, text, usage) => {
        lifecycle.send({ type: 'USAGE', usage });
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
      lifecycle.send({ type: 'BRANCH_STARTED', branch: child });
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
        if (lifecycle.handedOver()) return await never();
        // A branch that waits parks its parent: whoever continues the parent resumes the branch from its log.
        if (r.status === 'waiting') {
          const branchWaits = (r.waitingFor ?? []).map((w) => ({ ...w, runId: w.runId ?? child.runId }));
          recorder.record('BranchParked', { childRunId: child.runId, branch, waitingFor: branchWaits.map(branchWait) });
          return await Promise.all(branchWaits.map((w) => park(w))).then(() => r as never);
        }
        lifecycle.send({ type: 'USAGE', usage: r.usage });
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
        lifecycle.send({ type: 'BRANCH_ENDED', branch: child });
      }
    },
    waits,
    maxTurns: p.maxTurns,
  };
}

/** A branch's wait as BranchParked records it (no undefined fields: they are left out). */
function branchWait(w: ParkedWait & { runId: string }): EventData<'BranchParked'>['waitingFor'][number] {
  return Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)) as EventData<'BranchParked'>['waitingFor'][number];
}
