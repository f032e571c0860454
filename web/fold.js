// @ts-check
/**
 * Client-side time travel: fold a run's events up to a stream position into what the page draws
 * (every actor's machine and state value, step outputs, the run's end). Nothing is executed.
 */

/** @typedef {import('./types.js').AigenEvent} AigenEvent */
/** @typedef {import('./types.js').ErrorInfo} ErrorInfo */
/** @typedef {{ machine: string, value: import('./types.js').StateValue }} ActorState */

/**
 * @typedef {object} Step
 * @property {string} stepId
 * @property {string} agentId
 * @property {string | undefined} actorId
 * @property {'running' | 'retrying' | 'completed' | 'failed'} status
 * @property {number} attempt
 * @property {unknown} output
 * @property {ErrorInfo | undefined} error
 * @property {number} position  where the step last changed
 */

/**
 * @typedef {object} Folded
 * @property {number} position
 * @property {Map<string, ActorState>} actors
 * @property {Step[]} steps
 * @property {string} status
 * @property {unknown} output
 * @property {ErrorInfo | undefined} error
 * @property {AigenEvent | undefined} event  the event at the position
 */

/** Event types that end a run. */
export const TERMINAL = new Set(['RunCompleted', 'RunFailed', 'RunCancelled']);

/**
 * Fold `events` (stream order) up to stream position `position` (inclusive).
 * @param {readonly AigenEvent[]} events
 * @param {number} position
 * @returns {Folded}
 */
export function foldAt(events, position) {
  /** @type {Folded} */
  const f = { position, actors: new Map(), steps: [], status: 'running', output: undefined, error: undefined, event: undefined };
  /** @type {Map<string, Step>} */
  const steps = new Map();
  for (const e of events) {
    if (e.streamPosition > position) break;
    f.event = e;
    const d = e.data;
    const stepId = d.stepId ?? '';
    const step = steps.get(stepId);
    switch (e.type) {
      case 'Transitioned':
        if (d.actorId && d.machine) f.actors.set(d.actorId, { machine: d.machine, value: d.to ?? '' });
        break;
      case 'TaskSent':
        if (step) Object.assign(step, { status: 'running', attempt: d.attempt ?? 1, position: e.streamPosition });
        else {
          steps.set(stepId, {
            stepId,
            agentId: d.agentId ?? '',
            actorId: e.metadata.actorId,
            status: 'running',
            attempt: d.attempt ?? 1,
            output: undefined,
            error: undefined,
            position: e.streamPosition,
          });
        }
        if (f.status === 'retrying') f.status = 'running';
        break;
      case 'StepCompleted':
        if (step) Object.assign(step, { status: 'completed', output: d.output, error: undefined, position: e.streamPosition });
        break;
      case 'StepFailed':
        if (step) Object.assign(step, { status: d.willRetry ? 'retrying' : 'failed', error: d.error, position: e.streamPosition });
        if (d.willRetry) f.status = 'retrying';
        break;
      case 'RunCompleted':
        f.status = d.partial ? 'partial' : 'completed';
        f.output = d.output;
        break;
      case 'RunFailed':
        f.status = 'failed';
        f.error = d.error;
        break;
      case 'RunCancelled':
        f.status = 'cancelled';
        f.error = { code: 'RUN_CANCELLED', message: d.reason ?? 'cancelled' };
        break;
      default:
        break;
    }
  }
  f.steps = [...steps.values()];
  return f;
}

/**
 * The state node ids a state value makes active in a machine: `writer` in machine `cg` gives
 * `cg.writer`; `{ branches: { a: 'running' } }` gives `m.branches`, `m.branches.a`, `m.branches.a.running`.
 * @param {string} machine
 * @param {unknown} value
 * @returns {string[]}
 */
export function activeIds(machine, value) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} prefix @param {unknown} v */
  const walk = (prefix, v) => {
    if (typeof v === 'string') out.push(`${prefix}.${v}`);
    else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        out.push(`${prefix}.${key}`);
        walk(`${prefix}.${key}`, child);
      }
    }
  };
  walk(machine, value);
  return out;
}

/**
 * Short text of an event for lists: what happened, without the payload.
 * @param {AigenEvent} e
 * @returns {string}
 */
export function summary(e) {
  const d = e.data;
  switch (e.type) {
    case 'RunStarted':
      return `${d.workflow?.name ?? ''} · model ${d.model ?? ''}${d.forkOf ? ` · fork of ${d.forkOf.runId.slice(0, 8)}@${d.forkOf.position}` : ''}`;
    case 'Transitioned':
      return `${d.actorId ?? ''}: ${stateShort(d.from)} → ${stateShort(d.to)}`;
    case 'TaskSent':
      return `${d.agentId ?? ''} (attempt ${d.attempt ?? 1})`;
    case 'ModelCalled':
    case 'ModelResponded':
    case 'ModelFailed':
      return `${d.stepId ?? ''} · ${d.model ?? ''}${e.type === 'ModelFailed' ? ` · ${d.error?.message ?? ''}` : ''}`;
    case 'ToolCalled':
    case 'ToolReturned':
    case 'ToolFailed':
      return `${d.stepId ?? ''} · ${d.tool ?? ''}`;
    case 'HandoffRequested':
      return `${stateShort(d.from)} → ${stateShort(d.to)}`;
    case 'BranchTaken':
      return `${d.branch ?? ''}: ${d.reason ?? ''}`;
    case 'StepCompleted':
      return `${d.agentId ?? ''} · ${d.usage?.totalTokens ?? 0} tok`;
    case 'StepFailed':
      return `${d.agentId ?? ''} · ${d.error?.message ?? ''}${d.willRetry ? ' · will retry' : ''}`;
    case 'ChildRunStarted':
    case 'ChildRunFinished':
      return `${d.branch ?? ''}${d.status ? ` · ${d.status}` : ''}`;
    case 'SpanRecorded':
      return `${d.spanType ?? ''}: ${d.name ?? ''}`;
    case 'RunCompleted':
      return d.partial ? 'partial result' : 'completed';
    case 'RunFailed':
      return d.error?.message ?? 'failed';
    case 'RunCancelled':
      return d.reason ?? 'cancelled';
    default:
      return '';
  }
}

/** @param {unknown} v */
function stateShort(v) {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v;
  return JSON.stringify(v).replace(/["{}]/g, '').replace(/:/g, '.');
}
