import type { Usage } from '../events/common.js';
import type { TraceSpan, TraceView } from './api.js';
import { RUN_SPAN, type SpanRecord, type TraceState } from './trace.js';

function durationMs(start: string, end: string | undefined): number | undefined {
  if (end === undefined) return undefined;
  const d = Date.parse(end) - Date.parse(start);
  return Number.isFinite(d) ? Math.max(0, d) : undefined;
}

function defined(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}

function toSpan(r: SpanRecord): TraceSpan {
  return {
    id: r.id,
    parentId: undefined,
    kind: r.kind,
    name: r.name,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: durationMs(r.startedAt, r.endedAt),
    usage: r.usage,
    status: r.status,
    attributes: defined(r.attributes),
    children: [],
  };
}

/**
 * Build the span tree of a run from its trace projection: run → steps → model calls, tool calls,
 * approvals, handoffs, branches (the calls of a run nested in a tool call under that tool call); child runs under the run; SDK spans under their SDK parent, else under the
 * step that was running when they were recorded. Siblings are ordered by start time.
 * @example
 * ```ts
 * const view = traceView(state); view.root.children[0]?.kind; // 'step'
 * ```
 */
export function traceView(t: TraceState): TraceView {
  const root = toSpan(t.run);
  const byId = new Map<string, TraceSpan>([[RUN_SPAN, root]]);
  const records = new Map<string, SpanRecord>();
  const order = new Map<string, number>();
  t.spans.forEach((r, i) => {
    byId.set(r.id, toSpan(r));
    records.set(r.id, r);
    order.set(r.id, i);
  });
  for (const r of t.spans) {
    const span = byId.get(r.id)!;
    // An SDK parent that is this span or below it would make a cycle: fall back to the step.
    let parent = r.sdkParent !== undefined && byId.has(r.sdkParent) && !descends(records, r.sdkParent, r.id) ? r.sdkParent : r.parent;
    if (!byId.has(parent) || parent === r.id) parent = RUN_SPAN;
    span.parentId = parent;
    byId.get(parent)!.children.push(span);
  }
  const sort = (s: TraceSpan) => {
    s.children.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : order.get(a.id)! - order.get(b.id)!));
    s.children.forEach(sort);
  };
  sort(root);
  return { runId: t.runId, traceId: t.traceId, root, lastPosition: t.lastPosition };
}

/** True when following SDK parents up from `from` reaches `target`. */
function descends(records: Map<string, SpanRecord>, from: string, target: string): boolean {
  const seen = new Set<string>();
  for (let cur: string | undefined = from; cur !== undefined && !seen.has(cur); cur = records.get(cur)?.sdkParent) {
    if (cur === target) return true;
    seen.add(cur);
  }
  return false;
}

/**
 * The trace as JSON text, for `--json` output and files.
 * @example
 * ```ts
 * writeFileSync('trace.json', traceToJson(await projections.trace(runId)));
 * ```
 */
export function traceToJson(trace: TraceView): string {
  return JSON.stringify(trace, null, 2);
}

function tokens(u: Usage | undefined): string {
  return u && u.totalTokens > 0 ? ` ${u.totalTokens.toLocaleString('en-US')} tok` : '';
}

function label(s: TraceSpan): string {
  const status = s.status === 'ok' ? '' : ` [${s.status}]`;
  const ms = s.durationMs === undefined ? '' : ` ${s.durationMs}ms`;
  const type = typeof s.attributes.spanType === 'string' ? s.attributes.spanType : 'span';
  const what = s.kind === 'sdk' ? `sdk ${type}:${s.name}` : `${s.kind} ${s.name}`;
  return `${what}${status}${ms}${tokens(s.usage)}${cost(s.attributes.costUsd)}${s.kind === 'approval' ? decision(s.attributes) : ''}`;
}

/** What an approval span says after its timings: ` approved by alice: "ok"`, ` waiting`, and what was asked. */
function decision(a: Record<string, unknown>): string {
  const text = (v: unknown) => {
    const t = (typeof v === 'string' ? v : JSON.stringify(v) ?? '').replace(/\s+/g, ' ');
    return t.length > 120 ? `${t.slice(0, 119)}…` : t;
  };
  const asked = a.arguments !== undefined ? ` ${text(a.arguments)}` : a.content !== undefined ? ` ${text(a.content)}` : '';
  if (a.decision === undefined) return `${asked} — waiting`;
  const verdict = a.decision === 'approve' ? 'approved' : 'rejected';
  const comment = typeof a.comment === 'string' && a.comment !== '' ? `: ${JSON.stringify(a.comment)}` : '';
  return `${asked} — ${verdict} by ${text(a.by)}${a.timedOut === true ? ' (timeout)' : ''}${comment}`;
}

/** The `costUsd` attribute a priced trace carries (see priceTrace): `$0.0012`, or `no price`. */
function cost(c: unknown): string {
  if (c === null) return ' no price';
  return typeof c === 'number' && c > 0 ? ` $${c < 0.01 ? c.toPrecision(3) : c.toFixed(4)}` : '';
}

/** Options of {@link renderTraceTree}. */
export interface RenderTraceOptions {
  /** Show recorded SDK spans (default true). */
  sdk?: boolean;
  /** Deepest level printed (the run is level 0); default unlimited. */
  maxDepth?: number;
}

/**
 * An indented tree of the trace for terminals, one span per line with status, duration and tokens.
 * @example
 * ```ts
 * console.log(renderTraceTree(trace));
 * // run content_generation 39ms 1,021 tok
 * // ├─ step research 13ms 355 tok
 * // │  └─ model offline 2ms 355 tok
 * ```
 */
export function renderTraceTree(trace: TraceView, options: RenderTraceOptions = {}): string {
  const lines = [label(trace.root)];
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const walk = (span: TraceSpan, prefix: string, depth: number) => {
    if (depth >= maxDepth) return;
    const kids = span.children.filter((c) => options.sdk !== false || c.kind !== 'sdk');
    kids.forEach((c, i) => {
      const last = i === kids.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label(c)}`);
      walk(c, `${prefix}${last ? '   ' : '│  '}`, depth + 1);
    });
  };
  walk(trace.root, '', 0);
  return lines.join('\n');
}
