// @ts-check
/** The runs page: start a run, and the runs list, kept current from the server's SSE stream of changed rows. */
import { api } from './api.js';
import { h, replace, throttle } from './dom.js';
import { ago, cost, duration, shortId, tokens } from './format.js';
import { openStream } from './sse.js';

/** @typedef {import('./run-state.js').RunRow} RunRow */

const STATUSES = ['', 'queued', 'running', 'waiting', 'retrying', 'stalled', 'completed', 'partial', 'failed', 'cancelled'];

/**
 * @param {HTMLElement} root
 * @param {(state: string) => void} onConnection
 * @returns {Promise<() => void>} cleanup
 */
export async function runsPage(root, onConnection) {
  document.title = 'Runs · aigen';
  const { workflows } = /** @type {{ workflows: Array<{ name: string, kind: string | null }> }} */ (await api('/api/workflows'));
  /** @type {Map<string, RunRow>} */
  const rows = new Map();
  /** @type {string | null} */
  let cursor = null;
  let statusFilter = '';

  const select = h('select', { name: 'workflow', required: true, 'data-testid': 'workflow' });
  for (const w of workflows) select.append(h('option', { value: w.name }, `${w.name}${w.kind ? ` (${w.kind})` : ''}`));
  const input = h('textarea', { name: 'input', rows: 2, required: true, placeholder: 'What should the agents work on?', 'data-testid': 'input' });
  const model = h('input', { name: 'model', placeholder: 'offline', 'aria-label': 'model', 'data-testid': 'model' });
  const formError = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'panel start-form', 'data-testid': 'start-form' },
    h('h2', {}, 'Start a run'),
    h('div', { class: 'form-row' }, h('label', {}, 'Workflow ', select), h('label', {}, 'Model ', model)),
    h('label', { class: 'block' }, 'Input ', input),
    h('div', { class: 'form-row' }, h('button', { type: 'submit', class: 'primary' }, 'Start run'), formError));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const body = { workflow: select.value, input: input.value, ...(model.value.trim() ? { model: model.value.trim() } : {}) };
    api('/api/runs', { method: 'POST', body }).then(
      (r) => location.assign(`/runs/${encodeURIComponent(/** @type {{ runId: string }} */ (r).runId)}`),
      (/** @type {Error} */ err) => (formError.textContent = err.message),
    );
  });

  const filter = h('select', { 'aria-label': 'status filter' });
  for (const st of STATUSES) filter.append(h('option', { value: st }, st || 'any status'));
  const body = h('tbody', {});
  const more = h('button', { type: 'button', class: 'link', hidden: true }, 'Load more');
  const table = h('table', { class: 'runs', 'data-testid': 'runs' },
    h('thead', {}, h('tr', {}, ...['Status', 'Workflow', 'Run', 'Input', 'Started', 'Active · wall clock', 'Tokens', 'Cost'].map((t) => h('th', {}, t)))),
    body);

  const render = throttle(() => {
    const sorted = [...rows.values()].filter((r) => !statusFilter || r.status === statusFilter).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
    replace(body, ...sorted.map(rowEl));
    if (sorted.length === 0) body.append(h('tr', {}, h('td', { colspan: 8, class: 'muted', 'data-testid': 'runs-empty' }, statusFilter ? `No ${statusFilter} runs.` : noRunsYet())));
  }, 150);

  const load = async (reset = false) => {
    if (reset) {
      rows.clear();
      cursor = null;
    }
    const q = new URLSearchParams({ root: 'true', limit: '50', ...(statusFilter ? { status: statusFilter } : {}), ...(cursor ? { cursor } : {}) });
    const page = /** @type {{ runs: RunRow[], nextCursor: string | null }} */ (await api(`/api/runs?${q}`));
    for (const r of page.runs) rows.set(r.runId, r);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    render();
  };
  filter.addEventListener('change', () => {
    statusFilter = filter.value;
    void load(true);
  });
  more.addEventListener('click', () => void load());

  replace(root, form, h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Runs'), filter), table, more));
  // Changed rows stream in from now on; the first page is read after the stream opens (and again
  // after a reconnect), so no change falls between the two.
  let opened = false;
  const close = openStream('/api/runs', {
    onMessage: (event, data) => {
      const row = /** @type {RunRow} */ (data);
      if (event !== 'run' || row.parentRunId) return;
      rows.set(row.runId, row);
      render();
    },
    onState: (state) => {
      onConnection(state);
      if (state === 'open' && opened) void load(true);
      if (state === 'open') opened = true;
    },
  });
  await load(true);
  const tick = setInterval(render, 10_000);
  return () => {
    close();
    clearInterval(tick);
  };
}

/** What an empty runs list says: there are none yet, and how to start one. */
function noRunsYet() {
  return h('span', {}, 'No runs yet. Start one with the form above, or from a terminal in the directory this server was started in: ',
    h('code', {}, 'npx aigen run content_generation "Generate content about AI"'));
}

/** @param {RunRow} r */
function rowEl(r) {
  const href = `/runs/${encodeURIComponent(r.runId)}`;
  return h('tr', { 'data-run-id': r.runId },
    h('td', {}, h('span', { class: `pill status-${r.status}` }, r.status)),
    h('td', {}, r.workflow, r.forkOf ? h('span', { class: 'tag', title: `fork of ${r.forkOf.runId} at #${r.forkOf.position}` }, 'fork') : null),
    h('td', {}, h('a', { href, class: 'mono' }, shortId(r.runId))),
    h('td', { class: 'preview' }, r.inputPreview),
    h('td', { title: r.startedAt }, ago(r.startedAt)),
    h('td', { 'data-testid': 'run-durations' }, `${duration(r.activeMs)} · ${r.durationMs === undefined ? '…' : duration(r.durationMs)}`),
    h('td', {}, tokens(r.usage)),
    h('td', { 'data-testid': 'run-cost' }, cost(r.costUsd)));
}
