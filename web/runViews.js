// @ts-check
/** The run page's smaller views: header facts, agent actors, outputs. All text goes in as text. */
import { h, replace } from './dom.js';
import { asText, clock, cost, duration, shortId, stateText, tokens } from './format.js';
import { agentLabel } from './graph.js';
import { markdown } from './markdown.js';

/** @typedef {import('./run-state.js').RunState} RunState */

/**
 * @param {string} runId
 * @param {string} label
 */
export function runLink(runId, label = shortId(runId)) {
  return h('a', { href: `/runs/${encodeURIComponent(runId)}`, class: 'mono', title: runId }, label);
}

/**
 * The facts line under the title: status, model, time, usage, relations.
 * @param {HTMLElement} host
 * @param {RunState} f  the run folded up to the selected position
 * @param {import('./run-state.js').RunStatusJson | undefined} status  the status view as of the position (may lag behind `f` by a request)
 * @param {string | undefined} now  recording time of the selected event
 */
export function renderFacts(host, f, status, now) {
  // Only the lease table knows that nobody works on a running run any more (its process died).
  const shown = f.status === 'running' && status?.status === 'stalled' ? 'stalled' : f.status;
  /** @type {Array<[string, Node | string]>} */
  const facts = [
    ['status', h('span', { class: `pill status-${shown}`, 'data-testid': 'run-status' }, shown)],
    ['model', status?.model ?? ''],
    ['started', clock(status?.startedAt)],
    ['duration', h('span', { 'data-testid': 'run-duration' }, durationText(f, now))],
    ['tokens', tokens(status?.usage) || '0'],
    ['cost', h('span', { 'data-testid': 'run-cost' }, status ? cost(status.costUsd) : '')],
    ['steps', String(f.steps.length)],
  ];
  const worker = status?.worker ?? f.worker;
  if (worker && (shown === 'running' || shown === 'retrying' || shown === 'stalled')) facts.push(['worker', h('span', { 'data-testid': 'run-worker' }, worker)]);
  if (status?.parentRunId) facts.push(['parent', runLink(status.parentRunId)]);
  if (status?.forkOf) facts.push(['fork of', h('span', {}, runLink(status.forkOf.runId), ` at #${status.forkOf.position}`)]);
  const forks = status?.forks ?? [];
  if (forks.length > 0) facts.push(['forks', h('span', {}, ...forks.flatMap((k, i) => [i ? ', ' : '', runLink(k.runId), ` @#${k.position}`]))]);
  const children = status?.childRuns ?? [];
  if (children.length > 0) {
    facts.push(['branches', h('span', {}, ...children.flatMap((c, i) => [i ? ', ' : '', runLink(c.childRunId, c.branch), h('span', { class: `dot status-${c.status}`, title: c.status })]))]);
  }
  replace(host, ...facts.map(([k, v]) => h('div', { class: 'fact', 'data-fact': k }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, v))));
  if (f.error) host.append(h('div', { class: 'fact error-fact' }, h('span', { class: 'k' }, 'error'), h('span', { class: 'v' }, `${f.error.code}: ${f.error.message}`)));
  const failed = f.status === 'partial' ? f.steps.findLast((st) => st.status === 'failed') : undefined;
  if (f.status === 'partial') {
    host.append(h('div', { class: 'fact error-fact', 'data-testid': 'partial-reason' }, h('span', { class: 'k' }, 'partial'),
      h('span', { class: 'v' }, failed
        ? `step ${failed.stepId} failed${failed.error ? ` (${failed.error.code}: ${failed.error.message})` : ''}; the output is the content made before it`
        : 'a step failed; the output is the content made before it')));
  }
}

/**
 * How long the run took, both ways: its active time (less waits, queueing and stalls) and the
 * wall clock from start to end (to the selected event while it goes on).
 * @param {RunState} f  the run folded up to the selected position
 * @param {string | undefined} now  recording time of the selected event
 */
function durationText(f, now) {
  const started = f.startedAt ? Date.parse(f.startedAt) : undefined;
  const until = f.endedAt ?? now;
  const wall = f.durationMs ?? (started !== undefined && until ? Math.max(0, Date.parse(until) - started) : undefined);
  const working = f.status === 'running' || f.status === 'retrying';
  const active = f.activeMs + (working && now && f.lastActivityAt ? Math.max(0, Date.parse(now) - Date.parse(f.lastActivityAt)) : 0);
  return `${duration(active)} active · ${duration(wall)} wall clock`;
}

/**
 * The actors as the page shows them: an agent whose step waits for an approval (or a signal) is
 * `waiting`, not working; once a run was cancelled or failed, an agent it left working (or waiting
 * to retry) is `stopped`, not still at work.
 * @param {RunState} f
 * @returns {RunState['actors']}
 */
