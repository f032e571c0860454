import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { errorMessage } from '../errors.js';
import { DEFAULT_STORE_URL } from '../store/openStore.js';
import { registerApprovals } from './commands/approvals.js';
import { registerCancel } from './commands/cancel.js';
import { registerDecisions } from './commands/decisions.js';
import { registerEvents } from './commands/events.js';
import { registerExportImport } from './commands/exportImport.js';
import { registerFork } from './commands/fork.js';
import { registerReplay } from './commands/replay.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerTail } from './commands/tail.js';
import { registerTrace } from './commands/trace.js';
import { registerValidate } from './commands/validate.js';
import { registerWorkflows } from './commands/workflows.js';
import { registerWorker } from './commands/worker.js';
import { registerWorkers } from './commands/workers.js';
import { CliContext, LOG_LEVELS, type CliProcess } from './context.js';
import { EXIT, errorLine, exitCodeOf, signalExitCode } from './errors.js';

/** The package version (src/cli and dist/cli are both two levels below package.json). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The `aigen` program: global options and every command. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('aigen')
    .description('Event-sourced actor runtime for AI-agent workflows: run, inspect, follow and cancel recorded runs.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--store <url>', 'event store: memory:, sqlite:<path>, postgres://…, kurrentdb://…').env('AIGEN_STORE').default(DEFAULT_STORE_URL))
    .addOption(new Option('--log-level <level>', 'logs (pino JSON) on stderr').choices(LOG_LEVELS).env('AIGEN_LOG_LEVEL').default('warn'))
    .option('--json', 'machine-readable output on stdout', false)
    .addOption(new Option('--config <path>', 'project file (default: aigen.config.ts, .mts, .js or .mjs in the working directory)').env('AIGEN_CONFIG'))
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.output.out.write(text),
      writeErr: (text) => ctx.output.err.write(text),
      outputError: (text, write) => write(`aigen: ${text.replace(/^error: /, '')}`),
    })
    .hook('preAction', (_program, action) => ctx.configure(action));
  registerRun(program, ctx);
  registerRuns(program, ctx);
  registerStatus(program, ctx);
  registerTrace(program, ctx);
  registerEvents(program, ctx);
  registerTail(program, ctx);
  registerWorkflows(program, ctx);
  registerValidate(program, ctx);
  registerCancel(program, ctx);
  registerApprovals(program, ctx);
  registerDecisions(program, ctx);
  registerReplay(program, ctx);
  registerResume(program, ctx);
  registerFork(program, ctx);
  registerExportImport(program, ctx);
  registerServe(program, ctx);
  registerWorker(program, ctx);
  registerWorkers(program, ctx);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Run one invocation and return its exit code (never throws). */
export async function runCli(argv: readonly string[], proc: CliProcess): Promise<number> {
  const ctx = new CliContext(proc);
  // SIGTERM (a supervisor stopping us) is handled exactly like Ctrl-C; without a listener the
  // agents SDK would exit 0 and leave a run recorded as running.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!ctx.interrupt(signal)) {
      void ctx.close().finally(() => process.exit(signalExitCode(signal)));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await buildProgram(ctx).parseAsync(argv);
    return ctx.exitCode;
  } catch (err) {
    const code = exitCodeOf(err);
    // Commander has already printed its own usage errors (and help / version).
    if (!isCommanderError(err)) {
      ctx.output.err.line(`aigen: ${errorLine(err)}`);
      if (ctx.globals.logLevel === 'debug' || ctx.globals.logLevel === 'trace') {
        ctx.output.err.line(err instanceof Error && err.stack ? err.stack : String(err));
        if (err instanceof Error && err.cause !== undefined) ctx.output.err.line(`caused by: ${describeCause(err.cause)}`);
      }
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
    await ctx.output.flush();
    ctx.output.restore();
  }
}

function isCommanderError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && err.code.startsWith('commander.');
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? (cause.stack ?? cause.message) : errorMessage(cause);
}

/** Entry point of bin/aigen.js: run, flush, exit. */
export async function main(argv: readonly string[]): Promise<never> {
  // `aigen events … | head`: a closed pipe ends the command quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? EXIT.ok : EXIT.failed));
  }
  const code = await runCli(argv, process);
  process.exit(code);
}
