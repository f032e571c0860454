import { ValidationError } from '../errors.js';
import type { RunRow, RunsQuery } from './api.js';
import type { Usage } from '../events/common.js';
import type { RunLifecycle, RunStatus } from './status.js';
import { RUN_LIFECYCLES } from './runState.js';

/** A runs-list row as stored: the public {@link RunRow} plus bookkeeping columns. */
export interface RunRecord extends RunRow {
  rootRunId: string;
  /** Events folded into the run's views (equals the stream length when none was skipped). */
  eventCount: number;
}

const PREVIEW = 120;
const LIFECYCLES = RUN_LIFECYCLES;

/**
 * The runs-list row of a run's status.
 * @example
 * ```ts
 * runRecord(foldRunStatus(events)).inputPreview;
 * ```
 */
export function runRecord(s: RunStatus): RunRecord {
  return {
    runId: s.runId,
    workflow: s.workflow,
    kind: s.kind,
    status: s.status,
    model: s.model,
    parentRunId: s.parentRunId,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.durationMs,
    activeMs: s.activeMs,
    usage: s.usage,
    modelUsage: s.modelUsage,
    inputPreview: s.input.length > PREVIEW ? `${s.input.slice(0, PREVIEW)}…` : s.input,
    rootRunId: s.rootRunId,
    forkOf: s.forkOf,
    eventCount: s.eventCount,
  };
}

/** A runs query with defaults applied and the cursor decoded. */
export interface NormalizedRunsQuery {
  status: RunLifecycle | undefined;
  workflow: string | undefined;
  rootOnly: boolean;
  limit: number;
  /** Rows strictly older than this (started_at, run_id) key. */
  after: { startedAt: string; runId: string } | undefined;
}

/** Default and maximum page size of the runs list. */
export const DEFAULT_RUNS_LIMIT = 50;
export const MAX_RUNS_LIMIT = 1000;

/**
 * The cursor of the page that follows `row` (newest first: the next page is older).
 * @example
 * ```ts
 * await projections.runs({ cursor: encodeCursor(lastRow) });
 * ```
 */
export function encodeCursor(row: { startedAt: string; runId: string }): string {
  return Buffer.from(JSON.stringify([row.startedAt, row.runId])).toString('base64url');
}

/**
 * Check a runs query and apply its defaults; a bad status, limit or cursor is a ValidationError.
 * @example
 * ```ts
 * normalizeRunsQuery({ status: 'failed', limit: 20 }); // { status: 'failed', limit: 20, rootOnly: false, ... }
 * ```
 */
export function normalizeRunsQuery(q: RunsQuery = {}): NormalizedRunsQuery {
  if (q.status !== undefined && !LIFECYCLES.includes(q.status)) {
    throw new ValidationError(`unknown run status '${String(q.status)}'; use one of ${LIFECYCLES.join(', ')}`, { path: 'status' });
  }
  const limit = q.limit ?? DEFAULT_RUNS_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUNS_LIMIT) {
    throw new ValidationError(`limit must be a whole number from 1 to ${MAX_RUNS_LIMIT}, got ${String(limit)}`, { path: 'limit' });
  }
  let after: NormalizedRunsQuery['after'];
  if (q.cursor !== undefined) {
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    } catch {
      key = undefined;
    }
    if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string') {
      throw new ValidationError('invalid runs cursor; pass the nextCursor of a previous page', { path: 'cursor' });
    }
    after = { startedAt: key[0], runId: key[1] };
  }
  return { status: q.status, workflow: q.workflow, rootOnly: q.rootOnly === true, limit, after };
}

/**
 * SQL of a runs page (sqlite and postgres alike): newest first by (started_at, run_id), keyset
 * paging, so a page stays stable when newer runs arrive. `p(n)` renders the n-th parameter.
 * Asks for `limit + 1` rows: the extra one tells whether there is a next page.
 */
