/**
 * The facts the Prometheus metrics count, as a declared projection over the events of every run
 * stream. It is pure: it keeps what it must remember between events of a run (its workflow, its
 * open step attempts, whether it was given back) and says, for each event, which observations it
 * yields ({@link MetricSample}). `RunMetrics` (metrics.ts) adds those to its prom-client counters;
 * the counters are process state, so they stay out of the projection.
 */
import type { Usage } from '../events/common.js';
import type { AigenEvent } from '../events/envelope.js';
import type { EventOf } from '../events/projection.js';
import { defineProjection } from '../events/projection.js';
import { runIdOfStream } from '../events/streams.js';

/** How a run ended, as `aigen_runs_finished_total` labels it. */
export type FinishedStatus = 'completed' | 'partial' | 'failed' | 'cancelled';

/** One observation an event yields: what the metrics add for it. */
export type MetricSample =
  | { kind: 'runStarted'; workflow: string }
  | { kind: 'runFinished'; workflow: string; status: FinishedStatus }
  /** A step attempt ended (TaskSent to StepCompleted/StepFailed). */
  | { kind: 'stepEnded'; agent: string; seconds: number }
  /** A model call's tokens (priced by the reader, from its own table). */
  | { kind: 'modelUsage'; model: string; usage: Usage }
  /** A run taken over after the process holding it stopped. */
  | { kind: 'leaseExpired' };

/** What a step attempt needs to remember between its TaskSent and its end. */
interface OpenStep {
  agentId: string;
  /** Epoch ms of its TaskSent. */
  startedAt: number;
}

/** What the metrics remember of one run until it ends. */
interface RunFacts {
  workflow: string | undefined;
  /** Open step attempts by step id. */
  steps: ReadonlyMap<string, OpenStep>;
  /** A worker gave the run back (drain) and nobody has claimed it since. */
  released: boolean;
}

/** The state of {@link metricsProjection}. */
export interface MetricsFacts {
  /** Runs seen and not ended, by run id. */
  runs: ReadonlyMap<string, RunFacts>;
  /** What the last event applied yields (empty for any event that yields nothing). */
  samples: readonly MetricSample[];
}

/**
 * The metrics facts before any event.
 * @example
 * ```ts
 * let facts = initialMetricsFacts();
 * ```
 */
export function initialMetricsFacts(): MetricsFacts {
  return { runs: new Map(), samples: [] };
}

const NO_RUN: RunFacts = { workflow: undefined, steps: new Map(), released: false };

/**
 * `s` with run `runId` replaced by `patch` of it (a run not seen yet starts empty), and `samples`.
 * A run left with nothing to remember (or `patch` giving undefined) is dropped.
 */
function withRun(s: MetricsFacts, runId: string, patch: (r: RunFacts) => RunFacts | undefined, samples: readonly MetricSample[] = s.samples): MetricsFacts {
  const runs = new Map(s.runs);
  const next = patch(s.runs.get(runId) ?? NO_RUN);
  if (next && (next.workflow !== undefined || next.steps.size > 0 || next.released)) runs.set(runId, next);
  else runs.delete(runId);
  return { runs, samples };
}

/** A handler for the events of run streams: other streams' events change nothing. */
function inRun<E extends AigenEvent>(f: (s: MetricsFacts, e: E, runId: string) => MetricsFacts): (s: MetricsFacts, e: E) => MetricsFacts {
  return (s, e) => {
    const runId = runIdOfStream(e.streamId);
    return runId === undefined ? s : f(s, e, runId);
  };
}

const stepEnded = inRun((s, e: EventOf<'StepCompleted'> | EventOf<'StepFailed'>, runId) => {
  const open = s.runs.get(runId)?.steps.get(e.data.stepId);
  if (!open) return s;
  const steps = new Map(s.runs.get(runId)!.steps);
  steps.delete(e.data.stepId);
  const seconds = Math.max(0, Date.parse(e.metadata.recordedAt) - open.startedAt) / 1000;
  return withRun(s, runId, (r) => ({ ...r, steps }), [{ kind: 'stepEnded', agent: open.agentId, seconds }]);
});

const runEnded = (status: (e: EventOf<'RunCompleted'> | EventOf<'RunFailed'> | EventOf<'RunCancelled'>) => FinishedStatus) =>
  inRun((s, e: EventOf<'RunCompleted'> | EventOf<'RunFailed'> | EventOf<'RunCancelled'>, runId) =>
    withRun(s, runId, () => undefined, [{ kind: 'runFinished', workflow: s.runs.get(runId)?.workflow ?? 'unknown', status: status(e) }]),
  );

/**
 * The facts of the runs' metrics: runs started and finished (by workflow), step attempt
 * durations (by agent), model tokens, and lease expirations: a RunResumed, or a RunClaimed of a
 * run under way (not its first claim) that no RunReleased gave back. Apply it to the events of
 * any number of runs; after each event, `samples` holds what that event yields.
 * @example
 * ```ts
 * facts = project(metricsProjection, facts, event);
 * for (const sample of facts.samples) record(sample);
 * ```
 */
export const metricsProjection = defineProjection<MetricsFacts>()({
  name: 'metrics',
  reads: ['RunStarted', 'TaskSent', 'StepCompleted', 'StepFailed', 'ModelResponded', 'RunResumed', 'RunReleased', 'RunClaimed', 'RunCompleted', 'RunFailed', 'RunCancelled'],
  // The samples are those of one event: the next event starts with none.
  every: (s) => (s.samples.length === 0 ? s : { runs: s.runs, samples: [] }),
  on: {
    RunStarted: inRun((s, e, runId) => {
      const workflow = e.data.workflow.name;
      return withRun(s, runId, (r) => ({ ...r, workflow }), [{ kind: 'runStarted', workflow }]);
    }),
    TaskSent: inRun((s, e, runId) =>
      withRun(s, runId, (r) => ({ ...r, steps: new Map(r.steps).set(e.data.stepId, { agentId: e.data.agentId, startedAt: Date.parse(e.metadata.recordedAt) }) })),
    ),
    StepCompleted: stepEnded,
    StepFailed: stepEnded,
    ModelResponded: inRun((s, e) => ({ runs: s.runs, samples: [{ kind: 'modelUsage', model: e.data.model, usage: e.data.response.usage }] })),
    RunResumed: inRun((s) => ({ runs: s.runs, samples: [{ kind: 'leaseExpired' }] })),
    RunReleased: inRun((s, _e, runId) => withRun(s, runId, (r) => ({ ...r, released: true }))),
    RunClaimed: inRun((s, e, runId) => {
      // A claim of a run under way (not its first) that nobody gave back: its holder's lease expired.
      if (e.data.fromPosition <= 0) return s;
      const released = s.runs.get(runId)?.released === true;
      return withRun(s, runId, (r) => ({ ...r, released: false }), released ? [] : [{ kind: 'leaseExpired' }]);
    }),
    RunCompleted: runEnded((e) => (e.type === 'RunCompleted' && e.data.partial ? 'partial' : 'completed')),
    RunFailed: runEnded(() => 'failed'),
    RunCancelled: runEnded(() => 'cancelled'),
  },
});
