import type { Hono } from 'hono';
import { createServer, serve, type RunningServer } from '../../../src/server/index.js';
import { openProjections } from '../../../src/projections/open.js';
import type { ProjectionsHandle } from '../../../src/projections/projections.js';
import { WorkflowEngine } from '../../../src/runtime/engine.js';
import { isOfflineModelName, OfflineModel } from '../../../src/models/offline/index.js';
import { defaultModelResolver, type ModelResolver } from '../../../src/models/resolveModel.js';
import { openStore } from '../../../src/store/openStore.js';
import type { EventStore } from '../../../src/store/eventStore.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';

/** A server under test: the Hono app over a memory store, its engine and running projections. */
export interface TestServer {
  app: Hono;
  store: EventStore;
  engine: WorkflowEngine;
  projections: ProjectionsHandle;
  /** Listen on a free loopback port (or `host`). */
  listen(options?: { host?: string }): Promise<RunningServer>;
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Delay of each offline model call (slow runs for live tests). */
  latencyMs?: number;
  token?: string;
  /** Named API tokens (decisions record the name). */
  tokens?: Array<{ name: string; token: string }>;
  storeUrl?: string;
  heartbeatMs?: number;
}

/** Open a store, its projections (started) and an engine, and build the app. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const url = options.storeUrl ?? 'memory:';
  const store = await openStore(url);
  const projections = await openProjections(url, store);
  await projections.catchUp();
  projections.start();
  const env: NodeJS.ProcessEnv = { ...process.env, AIGEN_OFFLINE_LATENCY_MS: String(options.latencyMs ?? 0) };
  delete env.OPENAI_API_KEY;
  delete env.AIGEN_MODEL;
  delete env.AIGEN_OFFLINE_FAIL;
  // The default resolver reads the offline latency from process.env, not from the engine's env: set it here.
  const resolver = defaultModelResolver(env);
  const modelResolver: ModelResolver = (name, agent) =>
    isOfflineModelName(name) ? new OfflineModel({ role: agent.type, latencyMs: options.latencyMs ?? 0, env }) : resolver(name, agent);
  const engine = new WorkflowEngine({ store, retryDelayMs: 10, env, modelResolver });
  const deps = { store, engine, projections, token: options.token, ...(options.tokens ? { tokens: options.tokens } : {}), ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}) };
  const app = createServer(deps);
  const servers: RunningServer[] = [];
  return {
    app,
    store,
    engine,
    projections,
    async listen(o = {}) {
      const server = await serve({ ...deps, port: 0, host: o.host ?? '127.0.0.1' });
      servers.push(server);
      return server;
    },
    async close() {
      for (const s of servers) await s.close();
      await projections.close();
      await store.close();
    },
  };
}

/** POST JSON to the app. */
export function post(app: Hono, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

/** The JSON body of a response, typed by the caller. */
export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Every event of a run's stream. */
export async function runEvents(store: EventStore, runId: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readStream(`run-${runId}`)) out.push(e);
  return out;
}

/** Start a run over HTTP and return its id. */
export async function startRun(app: Hono, workflow = 'content_generation', input = 'Write about tides', headers: Record<string, string> = {}): Promise<string> {
  const res = await post(app, '/api/runs', { workflow, input }, headers);
  if (res.status !== 202) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return (await json<{ runId: string }>(res)).runId;
}

/** Poll until `fn` returns a truthy value (or fail after `ms`). */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
