import { Hono } from 'hono';
import type { ServerOptions } from './deps.js';
import { ApiTokenRequiredError, errorResponse, HttpError } from './errors.js';
import { listenOn, type RunningServer } from './serve.js';
import { apiGuard, isLoopbackHost, securityHeaders } from './security.js';

/** Options of {@link serveMetrics}. */
export interface MetricsServerOptions {
  metrics: NonNullable<ServerOptions['metrics']>;
  /** Needed for any host but a loopback one; scrapers send `Authorization: Bearer <token>`. */
  token?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
}

/**
 * Serve only `GET /metrics` (Prometheus text), behind the same guard as the API: what `aigen
 * worker --metrics-port` listens with. Refuses a non-loopback host without a token.
 * @example
 * ```ts
 * const server = await serveMetrics({ metrics, port: 9464 });
 * await fetch(`${server.url}/metrics`);
 * ```
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.token) throw new ApiTokenRequiredError(host);
  const { metrics } = options;
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('/metrics', apiGuard(options.token));
  app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
  app.notFound((c) => errorResponse(c, new HttpError(404, 'NOT_FOUND', 'this server answers GET /metrics only')));
  app.onError((err, c) => errorResponse(c, err));
  return listenOn(app.fetch, host, options.port, '--metrics-port');
}
