/**
 * Tables of the SQL view stores (sqlite and postgres share the layout; types differ slightly).
 * `projection_runs` is the runs list, indexed for its filters in newest-first order;
 * `projection_run_views` holds each run's status, trace and usage states as JSON;
 * `projection_usage` holds token rows per (run, agent, model) for grouped sums;
 * `projection_meta` is the single checkpoint row; `projection_errors` the skipped events.
 */
export function viewTablesSql(dialect: 'sqlite' | 'postgres', schema = ''): string {
  const t = (name: string) => `${schema}${name}`;
  const text = dialect === 'postgres' ? 'text COLLATE "C"' : 'TEXT';
  const int = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const serial = dialect === 'postgres' ? 'bigserial PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  return `
CREATE TABLE IF NOT EXISTS ${t('projection_meta')} (
  id integer PRIMARY KEY CHECK (id = 1),
  checkpoint text,
  versions text
);
CREATE TABLE IF NOT EXISTS ${t('projection_run_views')} (
  run_id ${text} PRIMARY KEY,
  status text NOT NULL,
  trace text NOT NULL,
  usage text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${t('projection_runs')} (
  run_id ${text} PRIMARY KEY,
  workflow ${text} NOT NULL,
  kind text NOT NULL,
  status ${text} NOT NULL,
  model text NOT NULL,
  parent_run_id text,
  root_run_id ${text} NOT NULL,
  fork_of_run_id ${text},
  fork_of_position ${int},
  started_at ${text} NOT NULL,
  ended_at text,
  duration_ms ${int},
  active_ms ${int} NOT NULL,
  requests ${int} NOT NULL,
  input_tokens ${int} NOT NULL,
  output_tokens ${int} NOT NULL,
  total_tokens ${int} NOT NULL,
  model_usage text NOT NULL,
  input_preview text NOT NULL,
  event_count ${int} NOT NULL
);
CREATE INDEX IF NOT EXISTS projection_runs_started ON ${t('projection_runs')} (started_at, run_id);
CREATE INDEX IF NOT EXISTS projection_runs_status ON ${t('projection_runs')} (status, started_at, run_id);
CREATE INDEX IF NOT EXISTS projection_runs_workflow ON ${t('projection_runs')} (workflow, started_at, run_id);
CREATE INDEX IF NOT EXISTS projection_runs_workflow_status ON ${t('projection_runs')} (workflow, status, started_at, run_id);
CREATE INDEX IF NOT EXISTS projection_runs_fork_of ON ${t('projection_runs')} (fork_of_run_id);
CREATE INDEX IF NOT EXISTS projection_runs_root ON ${t('projection_runs')} (root_run_id);
CREATE TABLE IF NOT EXISTS ${t('projection_usage')} (
  run_id ${text} NOT NULL,
  agent_id ${text} NOT NULL,
  model ${text} NOT NULL,
  root_run_id ${text} NOT NULL,
  requests ${int} NOT NULL,
  input_tokens ${int} NOT NULL,
  output_tokens ${int} NOT NULL,
  total_tokens ${int} NOT NULL,
  PRIMARY KEY (run_id, agent_id, model)
);
CREATE INDEX IF NOT EXISTS projection_usage_root ON ${t('projection_usage')} (root_run_id);
CREATE TABLE IF NOT EXISTS ${t('projection_errors')} (
  id ${serial},
  global_position text NOT NULL,
  stream_id text NOT NULL,
  stream_position ${int} NOT NULL,
  event_id text,
  type text,
  code text NOT NULL,
  message text NOT NULL,
  recorded_at text NOT NULL
);`;
}

/** Tables dropped by a reset (the meta row is rewritten, not dropped). */
export const VIEW_TABLES = ['projection_run_views', 'projection_runs', 'projection_usage', 'projection_errors'] as const;

/** The smallest string greater than every string starting with `prefix` (for index range scans). */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}`;
}

/** A stored usage row back to its record. */
export function fromUsageRow(r: Record<string, unknown>) {
  return {
    runId: r.run_id as string,
    rootRunId: r.root_run_id as string,
    agentId: r.agent_id as string,
    model: r.model as string,
    usage: { requests: Number(r.requests), inputTokens: Number(r.input_tokens), outputTokens: Number(r.output_tokens), totalTokens: Number(r.total_tokens) },
  };
}

/** A stored error row back to its record. */
export function fromErrorRow(r: Record<string, unknown>) {
  return {
    globalPosition: r.global_position as string,
    streamId: r.stream_id as string,
    streamPosition: Number(r.stream_position),
    eventId: (r.event_id as string | null) ?? undefined,
    type: (r.type as string | null) ?? undefined,
    code: r.code as string,
    message: r.message as string,
    recordedAt: r.recorded_at as string,
  };
}
