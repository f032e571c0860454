import type { Command } from 'commander';
import type { DecisionOutcome, DecisionRequest } from '../../app/decide.js';
import { ValidationError } from '../../errors.js';
import type { WorkflowEngine } from '../../runtime/engine.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../errors.js';
import { readUserFile } from '../input.js';
import { exportTracesWhileRunning } from '../otel.js';
import { exitCodeOfRun, reportRunEnd } from '../runEnd.js';

interface ApproveFlags {
  comment?: string;
  edit?: string;
  as?: string;
  /** `--no-continue` sets false. */
  continue: boolean;
}

const CONTINUE_HELP = `
After the decision the run continues on a worker of the store (aigen worker, aigen serve) when
one is alive, else in this process (which prints the result, like aigen run); --no-continue only
records the decision. A run that does not wait for this is an error (exit 2) saying what it waits for.`;

/** `aigen approve`, `aigen reject`, `aigen signal`. */
export function registerDecisions(program: Command, ctx: CliContext): void {
  program
    .command('approve')
    .description('approve what a waiting run asks for (a tool call, a step’s output); the run then continues')
    .argument('<runId>', 'a run id or a unique prefix of one')
    .argument('[approvalId]', 'which approval (needed only when the run waits for several)')
    .option('--comment <text>', 'a note recorded with the decision')
    .option('--edit <file>', "approve an edited version of a step's output, read from this file (JSON unless the output is text)")
    .option('--as <name>', 'who decides (default: your user name)')
    .option('--no-continue', 'only record the decision')
    .addHelpText('after', CONTINUE_HELP)
    .action(async (id: string, approvalId: string | undefined, flags: ApproveFlags) => {
      const edited = flags.edit !== undefined ? readUserFile(flags.edit) : undefined;
      await decideAndReport(ctx, id, edited, {
        decision: 'approve',
        approvalId,
        by: await decider(ctx, flags.as),
        comment: flags.comment,
        continue: flags.continue,
      });
    });

  program
    .command('reject')
    .description('reject what a waiting run asks for: a tool call (the model gets the reason) or a step (it fails)')
    .argument('<runId>', 'a run id or a unique prefix of one')
    .argument('[approvalId]', 'which approval (needed only when the run waits for several)')
    .requiredOption('--reason <text>', 'why (recorded; for a tool call the model reads it)')
    .option('--as <name>', 'who decides (default: your user name)')
    .addHelpText('after', CONTINUE_HELP)
    .action(async (id: string, approvalId: string | undefined, flags: { reason: string; as?: string }) => {
      if (flags.reason.trim() === '') throw new ValidationError('--reason is empty', { path: '--reason' });
      await decideAndReport(ctx, id, undefined, { decision: 'reject', approvalId, by: await decider(ctx, flags.as), comment: flags.reason });
    });

  program
    .command('signal')
    .description('send a signal a waiting run waits for (a wait step); the payload is checked against its schema')
    .argument('<runId>', 'a run id or a unique prefix of one')
    .argument('<name>', 'the signal name')
    .argument('[json]', 'the payload as JSON ("-": read it from stdin; default null)')
    .option('--as <name>', 'who sends it (default: your user name)')
    .addHelpText('after', CONTINUE_HELP)
    .action(async (id: string, name: string, json: string | undefined, flags: { as?: string }) => {
      const payload = await payloadOf(ctx, json);
      const engine = await newEngine(ctx);
      const runId = await (await ctx.views()).resolveRunId(id);
      const { sendSignal } = await import('../../app/decide.js');
      const outcome = await sendSignal(engine, runId, name, payload, { by: await decider(ctx, flags.as) });
      await report(ctx, engine, outcome, { what: `signal ${name}`, json: { signal: name } });
    });
}

/** Decide; `edited` is the text of `--edit` (the edited output of a step). */
async function decideAndReport(ctx: CliContext, id: string, edited: string | undefined, req: DecisionRequest): Promise<void> {
  const [{ recordDecision, pendingApproval, editedOutput }, engine] = await Promise.all([import('../../app/decide.js'), newEngine(ctx)]);
  const runId = await (await ctx.views()).resolveRunId(id);
  const pending = await pendingApproval(engine, runId, req.approvalId);
  const output = edited !== undefined ? editedOutput(edited, pending?.content, '--edit') : undefined;
  const outcome = await recordDecision(engine, runId, { ...req, ...(output !== undefined ? { output } : {}) });
  const subject = pending ? (pending.kind === 'tool' ? `tool call ${pending.name}` : `approval ${pending.name}`) : (req.approvalId ?? 'the approval');
  const what = `${req.decision === 'approve' ? 'approved' : 'rejected'} ${subject}`;
  await report(ctx, engine, outcome, {
    what,
    json: { approvalId: pending?.id ?? req.approvalId ?? null, decision: req.decision, by: req.by },
  });
}

/** Print what was recorded and where the run went on; continued here, wait for it and print its end. */
async function report(ctx: CliContext, engine: WorkflowEngine, outcome: DecisionOutcome, about: { what: string; json: Record<string, unknown> }): Promise<void> {
  const { out, err } = ctx.output;
  if (outcome.continued === 'here') {
    if (!ctx.json) err.line(`${err.style.green('✓')} ${about.what}; continuing run ${outcome.runId} here`);
    const result = outcome.done ? await outcome.done : await engine.wait(outcome.runId);
    const final = await (await ctx.views()).freshStatus(outcome.runId).catch(() => undefined);
    const end = await reportRunEnd(ctx, result, final, { extra: { ...about.json, continued: 'here' } });
    ctx.exitCode = exitCodeOfRun(end.status);
    return;
  }
  if (ctx.json) return ctx.output.json({ runId: outcome.runId, ...about.json, continued: outcome.continued });
  out.line(`${out.style.green('✓')} ${about.what} (run ${outcome.runId})`);
  err.line(
    err.style.dim(
      outcome.continued === 'worker'
        ? `a worker continues it; follow it with aigen tail ${outcome.runId}`
        : `recorded; a worker (aigen worker) or aigen resume ${outcome.runId} continues it`,
    ),
  );
  ctx.exitCode = EXIT.ok;
}

/** An engine over the command's store; tracing is exported while it runs. */
async function newEngine(ctx: CliContext): Promise<WorkflowEngine> {
  await ctx.openStore();
  await exportTracesWhileRunning(ctx);
  return ctx.engine();
}

async function decider(ctx: CliContext, as: string | undefined): Promise<string> {
  if (as !== undefined) {
    if (as.trim() === '') throw new ValidationError('--as is empty', { path: '--as' });
    return as.trim();
  }
  const { defaultDecider } = await import('../../runtime/decide.js');
  return defaultDecider();
}

async function payloadOf(ctx: CliContext, json: string | undefined): Promise<unknown> {
  if (json === undefined) return null;
  const text = json === '-' ? await readStdin(ctx.proc.stdin) : json;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ValidationError(`payload: not valid JSON (${(err as Error).message}); quote it for the shell, e.g. '{"ok": true}'`, { path: 'payload', cause: err });
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
