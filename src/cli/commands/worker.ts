import type { Command } from 'commander';
import { ValidationError } from '../../errors.js';
import type { WorkerLog } from '../../runtime/worker.js';
import type { EventStore } from '../../store/eventStore.js';
import { loadPino, type CliContext } from '../context.js';
import { EXIT } from '../errors.js';
import { intOption, portOption } from '../input.js';
import { exportTracesWhileRunning } from '../otel.js';

interface WorkerFlags {
  concurrency: number;
  id?: string;
  workflows?: string;
  leaseMs?: number;
  drainTimeoutMs: number;
  metricsPort?: number;
  metricsHost: string;
}

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description("execute the store's queued runs, and resume runs whose process died, until SIGTERM / Ctrl-C")
    .option('--concurrency <n>', 'most runs in flight at once', intOption(1), 8)
    .option('--id <name>', 'worker id shown in runs and `aigen workers` (default: host:pid)')
    .option('--workflows <a,b>', 'only runs of these workflows')
    .option('--lease-ms <ms>', 'lease length: a dead worker\'s runs move on this long after its last renewal (default AIGEN_LEASE_MS or 15000)', intOption(100))
    .option('--drain-timeout-ms <ms>', 'on SIGTERM / SIGINT, how long in-flight runs may finish before they are released to other workers', intOption(0), 30_000)
    .option('--metrics-port <port>', 'serve Prometheus metrics at GET /metrics on this port (0: a free one, logged)', portOption)
    .option('--metrics-host <host>', 'host of the metrics server; any but loopback needs AIGEN_API_TOKEN', '127.0.0.1')
    .addHelpText(
      'after',
      `
Workers share the store: several processes on one machine share the SQLite file, several
machines a PostgreSQL database. Logs are JSON lines on stdout when it is not a terminal.

Examples:
  $ aigen worker --concurrency 4
  $ AIGEN_STORE=postgres://aigen@db/aigen aigen worker --id worker-1 --workflows content_generation`,
    )
    .action(async (flags: WorkerFlags) => {
      ctx.exitCode = await runWorker(ctx, flags);
    });
}

/** Worker logs: pino JSON lines on stdout when it is not a terminal, short lines when it is. */
function workerLog(ctx: CliContext): WorkerLog {
  if (!ctx.output.out.tty) {
    const pino = loadPino();
    const log = pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: true }));
    return { info: (obj, msg) => log.info(obj, msg), warn: (obj, msg) => log.warn(obj, msg) };
  }
  const { out, err } = ctx.output;
  const show = (obj: object) =>
    Object.entries(obj)
      .filter(([k]) => k !== 'err')
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
  return {
    info: (obj, msg) => out.line(`${msg} ${out.style.dim(show(obj))}`),
    warn: (obj, msg) => err.line(`${err.style.yellow(msg)} ${show(obj)}${'err' in obj ? `: ${String((obj.err as Error)?.message ?? obj.err)}` : ''}`),
  };
}

async function runWorker(ctx: CliContext, flags: WorkerFlags): Promise<number> {
  const [{ Worker }, { WorkersUnsupportedError }] = await Promise.all([
    import('../../runtime/worker.js'),
    import('../../runtime/errors.js'),
  ]);
  const store = await ctx.openStore();
  // memory: is this process only: nobody else could submit to it.
  if (store.kind === 'memory' || !store.leases) throw new WorkersUnsupportedError(store.kind);
  const workflows = flags.workflows?.split(',').map((w) => w.trim()).filter(Boolean);
  if (flags.workflows !== undefined && workflows?.length === 0) throw new ValidationError('--workflows needs at least one workflow name', { path: '--workflows' });
  await exportTracesWhileRunning(ctx);
  const engine = await ctx.engine();
  const log = workerLog(ctx);
  const worker = new Worker(engine, {
    concurrency: flags.concurrency,
    drainTimeoutMs: flags.drainTimeoutMs,
    log,
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(workflows ? { workflows } : {}),
    ...(flags.leaseMs !== undefined ? { leaseMs: flags.leaseMs } : {}),
  });
  if (flags.metricsPort !== undefined) {
    const metricsUrl = await serveWorkerMetrics(ctx, store, flags.metricsPort, flags.metricsHost);
    log.info({ url: metricsUrl }, 'metrics served');
  }
  await worker.start();
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = () => {
      signals += 1;
      // A second signal leaves at once: the leases expire and other workers take the runs.
      if (signals > 1) process.exit(EXIT.failed);
      void worker.drain().then(resolve, resolve);
    };
    // SIGTERM and SIGINT both arrive here.
    ctx.onInterrupt(stop);
  });
  ctx.onInterrupt(undefined);
  return EXIT.ok;
}

/** Prometheus metrics of the store's runs, folded by this process's projection runner, at GET /metrics. */
async function serveWorkerMetrics(ctx: CliContext, store: EventStore, port: number, host: string): Promise<string> {
  const [{ serveMetrics, checkApiToken }, { openProjections }, { RunMetrics }] = await Promise.all([
    import('../../server/index.js'),
    import('../../projections/open.js'),
    import('../../projections/metrics.js'),
  ]);
  const token = ctx.proc.env.AIGEN_API_TOKEN?.trim() || undefined;
  checkApiToken(token);
  const { prices } = await ctx.project();
  const projections = await openProjections(ctx.globals.store, store, { prices });
  ctx.onClose(() => projections.close());
  const metrics = new RunMetrics(projections, { prices });
  metrics.follow(projections.runner.events$);
  ctx.onClose(() => metrics.close());
  await projections.catchUp();
  projections.start();
  const server = await serveMetrics({ metrics, port, host, ...(token ? { token } : {}) });
  ctx.onClose(() => server.close());
  return `${server.url}/metrics`;
}
