// @ts-check
/**
 * The message lane: a sequence diagram of tasks, results, tool calls, approvals, handoffs, branch
 * decisions and child runs between the workflow and its actors. Rows after the selected position are faded; a click
 * selects the row's event.
 */
import { h, s } from './dom.js';
import { agentLabel } from './graph.js';

/** @typedef {import('./run-state.js').AigenEvent} AigenEvent */

const TYPES = new Set(['TaskSent', 'StepCompleted', 'StepFailed', 'ToolCalled', 'ToolReturned', 'ToolFailed', 'ApprovalRequested', 'ApprovalDecided', 'HandoffRequested', 'BranchTaken', 'ChildRunStarted', 'ChildRunFinished', 'RunCompleted', 'RunFailed', 'RunCancelled']);
const COL_W = 118;
const ROW_H = 26;
const TOP = 34;

/**
 * The workflow actor that sent an agent its task: `cg/research` was sent by `cg`.
 * @param {string} actorId
 */
function senderOf(actorId) {
  const i = actorId.lastIndexOf('/');
  return i < 0 ? 'workflow' : actorId.slice(0, i);
}

/**
 * A tool call's arguments in a few characters: `{"city":"Lyon"}` → `city: Lyon`.
 * @param {string} args  the arguments as the model sent them (JSON text)
 */
function shortArgs(args) {
  let text = args;
  try {
    const v = /** @type {unknown} */ (JSON.parse(args));
    if (v && typeof v === 'object' && !Array.isArray(v)) text = Object.entries(v).map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`).join(', ');
  } catch {
    // Not JSON: shown as sent.
  }
  return text.length > 22 ? `${text.slice(0, 21)}…` : text;
}

/**
 * One lane row per message event: from, to, label and style.
 * @param {AigenEvent} e
 * @returns {{ from: string, to: string, label: string, kind: string } | undefined}
 */
function message(e) {
  const actor = e.metadata.actorId ?? ('agentId' in e.data ? (e.data.agentId ?? 'workflow') : 'workflow');
  switch (e.type) {
    case 'TaskSent':
      return { from: senderOf(actor), to: actor, label: e.data.attempt > 1 ? `task (attempt ${e.data.attempt})` : 'task', kind: 'task' };
    case 'StepCompleted':
      return { from: actor, to: senderOf(actor), label: `result${e.data.usage.totalTokens ? ` · ${e.data.usage.totalTokens} tok` : ''}`, kind: 'result' };
    case 'StepFailed':
      return { from: actor, to: senderOf(actor), label: e.data.willRetry ? 'failed · retry' : 'failed', kind: 'failure' };
    case 'ToolCalled':
      return { from: actor, to: actor, label: `${e.data.tool}(${shortArgs(e.data.arguments)})`, kind: 'tool' };
    case 'ToolReturned':
      return { from: actor, to: actor, label: `${e.data.tool} returned`, kind: 'tool' };
    case 'ToolFailed':
      return { from: actor, to: actor, label: `${e.data.tool} failed`, kind: 'failure' };
    case 'ApprovalRequested':
      return { from: actor, to: actor, label: `asks approval · ${e.data.name}`, kind: 'wait' };
    case 'ApprovalDecided':
      return { from: actor, to: actor, label: `${e.data.decision === 'approve' ? 'approved' : 'rejected'} by ${e.data.by}${e.data.timedOut ? ' (timed out)' : ''}`, kind: e.data.decision === 'approve' ? 'result' : 'failure' };
    case 'HandoffRequested':
      return { from: e.data.from, to: e.data.to, label: 'handoff', kind: 'handoff' };
    case 'BranchTaken':
      return { from: 'workflow', to: 'workflow', label: `branch → ${e.data.branch}`, kind: 'branch' };
    case 'ChildRunStarted':
      return { from: 'workflow', to: `child:${e.data.branch}`, label: 'start branch', kind: 'task' };
    case 'ChildRunFinished':
      return { from: `child:${e.data.branch}`, to: 'workflow', label: e.data.status, kind: e.data.status === 'completed' ? 'result' : 'failure' };
    case 'RunCompleted':
    case 'RunFailed':
    case 'RunCancelled':
      return { from: 'workflow', to: 'workflow', label: e.type.replace('Run', '').toLowerCase(), kind: e.type === 'RunCompleted' ? 'result' : 'failure' };
    default:
      return undefined;
  }
}

/**
 * Draw the lane of `events`, with rows after `position` faded.
 * @param {HTMLElement} host
 * @param {readonly AigenEvent[]} events
 * @param {number} position
 * @param {(position: number) => void} onSelect
 */
export function renderLane(host, events, position, onSelect) {
  const rows = events.filter((e) => TYPES.has(e.type)).map((e) => ({ e, m: message(e) })).filter((r) => r.m !== undefined);
  if (rows.length === 0) {
    host.replaceChildren(h('p', { class: 'muted' }, 'No messages yet.'));
    return;
  }
  /** @type {string[]} */
  const actors = ['workflow'];
  for (const { m } of rows) for (const a of [m?.from, m?.to]) if (a && !actors.includes(a)) actors.push(a);
  const x = (/** @type {string} */ a) => COL_W / 2 + actors.indexOf(a) * COL_W;
  const height = TOP + rows.length * ROW_H + 10;
  const svg = s('svg', { class: 'lane', width: actors.length * COL_W, height, 'data-testid': 'lane' });
  svg.append(s('defs', {}, s('marker', { id: 'lane-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))));
  for (const a of actors) {
    const name = a === 'workflow' ? 'workflow' : a.startsWith('child:') ? `∥ ${a.slice(6)}` : agentLabel(a);
    svg.append(s('line', { x1: x(a), y1: TOP - 8, x2: x(a), y2: height, class: 'lifeline' }));
    svg.append(s('text', { x: x(a), y: 16, class: 'lane-actor', 'text-anchor': 'middle' }, name.length > 16 ? `${name.slice(0, 15)}…` : name, s('title', {}, a)));
  }
  let current = -1;
  rows.forEach(({ e }, i) => {
    if (e.streamPosition <= position) current = i;
  });
  rows.forEach(({ e, m }, i) => {
    if (!m) return;
    const y = TOP + i * ROW_H + 14;
    const cls = `msg msg-${m.kind}${e.streamPosition > position ? ' future' : ''}${i === current ? ' current' : ''}`;
    const g = s('g', { class: cls, 'data-position': e.streamPosition, onclick: () => onSelect(e.streamPosition) });
    g.append(s('rect', { x: 0, y: y - 16, width: actors.length * COL_W, height: ROW_H, class: 'msg-hit' }));
    if (m.from === m.to) {
      g.append(s('circle', { cx: x(m.from), cy: y - 4, r: 4, class: 'msg-dot' }));
      g.append(s('text', { x: x(m.from) + 9, y: y, class: 'msg-label' }, m.label));
    } else {
      const x1 = x(m.from);
      const x2 = x(m.to);
      g.append(s('line', { x1, y1: y, x2: x2 + (x2 > x1 ? -3 : 3), y2: y, class: 'msg-line', 'marker-end': 'url(#lane-arrow)' }));
      g.append(s('text', { x: (x1 + x2) / 2, y: y - 4, class: 'msg-label', 'text-anchor': 'middle' }, m.label));
    }
    g.append(s('title', {}, `#${e.streamPosition} ${e.type}`));
    svg.append(g);
  });
  host.replaceChildren(svg);
}
