// @ts-check
/**
 * The run page: the statechart with live highlights, agent actors, the message lane, the event
 * timeline with time travel, the trace waterfall and the outputs. Events arrive over SSE
 * (catch-up, then live) and are folded incrementally in the browser (`runFold.js`) for the
 * diagram, lane and outputs at the selected position, and the status and trace come from the API as of that position (`?at=P`).
 */
import { api } from './api.js';
import { h, replace, throttle } from './dom.js';
import { isTerminalEventType } from './run-state.js';
import { createRunFold } from './runFold.js';
import { renderLane } from './lane.js';
import { renderActors, renderFacts, renderOutputs, shownActors } from './runViews.js';
import { openStream } from './sse.js';
import { drawStatechart } from './statechart.js';
import { createTimeline } from './timeline.js';
import { renderTrace } from './trace.js';
import { createWaitingPanel } from './waiting.js';

/** @typedef {import('./run-state.js').AigenEvent} AigenEvent */

/**
 * @param {HTMLElement} root
 * @param {string} runId
 * @param {(state: string) => void} onConnection
 * @returns {Promise<() => void>} cleanup
 */
export async function runPage(root, runId, onConnection) {
  const id = encodeURIComponent(runId);
  const def = /** @type {import('./run-state.js').RunDefinition} */ (await api(`/api/runs/${id}/definition`));
  document.title = `${def.name} ${runId.slice(0, 8)} · aigen`;
  const agentStates = Object.keys(def.definition.machines.agent?.root.states ?? { working: 0, retrying: 0, done: 0, failed: 0 });

  const fold = createRunFold();
  const events = fold.events;
  let position = 0;
  /** @type {import('./run-state.js').RunStatusJson | undefined} */
  let status;
  /** @type {import('./run-state.js').TraceView | undefined} */
  let trace;
  let sdk = false;
  let requests = 0;

  const facts = h('div', { class: 'facts' });
  const forkButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'fork' }, 'Fork from here');
  const cancelButton = h('button', { type: 'button', class: 'danger', hidden: true, 'data-testid': 'cancel' }, 'Cancel run');
  const notice = h('p', { class: 'notice', role: 'status' });
  const chartHost = h('div', { class: 'chart-host' }, h('p', { class: 'muted' }, 'Laying out the statechart…'));
  const actorsHost = h('div', {});
  const laneHost = h('div', { class: 'lane-host' });
  const traceHost = h('div', {});
  const outputsHost = h('div', { 'data-testid': 'outputs' });
  const sdkBox = h('input', { type: 'checkbox' });
  const timeline = createTimeline({ onSelect: (p) => { position = p; render(); } });
  const waiting = createWaitingPanel(runId);

  replace(root,
    h('section', { class: 'run-head' },
      h('div', { class: 'title-row' },
        h('h1', {}, def.name, h('span', { class: 'kind-tag' }, def.kind)),
        h('span', { class: 'mono run-id', 'data-testid': 'run-id' }, runId),
        h('span', { class: 'spacer' }),
        cancelButton, forkButton),
      facts, notice),
    waiting.element,
    timeline.element,
    h('section', { class: 'panel chart-panel' }, h('h2', {}, 'Statechart'), chartHost),
    h('div', { class: 'grid-side' },
      h('section', { class: 'panel' }, h('h2', {}, 'Actors'), actorsHost),
      h('section', { class: 'panel' }, h('h2', {}, 'Messages'), laneHost)),
    h('div', { class: 'grid-2' }, timeline.eventsPanel, timeline.detailPanel),
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Trace'), h('label', { class: 'small' }, sdkBox, ' SDK spans')), traceHost),
    h('section', { class: 'panel' }, h('h2', {}, 'Outputs'), outputsHost));

  /** @type {{ highlight: (actors: Record<string, import('./run-state.js').ActorView>) => void } | undefined} */
  let chart;
  drawStatechart(chartHost, def.definition).then(
    (c) => {
      chart = c;
      render();
    },
    (/** @type {Error} */ err) => replace(chartHost, h('p', { class: 'error' }, `Cannot draw the statechart: ${err.message}`)),
  );

  /** Whether the page shows the run as it is now: following it, at its newest event. */
  const atNewest = () => timeline.live && position >= (events[events.length - 1]?.streamPosition ?? 0);
  const fetchViews = throttle(() => {
    const at = position;
    const mine = ++requests;
    // At the newest event the views are asked for as they are now: a parallel branch (a child run)
    // goes on between its parent's events, and its spans are shown as far as it has got.
    const query = atNewest() ? '' : `?at=${at}`;
    Promise.all([api(`/api/runs/${id}${query}`), api(`/api/runs/${id}/trace${query}`)]).then(
      ([st, tr]) => {
        if (mine !== requests && at !== position) return;
        status = /** @type {import('./run-state.js').RunStatusJson} */ (st);
        trace = /** @type {import('./run-state.js').TraceView} */ (tr);
        renderSlow();
      },
      (/** @type {Error} */ err) => (notice.textContent = err.message),
    );
  }, 300);

  /**
   * Where the page's clock stands: the recording time of the selected event, or the present while
   * it follows a run that goes on (running spans and durations grow with it).
   */
  const now = () => {
    const last = events[events.length - 1];
    if (atNewest() && last && !isTerminalEventType(last.type)) return new Date().toISOString();
    return events.find((e) => e.streamPosition === position)?.metadata.recordedAt;
  };
  const renderSlow = () => {
    const f = fold.at(position);
    const at = now();
    renderFacts(facts, f, status, at);
    renderTrace(traceHost, trace, { sdk, ...(at ? { now: at } : {}) });
  };

  /**
   * Text being generated, by step (the current model call of each running step). Deltas carry
   * their offset: a snapshot replaces, the next piece continues; anything else is a repeat.
   * @type {Map<string, import('./runViews.js').LiveOutput>}
   */
  const live = new Map();
  /** Live text is shown only while the timeline follows the run's newest event. */
  const liveOutputs = () => (atNewest() ? [...live.values()] : []);
  /** @param {{ stepId: string, agentId: string, callId: string, text: string, index: number, snapshot?: boolean, toolCall?: unknown }} d */
  const applyDelta = (d) => {
    if (d.toolCall) return;
    const have = live.get(d.stepId);
    const text = d.snapshot || have?.callId !== d.callId ? '' : have.text;
    if (!d.snapshot && d.index > text.length) return;
    live.set(d.stepId, { stepId: d.stepId, agentId: d.agentId, callId: d.callId, text: text + d.text.slice(text.length - (d.snapshot ? 0 : d.index)) });
  };

  const render = () => {
    const f = fold.at(position);
    chart?.highlight(shownActors(f));
    chartHost.classList.toggle('live', timeline.live && f.status === 'running');
    // The states the run waits in are drawn as waiting (see style.css), not as working.
    chartHost.classList.toggle('waiting', f.status === 'waiting');
    waiting.render(f, events, atNewest());
    renderActors(actorsHost, f, agentStates);
    renderLane(laneHost, events, position, (p) => timeline.select(p));
    renderOutputs(outputsHost, f, liveOutputs());
    renderFacts(facts, f, status, now());
    timeline.show(position);
    forkButton.textContent = `Fork from #${position}`;
    const last = events[events.length - 1];
    cancelButton.hidden = !last || isTerminalEventType(last.type);
    fetchViews();
  };

  sdkBox.addEventListener('change', () => {
    sdk = sdkBox.checked;
    renderSlow();
  });
  forkButton.addEventListener('click', () => {
    forkButton.disabled = true;
    api(`/api/runs/${id}/fork`, { method: 'POST', body: { at: position } }).then(
      (r) => location.assign(`/runs/${encodeURIComponent(/** @type {{ runId: string }} */ (r).runId)}`),
      (/** @type {Error} */ err) => {
        forkButton.disabled = false;
        notice.textContent = `Fork failed: ${err.message}`;
      },
    );
  });
  cancelButton.addEventListener('click', () => {
    cancelButton.disabled = true;
    api(`/api/runs/${id}/cancel`, { method: 'POST', body: { reason: 'cancelled from the web UI' } }).catch((/** @type {Error} */ err) => {
      cancelButton.disabled = false;
      notice.textContent = `Cancel failed: ${err.message}`;
    });
  });

  // While the page follows a run that goes on, its views are fetched again now and then: the run's
  // own stream is quiet while its branches work or a model call takes long.
  const refresh = setInterval(() => {
    const last = events[events.length - 1];
    if (atNewest() && last && !isTerminalEventType(last.type)) fetchViews();
  }, 1500);

  const flush = throttle(() => timeline.setEvents(events), 80);
  const flushLive = throttle(() => renderOutputs(outputsHost, fold.at(position), liveOutputs()), 80);
  const close = openStream(`/api/runs/${id}/events`, {
    onMessage: (type, data) => {
      if (type === 'delta') {
        applyDelta(/** @type {any} */ (data));
        flushLive();
        return;
      }
      const e = /** @type {AigenEvent} */ (data);
      // A step's end: its recorded output replaces the text shown while it was generated.
      if (e.type === 'StepCompleted' || e.type === 'StepFailed') live.delete(/** @type {{ stepId: string }} */ (e.data).stepId);
      if (typeof e.streamPosition !== 'number') return;
      if (fold.push(e)) flush();
    },
    onState: onConnection,
  });
  return () => {
    clearInterval(refresh);
    close();
  };
}
