import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../../errors.js';
import { TextStreamer } from '../streamText.js';
import type { RunStatus } from '../../projections/status.js';
import type { CliContext } from '../context.js';
import { exportTracesWhileRunning } from '../otel.js';
import { signalExitCode } from '../errors.js';
import { closest } from '../../suggest.js';
import { durationOption, intOption, readInput, readRunContext } from '../input.js';
import { ProgressView } from '../progress.js';
import { workflowFrom } from './replaySupport.js';
import { submitDetached } from './runDetach.js';
import { exitCodeOfRun, reportRunEnd, storeFlagOf } from '../runEnd.js';

interface RunFlags {
  stream?: boolean;
  model?: string;
  maxRetries?: number;
  retryDelay?: number;
  stepTimeout?: number;
  detach?: boolean;
  runContext?: string;
}

export type { RunJson } from '../runEnd.js';

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run a workflow and print its result')
    .argument('<workflow>', 'a registered workflow name, agent type(s) separated by commas, or a workflow file (.yaml/.json)')
    .argument('[input]', 'the input prompt; read from stdin when omitted (or "-")')
    .option('--model <model>', "model for every agent without its own (default: AIGEN_MODEL, the project file's model, or offline)")
    .option('--max-retries <n>', "retries after a step fails (default: the workflow file's retry, else 3)", intOption(0))
    .option('--retry-delay <duration>', "delay before the first retry, doubling each retry: ms or a duration such as 5s (default: the workflow file's retry, else 5000)", durationOption)
    .option('--stream', 'write the model output to stdout as it is generated (steps separated); the summary goes to stderr')
    .option('--step-timeout <duration>', 'fail a step attempt (model and tool calls) that runs longer than this: ms or a duration such as 2m (default 300000; 0: no limit)', durationOption)
    .option('--detach', 'record the run and print its id at once; a worker (aigen worker, aigen serve) executes it')
    .option('--run-context <json|@file>', "the SDK run context every agent's run gets (tools read runContext.context.<field>): a JSON object, or @ and a file holding one; recorded with secret fields scrubbed")
    .addHelpText(
      'after',
      `
Examples:
  $ aigen run content_generation "Generate content about AI"
  $ aigen run research,writer "Tides" --json
  $ aigen run content_generation "Tides" --stream > article.txt
  $ echo "Write about tides" | aigen run examples/workflows/sequential.yaml
  $ aigen run content_generation "Tides" --detach --json
  $ aigen run support "Where is my order?" --run-context '{"user":"ann"}'`,
    )
    .action(async (spec: string, inputArg: string | undefined, flags: RunFlags, command: Command) => {
      ctx.exitCode = await runWorkflow(ctx, spec, inputArg, flags, command);
    });
}

async function runWorkflow(ctx: CliContext, spec: string, inputArg: string | undefined, flags: RunFlags, command: Command): Promise<number> {
  if (flags.stream && ctx.json) throw new ValidationError('--stream writes text as it arrives and --json writes one JSON object: use one of them', { path: '--stream' });
  const runContext = readRunContext(flags.runContext);
  const input = await readInput(inputArg, ctx.proc.stdin);
  const [{ catalog }, { onRunDeltas }] = await Promise.all([
    ctx.project(),
    import('../../runtime/liveStream.js'),
  ]);
  // A bare name is a workflow or an agent type (which runs as a one-step workflow).
  if (/^[A-Za-z0-9_-]+$/.test(spec) && !catalog.hasWorkflow(spec) && !catalog.hasAgentType(spec)) {
    const suggestion = closest(spec, [...catalog.listWorkflows().map((w) => w.name), ...catalog.listAgentTypes().map((t) => t.type)]);
    throw new NotFoundError('workflow or agent type', spec, {
      ...(suggestion ? { suggestion } : {}),
      hint: `workflows: ${catalog.listWorkflows().map((w) => w.name).join(', ')}; agent types: ${catalog.listAgentTypes().map((t) => t.type).join(', ')}`,
    });
  }
  const workflow = await workflowFrom(ctx, spec);
  const store = await ctx.openStore();
  if (flags.detach) return submitDetached(ctx, store, workflow, input, { model: flags.model, maxRetries: flags.maxRetries, retryDelayMs: flags.retryDelay, stepTimeoutMs: flags.stepTimeout, runContext });
  await exportTracesWhileRunning(ctx);
  const views = await ctx.views();
  const engine = await ctx.engine();
  const runId = randomUUID();
  const { out, err } = ctx.output;
  const progress = new ProgressView(err, ctx.json || flags.stream ? 'off' : ctx.animate ? 'animate' : 'lines');
  ctx.onClose(() => progress.stop());
  const streamer = flags.stream ? new TextStreamer(out, err) : undefined;
  const stopDeltas = onRunDeltas(
    engine.deltas,
    runId,
    (d) => {
      streamer?.delta(d);
      if (d.runId === runId) progress.delta(d);
    },
    (call) => streamer?.end(call.runId, call.callId),
  );
  ctx.onClose(stopDeltas);

  let cancelledHere: string | undefined;
  let last: RunStatus | undefined;
  const watching = views.watchRun(runId).subscribe({
    next: ({ event, status }) => {
      last = status;
      // Announced once the engine has accepted the run (RunStarted is durable).
      if (event.type === 'RunStarted' && !ctx.json && !ctx.animate) err.line(`${err.style.bold(workflow.name)} run ${runId}`);
      progress.update(status);
    },
    error: (e: unknown) => ctx.logger.warn({ err: e }, 'progress stream failed'),
  });
  ctx.onClose(() => watching.unsubscribe());

  let interrupts = 0;
  let signalled: NodeJS.Signals | undefined;
  ctx.onInterrupt((signal) => {
    interrupts += 1;
    if (interrupts > 1) {
      progress.stop();
      err.line('aigen: interrupted again, exiting without waiting for the run to record its end');
      process.exit(signalExitCode(signal));
    }
    signalled = signal;
    cancelledHere = `interrupted (${signal})`;
    void engine.cancel(runId, cancelledHere).catch(() => undefined);
  });

  const { startRun } = await import('../../app/start.js');
  await startRun(engine, {
    workflow,
    input,
    runId,
    model: flags.model,
    maxRetries: flags.maxRetries,
    retryDelayMs: flags.retryDelay,
    stepTimeoutMs: flags.stepTimeout,
    runContext,
  });
  const result = await engine.wait(runId);
  ctx.onInterrupt(undefined);
  watching.unsubscribe();
  stopDeltas();
  streamer?.finish();
  // The stored view is the truth (a cancellation by another process ends the stream).
  const final = await views.freshStatus(runId).catch(() => last);
  progress.stop(final);

  const report = await reportRunEnd(ctx, result, final, { streamed: streamer !== undefined, storeFlag: storeFlagOf(ctx, command) });
  if (report.status === 'cancelled' && cancelledHere) return signalExitCode(signalled);
  return exitCodeOfRun(report.status);
}
