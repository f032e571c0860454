// @ts-check
/**
 * How the page names events and states. The fold of a run's events itself is the run-state
 * reducer, imported from `./run-state.js` (bundled by the server from the TypeScript source).
 */

/** @typedef {import('./run-state.js').AigenEvent} AigenEvent */

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
  switch (e.type) {
    case 'RunStarted': {
      const d = e.data;
      return `${d.workflow.name} · model ${d.model}${d.forkOf ? ` · fork of ${d.forkOf.runId.slice(0, 8)}@${d.forkOf.position}` : ''}`;
    }
    case 'Transitioned':
      return `${e.data.actorId}: ${stateShort(e.data.from)} → ${stateShort(e.data.to)}`;
    case 'TaskSent':
      return `${e.data.agentId} (attempt ${e.data.attempt})`;
    case 'ModelCalled':
    case 'ModelResponded':
      return `${e.data.stepId} · ${e.data.model}${within(e.data)}`;
    case 'ModelFailed':
      return `${e.data.stepId} · ${e.data.model}${within(e.data)} · ${e.data.error.message}`;
    case 'ToolCalled':
    case 'ToolReturned':
    case 'ToolFailed':
      return `${e.data.stepId} · ${e.data.server ? `${e.data.server}/` : ''}${e.data.tool}${within(e.data)}`;
    case 'GuardrailChecked': {
      const d = e.data;
      const verdict = d.error ? 'failed' : d.tripwireTriggered ? 'tripped' : d.behavior?.type === 'rejectContent' ? 'rejected' : 'passed';
      return `${d.stepId} · ${d.kind.replace('_', ' ')} guardrail ${d.guardrail}${d.tool ? ` · ${d.tool}` : ''} · ${verdict}`;
    }
    case 'McpToolsListed':
      return `${e.data.server} · ${e.data.tools.length} tool${e.data.tools.length === 1 ? '' : 's'}`;
    case 'HandoffRequested':
      return `${stateShort(e.data.from)} → ${stateShort(e.data.to)}`;
    case 'BranchTaken':
      return `${e.data.branch}: ${e.data.reason}`;
    case 'StepCompleted':
      return `${e.data.agentId} · ${e.data.usage.totalTokens} tok`;
    case 'StepFailed':
      return `${e.data.agentId} · ${e.data.error.message}${e.data.willRetry ? ' · will retry' : ''}`;
    case 'ChildRunStarted':
      return e.data.branch;
    case 'ChildRunFinished':
      return `${e.data.branch} · ${e.data.status}`;
    case 'SpanRecorded':
      return `${e.data.spanType}: ${e.data.name}`;
    case 'RunCompleted':
      return e.data.partial ? 'partial result' : 'completed';
    case 'RunFailed':
      return e.data.error.message;
    case 'RunCancelled':
      return e.data.reason;
    case 'ApprovalRequested':
      return `${e.data.kind === 'tool' ? 'tool call ' : ''}${e.data.name} · waits for approval`;
    case 'ApprovalDecided':
      return `${e.data.decision === 'approve' ? 'approved' : 'rejected'} by ${e.data.by}${e.data.comment ? `: ${e.data.comment}` : ''}`;
    case 'SignalAwaited':
      return `waits for signal ${e.data.name}`;
    case 'SignalReceived':
      return `${e.data.name} from ${e.data.by}`;
    case 'TimerStarted':
      return `${e.data.purpose} until ${e.data.dueAt}`;
    case 'TimerFired':
      return e.data.timerId;
    case 'BranchParked':
      return `${e.data.branch} waits for ${e.data.waitingFor.map((w) => `${w.kind} ${w.name}`).join(', ')}`;
    case 'BranchAnswered':
      return `${e.data.id} answered in ${e.data.runId}`;
    default:
      return '';
  }
}

/**
 * Where a call nested inside a tool call (an agent used as a tool) belongs.
 * @param {{ parentCallId?: string | undefined }} d
 */
function within(d) {
  return d.parentCallId ? ` · in ${d.parentCallId}` : '';
}

/** @param {unknown} v */
function stateShort(v) {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v;
  return JSON.stringify(v).replace(/["{}]/g, '').replace(/:/g, '.');
}
