import type { Catalog } from '../config/catalog.js';
import type { PriceTable, Projections, TraceView } from '../projections/api.js';
import type { RunStatus } from '../projections/status.js';
import type { WorkflowEngine } from '../runtime/engine.js';
import type { EventStore } from '../store/eventStore.js';
import type { NamedToken } from './security.js';

/**
 * The projections the server reads. Any {@link Projections} works; a `ProjectionsHandle` (what
 * `openProjections` returns) also answers views at a position from its own fork index.
 */
export interface ServerProjections extends Projections {
  statusAt?(runId: string, position?: number): Promise<RunStatus | undefined>;
  traceAt?(runId: string, position?: number, options?: { children?: boolean }): Promise<TraceView | undefined>;
}

/** What {@link createServer} needs. */
export interface ServerOptions {
  store: EventStore;
  /** Runs started, cancelled and forked over HTTP run in this engine (this process). */
  engine: WorkflowEngine;
  /** The workflows and agent types offered and started over HTTP (default: the engine's catalog). */
  catalog?: Catalog;
  /** Started (kept current) by the caller. */
  projections: ServerProjections;
  /** When set, every `/api` request needs `Authorization: Bearer <token>` (decisions made with it are by `api`). */
  token?: string | undefined;
  /** More accepted tokens, each with the name decisions made with it record as who decided. */
  tokens?: readonly NamedToken[] | undefined;
  /** Folder of the browser UI (default: the package's `web/`). */
  webRoot?: string;
  /** Prices of every `costUsd` the API returns (default: the built-in table). */
  prices?: PriceTable;
  /** Served at GET /metrics (Prometheus text) when set, behind the same guard as /api. */
  metrics?: { render(): Promise<string>; readonly contentType: string };
  /** Heartbeat comment interval of SSE streams in ms (default 15000). */
  heartbeatMs?: number;
}
