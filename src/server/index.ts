/**
 * The HTTP API and browser UI of aigen (`aigen serve`).
 * @example
 * ```ts
 * const app = new Application({ store: () => openStore(url) });
 * const [store, engine] = [await app.store(), await app.engine()];
 * const projections = await openProjections(url, store); projections.start();
 * const server = await serve({ store, engine, projections });
 * ```
 */
export { createServer } from './app.js';
export { serveMetrics, type MetricsServerOptions } from './metricsServer.js';
export { serve, DEFAULT_HOST, DEFAULT_PORT, type ListenOptions, type RunningServer } from './serve.js';
export type { ServerOptions, ServerProjections } from './deps.js';
export { ApiTokenRequiredError, ApiTokenTooShortError, HttpError, PortInUseError, describeError, type ErrorBody } from './errors.js';
export { CONTENT_SECURITY_POLICY, MAX_BODY_BYTES, MIN_API_TOKEN_LENGTH, checkApiToken, isLoopbackHost, parseNamedTokens, type NamedToken } from './security.js';
export type { ApprovalJson } from './routes/approvals.js';
