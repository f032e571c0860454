import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { portOption } from '../input.js';
import { exportTracesWhileRunning } from '../otel.js';

interface ServeFlags {
  port: number;
  host: string;
  /** `--no-worker` sets false. */
  worker: boolean;
}

/** `aigen serve`: the HTTP API and the web UI in one process, with its own projection runner. */
export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the HTTP API and the web UI (live statecharts, timelines, traces) until Ctrl-C')
    .option('--port <port>', 'port to listen on (0: any free port)', portOption, 4400)
    .option('--host <host>', 'address to bind; anything but loopback needs AIGEN_API_TOKEN', '127.0.0.1')
    .option('--no-worker', "do not execute the store's queued runs (by default serve is also a worker of its store)")
    .addHelpText(
      'after',
      `
The UI and the API (under /api, see docs/http.md) share one port. Runs started from the UI run
in this process, with the offline model unless you pick another one. Serve is also a worker of
its store (unless --no-worker): it executes queued runs (run --detach) and continues runs whose
process died; runs still going when it stops move on to other workers (see docs/workers.md).

Security: by default only this machine can connect. To bind another address set AIGEN_API_TOKEN;
every /api request must then send 'Authorization: Bearer <token>' (the UI asks for it once).
The token needs at least 16 characters. AIGEN_API_TOKENS='alice=<token>,bob=<token>' adds named
tokens: approvals and signals sent with one record its name as who decided (AIGEN_API_TOKEN's is 'api').

Examples:
  $ aigen serve
  $ AIGEN_OFFLINE_LATENCY_MS=400 aigen serve --port 8080
  $ AIGEN_API_TOKEN=$(openssl rand -hex 24) aigen serve --host 0.0.0.0`,
    )
    .action(async (flags: ServeFlags) => {
      await serveUntilStopped(ctx, flags);
    });
}

async function serveUntilStopped(ctx: CliContext, flags: ServeFlags): Promise<void> {
  const token = ctx.proc.env.AIGEN_API_TOKEN?.trim() || undefined;
  const [{ serve, isLoopbackHost, checkApiToken, parseNamedTokens, ApiTokenRequiredError }, { openProjections }, { RunMetrics }] = await Promise.all([
    import('../../server/index.js'),
    import('../../projections/open.js'),
    import('../../projections/metrics.js'),
  ]);
  const tokens = parseNamedTokens(ctx.proc.env.AIGEN_API_TOKENS);
  if (!isLoopbackHost(flags.host) && !token && tokens.length === 0) throw new ApiTokenRequiredError(flags.host);
  checkApiToken(token, tokens);
  const store = await ctx.openStore();
  const { catalog, prices } = await ctx.project();
  const projections = await openProjections(ctx.globals.store, store, { prices });
  ctx.onClose(() => projections.close());
  const metrics = new RunMetrics(projections, { prices });
  metrics.follow(projections.runner.events$);
  ctx.onClose(() => metrics.close());
  await exportTracesWhileRunning(ctx);
  await projections.catchUp();
  projections.start();
  const engine = await ctx.engine();
  const server = await serve({ store, engine, projections, catalog, metrics, prices, token, tokens, port: flags.port, host: flags.host });
  ctx.onClose(() => server.close());
  // Also a worker of its store (SQLite, PostgreSQL): queued runs and runs whose process died.
  if (flags.worker && store.leases && store.kind !== 'memory') {
    const { Worker } = await import('../../runtime/worker.js');
    const worker = new Worker(engine, { drainTimeoutMs: 0, log: ctx.logger });
    await worker.start();
    ctx.onClose(() => worker.drain());
  }
  const { out, err } = ctx.output;
  if (ctx.json) ctx.output.jsonLine({ url: server.url, host: server.host, port: server.port, store: ctx.globals.store, auth: token || tokens.length > 0 ? 'bearer' : 'none' });
  else {
    out.line(`aigen serving ${server.url}`);
    err.line(err.style.dim(`store ${ctx.globals.store} · API ${server.url}/api · ${token || tokens.length > 0 ? 'bearer token required' : 'loopback only'} · Ctrl-C to stop`));
  }
  ctx.logger.info({ url: server.url, store: ctx.globals.store }, 'serving');
  await new Promise<void>((resolve) => {
    const stop = () => {
      ctx.onInterrupt(undefined);
      resolve();
    };
    ctx.onInterrupt(stop);
    process.once('SIGTERM', stop);
    // The agents SDK exits the process (130 / 0) on SIGINT / SIGTERM once its tracing has flushed,
    // unless someone else listens; listening until exit lets the shutdown above finish with 0.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, keepListening);
  });
}

/** Commander parser of `--port`: a whole number from 0 to 65535. */
/** A signal listener that does nothing: see the shutdown in serveUntilStopped. */
function keepListening(): void {}