export function shownActors(f) {
  const ended = f.status === 'cancelled' || f.status === 'failed';
  const waitingSteps = new Set(f.waitingFor.map((w) => w.stepId));
  if (!ended && waitingSteps.size === 0) return f.actors;
  return Object.fromEntries(Object.entries(f.actors).map(([id, a]) => {
    if (a.machine !== 'agent') return [id, a];
    if (ended && (a.state === 'working' || a.state === 'retrying')) return [id, { ...a, state: 'stopped' }];
    if (!ended && a.state === 'working' && a.task && waitingSteps.has(a.task.stepId)) return [id, { ...a, state: 'waiting' }];
    return [id, a];
  }));
}

/**
 * Every agent actor with its lifecycle states (from the agent machine), the active one marked;
 * nested workflow actors with their state value.
 * @param {HTMLElement} host
 * @param {RunState} f
 * @param {string[]} agentStates  state keys of the agent machine
 */
export function renderActors(host, f, agentStates) {
  const actors = shownActors(f);
  // `waiting` and `stopped` are how the page shows an agent (see shownActors), not machine states.
  const shownOnly = ['waiting', 'stopped'].filter((st) => !agentStates.includes(st) && Object.values(actors).some((a) => a.machine === 'agent' && a.state === st));
  const states = [...agentStates, ...shownOnly];
  const items = Object.entries(actors).filter(([, a]) => a.machine !== undefined).map(([actorId, a]) => {
    if (a.machine === 'agent') {
      return h('li', { class: 'actor', 'data-actor': actorId },
        h('span', { class: 'actor-name', title: actorId }, agentLabel(actorId)),
        h('span', { class: 'pills' }, ...states.map((st) => h('span', { class: `pill state-pill${a.state === st ? ` on status-${st}` : ''}` }, st))));
    }
    return h('li', { class: 'actor workflow-actor', 'data-actor': actorId },
      h('span', { class: 'actor-name', title: `${actorId} (${a.machine})` }, actorId === 'workflow' ? `workflow` : actorId),
      h('span', { class: 'mono state-value' }, stateText(a.state)));
  });
  replace(host, items.length ? h('ul', { class: 'actors' }, ...items) : h('p', { class: 'muted' }, 'No actor has started yet.'));
}

/**
 * The text so far of a step whose model call is under way (from live deltas; never stored).
 * @typedef {object} LiveOutput
 * @property {string} stepId
 * @property {string} agentId
 * @property {string} callId
 * @property {string} text
 */

/**
 * Step outputs and errors, and the run's output, as of the position — as plain text. `live`
 * holds the text being generated by running steps: shown after the recorded outputs until the
 * step's own output replaces it.
 * @param {HTMLElement} host
 * @param {RunState} f
 * @param {LiveOutput[]} [live]
 */
export function renderOutputs(host, f, live = []) {
  const done = f.steps.filter((st) => st.output !== undefined || st.error !== undefined);
  const blocks = done.map((st, i) =>
    h('details', { class: 'output-block', 'data-status': st.status, open: i === done.length - 1 && f.output === undefined, 'data-step': st.stepId },
      h('summary', {}, h('strong', {}, st.agentId), ` · ${st.stepId} · `, h('span', { class: `pill status-${st.status}` }, st.status), ` · #${st.position}`),
      h('pre', { class: 'output' }, st.error && st.output === undefined ? `${st.error.code}: ${st.error.message}` : asText(st.output))));
  for (const l of live) {
    if (done.some((st) => st.stepId === l.stepId)) continue;
    blocks.push(h('details', { class: 'output-block live', open: true, 'data-live-step': l.stepId },
      h('summary', {}, h('strong', {}, l.agentId), ` · ${l.stepId} · `, h('span', { class: 'pill status-running' }, 'generating')),
      h('pre', { class: 'output', 'data-testid': 'live-output' }, l.text)));
  }
  if (f.output !== undefined) {
    // The run's output is usually Markdown: rendered (safely, see markdown.js); JSON stays text.
    const body = typeof f.output === 'string' ? markdown(f.output, { 'data-testid': 'run-output', class: 'output markdown' }) : h('pre', { class: 'output', 'data-testid': 'run-output' }, asText(f.output));
    blocks.push(h('details', { class: 'output-block final', open: true },
      h('summary', {}, h('strong', {}, f.status === 'partial' ? 'Run output (partial)' : 'Run output')), body));
  }
  replace(host, blocks.length ? h('div', {}, ...blocks) : h('p', { class: 'muted' }, 'No output yet at this point of the run.'));
}
