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
  /**
   * Each shown span with the interval its bar covers: its own, clipped to its parent's (SDK spans
   * carry the SDK's clock, which can run past the step that recorded them).
   * @type {Array<{ span: Span, depth: number, from: number, to: number, clipped: boolean }>}
   */
  const rows = [];
  /** @param {Span} span @param {number} depth @param {number} lo @param {number} hi */
  const walk = (span, depth, lo, hi) => {
    const own0 = Date.parse(span.startedAt);
    const own1 = Date.parse(span.endedAt ?? options.now ?? span.startedAt);
    const from = Math.min(Math.max(own0, lo), hi);
    const to = Math.max(Math.min(Number.isFinite(own1) ? own1 : from, hi), from);
    rows.push({ span, depth, from, to, clipped: from !== own0 || to !== own1 });
    for (const c of span.children) if (options.sdk || c.kind !== 'sdk') walk(c, depth + 1, from, to);
  };
  const start = Date.parse(trace.root.startedAt);
  walk(trace.root, 0, start, Number.POSITIVE_INFINITY);
  const end = Math.max(start + 1, ...rows.map((r) => r.to).filter(Number.isFinite));
  const total = end - start;
  const table = h('div', { class: 'waterfall', role: 'table', 'data-testid': 'trace' });
  rows.forEach(({ span, depth, from, to, clipped }) => {
    const s0 = from - start;
    const e0 = to - start;
    const bar = h('div', {
      class: `bar bar-${span.kind} bar-${span.status}`,
      'data-span': span.id,
      'data-parent': span.parentId ?? '',
      title: `${span.kind} ${span.name}: ${duration(span.durationMs)}${clipped ? ' (drawn within its parent span)' : ''}`,
    });
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
