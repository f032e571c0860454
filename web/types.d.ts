/** Types of the browser UI (checked by `tsc -p web/tsconfig.json`; never served). */

/** A state value: a state name, or nested / parallel state values. */
export type StateValue = string | { [key: string]: StateValue };

export interface Usage {
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens: number;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/** The payload fields the UI reads, across event types (each type has some of them). */
export interface EventPayload {
  runId?: string;
  workflow?: { name: string; kind: string };
  model?: string;
  forkOf?: { runId: string; position: number };
  actorId?: string;
  machine?: string;
  from?: StateValue | null;
  to?: StateValue;
  stepId?: string;
  agentId?: string;
  attempt?: number;
  tool?: string;
  branch?: string;
  reason?: string;
  status?: string;
  output?: unknown;
  partial?: boolean;
  usage?: Usage;
  error?: ErrorInfo;
  willRetry?: boolean;
  spanType?: string;
  name?: string;
}

/** A recorded event as the API sends it. */
export interface AigenEvent {
  eventId: string;
  streamId: string;
  type: string;
  streamPosition: number;
  globalPosition: string;
  data: EventPayload;
  metadata: { runId?: string; actorId?: string; recordedAt: string };
}

/** One state of the recorded statechart definition. */
export interface StateDef {
  id: string;
  key: string;
  type: string;
  initial?: string;
  states?: Record<string, StateDef>;
  transitions: Array<{ event: string; targets: string[]; guarded: boolean }>;
  invoke: Array<{ id: string; src: string }>;
}

export interface Definition {
  root: string;
  machines: Record<string, { id: string; root: StateDef }>;
}

/** `GET /api/runs/:id/definition`. */
export interface RunDefinition {
  runId: string;
  name: string;
  kind: string;
  version: string;
  definition: Definition;
}

/** `GET /api/runs/:id` (the fields the UI reads). */
export interface RunStatus {
  runId: string;
  status: string;
  model: string;
  startedAt: string;
  durationMs?: number;
  usage: Usage;
  /** USD; null when a model of the run has no price. */
  costUsd?: number | null;
  parentRunId?: string;
  forkOf?: { runId: string; position: number };
  forks: Array<{ runId: string; position: number }>;
  childRuns: Array<{ childRunId: string; branch: string; status: string }>;
}

/** A row of `GET /api/runs`. */
export interface RunRow {
  runId: string;
  workflow: string;
  status: string;
  model: string;
  parentRunId?: string;
  startedAt: string;
  durationMs?: number;
  usage: Usage;
  /** USD; null when a model of the run has no price; absent in live updates. */
  costUsd?: number | null;
  inputPreview: string;
  forkOf?: { runId: string; position: number };
}

export interface TraceSpan {
  id: string;
  kind: string;
  name: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  usage?: Usage;
  status: string;
  /** `costUsd`: USD, or null when a model below has no price. */
  attributes?: Record<string, unknown>;
  children: TraceSpan[];
}

export interface TraceView {
  runId: string;
  root: TraceSpan;
}

/** elkjs graph JSON (the parts used here). */
export interface ElkLabel {
  text: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
}
export interface ElkPoint {
  x: number;
  y: number;
}
export interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  labels?: ElkLabel[];
  sections?: Array<{ startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }>;
  container?: string;
}
export interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkNode[];
  edges?: ElkEdge[];
}

declare global {
  interface Window {
    /** elkjs, loaded from /vendor/elk.bundled.js. */
    ELK?: new () => { layout(graph: ElkNode): Promise<ElkNode> };
  }
}
