import { Hono } from 'hono';
import type { ServerOptions } from './deps.js';
import { errorResponse, HttpError } from './errors.js';
import { routeDeps } from './reads.js';
import { approvalRoutes } from './routes/approvals.js';
import { decisionRoutes } from './routes/decisions.js';
import { eventRoutes } from './routes/events.js';
import { runRoutes } from './routes/runs.js';
import { workflowRoutes } from './routes/workflows.js';
import { apiGuard, checkApiToken, crossSiteGuard, limitBody, securityHeaders, wellFormedPath } from './security.js';
import { staticRoutes } from './static.js';

/**
 * The HTTP API and the UI as a Hono app, without listening: call `app.request()` in tests or
 * hand it to {@link serve}. Every error is `{ error: { code, message, path? } }` with 400, 401,
 * 403, 404, 409, 413, 415 or 5xx. A token shorter than 16 characters throws
 * `ApiTokenTooShortError`.
 * @example
 * ```ts
 * const app = createServer({ store, engine, projections });
 * const res = await app.request('/api/runs?status=failed');
 * ```
 */
export function createServer(options: ServerOptions): Hono {
  checkApiToken(options.token, options.tokens);
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('*', wellFormedPath);
  app.use('/api/*', apiGuard(options.token, options.tokens));
  app.use('*', crossSiteGuard);
  app.use('/api/*', limitBody);
  const metrics = options.metrics;
  if (metrics) {
    app.use('/metrics', apiGuard(options.token, options.tokens));
    app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
  }
  const deps = routeDeps(options);
  const events = eventRoutes(deps);
  app.route('/api/runs', events.run);
  app.route('/api/runs', runRoutes(deps));
  app.route('/api/runs', decisionRoutes(deps));
  app.route('/api/approvals', approvalRoutes(deps));
  app.route('/api/events', events.all);
  app.route('/api/workflows', workflowRoutes(options.catalog ?? options.engine.catalog));
  app.all('/api/*', (c) => errorResponse(c, new HttpError(404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`)));
  app.route('/', staticRoutes(options.webRoot));
  app.notFound((c) => c.text('not found', 404));
  app.onError((err, c) => errorResponse(c, err));
  return app;
}
