// @ts-check
/**
 * The trace as a waterfall: one row per span (run → steps → model and tool calls, handoffs,
 * child runs; SDK spans optional), a bar placed on the run's time axis, with duration and tokens.
 */
import { h } from './dom.js';
import { cost, duration, tokens } from './format.js';

/** @typedef {import('./run-state.js').TraceSpan} Span */

/**
 * @param {HTMLElement} host
 * @param {import('./run-state.js').TraceView | undefined} trace
 * @param {{ sdk: boolean, now?: string }} options  `now`: where running spans end (the selected event's time)
 */
export function renderTrace(host, trace, options) {
  if (!trace) {
    host.replaceChildren(h('p', { class: 'muted' }, 'No trace yet.'));
    return;
  }
  /** @type {Array<{ span: Span, depth: number }>} */
  const rows = [];
  /** @param {Span} span @param {number} depth */
  const walk = (span, depth) => {
    rows.push({ span, depth });
    for (const c of span.children) if (options.sdk || c.kind !== 'sdk') walk(c, depth + 1);
  };
  walk(trace.root, 0);
  const start = Date.parse(trace.root.startedAt);
  const ends = rows.map(({ span }) => Date.parse(span.endedAt ?? options.now ?? span.startedAt));
  const end = Math.max(start + 1, ...ends.filter(Number.isFinite));
  const total = end - start;
  const table = h('div', { class: 'waterfall', role: 'table', 'data-testid': 'trace' });
  rows.forEach(({ span, depth }, i) => {
    const s0 = Date.parse(span.startedAt) - start;
    const e0 = (ends[i] ?? start) - start;
    const bar = h('div', { class: `bar bar-${span.kind} bar-${span.status}`, title: `${span.kind} ${span.name}: ${duration(span.durationMs)}` });
    bar.style.left = `${((100 * Math.max(0, s0)) / total).toFixed(2)}%`;
    bar.style.width = `${Math.max(0.4, (100 * Math.max(0, e0 - s0)) / total).toFixed(2)}%`;
    const name = h('div', { class: 'wf-name' }, h('span', { class: `kind kind-${span.kind}` }, span.kind), ' ', span.name);
    name.style.paddingLeft = `${depth * 14 + 4}px`;
    table.append(
      h('div', { class: `wf-row${span.status === 'running' ? ' running' : ''}${span.status === 'error' ? ' error' : ''}`, role: 'row' },
        name,
        h('div', { class: 'wf-track' }, bar),
        h('div', { class: 'wf-num' }, span.durationMs === undefined ? (span.status === 'running' ? 'running' : '–') : duration(span.durationMs)),
        h('div', { class: 'wf-num' }, tokens(span.usage)),
        h('div', { class: 'wf-num', 'data-testid': 'span-cost' }, cost(/** @type {number | null | undefined} */ (span.attributes?.costUsd)))),
    );
  });
  host.replaceChildren(table);
}