export function runsPageSql(table: string, q: NormalizedRunsQuery, p: (n: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return p(params.length);
  };
  if (q.workflow !== undefined) where.push(`workflow = ${param(q.workflow)}`);
  if (q.status !== undefined) where.push(`status = ${param(q.status)}`);
  if (q.rootOnly) where.push('parent_run_id IS NULL');
  if (q.after) where.push(`(started_at, run_id) < (${param(q.after.startedAt)}, ${param(q.after.runId)})`);
  const sql = `SELECT * FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY started_at DESC, run_id DESC LIMIT ${param(q.limit + 1)}`;
  return { sql, params };
}

/** Turn `limit + 1` fetched rows into a page. */
export function toPage<R extends RunRecord>(rows: R[], limit: number): { rows: R[]; nextCursor: string | undefined } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : undefined };
}

/** Columns of the runs table, in insert order. */
export const RUN_COLUMNS = [
  'run_id', 'workflow', 'kind', 'status', 'model', 'parent_run_id', 'root_run_id', 'fork_of_run_id', 'fork_of_position',
  'started_at', 'ended_at', 'duration_ms', 'active_ms', 'requests', 'input_tokens', 'output_tokens', 'total_tokens', 'model_usage', 'input_preview', 'event_count',
] as const;

/** The kind of value in each runs-table column (the adapters map them to their SQL types). */
export const RUN_COLUMN_KINDS: Readonly<Record<(typeof RUN_COLUMNS)[number], 'text' | 'int'>> = {
  run_id: 'text', workflow: 'text', kind: 'text', status: 'text', model: 'text', parent_run_id: 'text', root_run_id: 'text',
  fork_of_run_id: 'text', fork_of_position: 'int', started_at: 'text', ended_at: 'text', duration_ms: 'int', active_ms: 'int',
  requests: 'int', input_tokens: 'int', output_tokens: 'int', total_tokens: 'int', model_usage: 'text', input_preview: 'text', event_count: 'int',
};

/**
 * Columns a run's later events can change. The others are fixed by its RunStarted, so an update
 * leaves the indexes on them (started_at, workflow, fork_of) alone.
 */
export const CHANGING_RUN_COLUMNS = ['status', 'ended_at', 'duration_ms', 'active_ms', 'requests', 'input_tokens', 'output_tokens', 'total_tokens', 'model_usage', 'event_count'] as const;

/** A record as column values, in {@link RUN_COLUMNS} order. */
export function runValues(r: RunRecord): unknown[] {
  return [
    r.runId, r.workflow, r.kind, r.status, r.model, r.parentRunId ?? null, r.rootRunId, r.forkOf?.runId ?? null, r.forkOf?.position ?? null,
    r.startedAt, r.endedAt ?? null, r.durationMs ?? null, r.activeMs, r.usage.requests, r.usage.inputTokens, r.usage.outputTokens,
    r.usage.totalTokens, JSON.stringify(r.modelUsage), r.inputPreview, r.eventCount,
  ];
}

/** A stored row (snake_case columns, numbers possibly as strings) back to a record. */
export function fromRunRow(row: Record<string, unknown>): RunRecord {
  const num = (v: unknown) => Number(v);
  const opt = (v: unknown) => (v === null || v === undefined ? undefined : v);
  const forkRun = opt(row.fork_of_run_id) as string | undefined;
  return {
    runId: row.run_id as string,
    workflow: row.workflow as string,
    kind: row.kind as string,
    status: row.status as RunLifecycle,
    model: row.model as string,
    parentRunId: opt(row.parent_run_id) as string | undefined,
    startedAt: row.started_at as string,
    endedAt: opt(row.ended_at) as string | undefined,
    durationMs: row.duration_ms === null || row.duration_ms === undefined ? undefined : num(row.duration_ms),
    activeMs: num(row.active_ms),
    usage: { requests: num(row.requests), inputTokens: num(row.input_tokens), outputTokens: num(row.output_tokens), totalTokens: num(row.total_tokens) },
    modelUsage: JSON.parse(row.model_usage as string) as Record<string, Usage>,
    inputPreview: row.input_preview as string,
    rootRunId: row.root_run_id as string,
    forkOf: forkRun === undefined ? undefined : { runId: forkRun, position: num(row.fork_of_position) },
    eventCount: num(row.event_count),
  };
}
