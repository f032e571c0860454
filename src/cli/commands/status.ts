import type { Command } from 'commander';
import type { CostedStatus } from '../../projections/cost.js';
import type { ApprovalView, RunStatus, WaitStepView } from '../../projections/status.js';
import type { CliContext } from '../context.js';
import { formatAgo, formatDuration, formatState, formatTokens, oneLine, paintStatus, printable, shortId, statusMark, table } from '../format.js';
import { intOption } from '../input.js';
import { cliPrices, formatCost } from '../prices.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("a run's status: workflow and actor states, steps, approvals, usage, result")
    .argument('<runId>', 'a run id or a unique prefix of one')
    .option('--at <position>', "the status as it was at this stream position of the run (see 'aigen events')", intOption(0))
    .action(async (id: string, flags: { at?: number }) => {
      const views = await ctx.views();
      const runId = await views.resolveRunId(id);
      const status = await views.status(runId, flags.at);
      const [{ runCost, withCost }, prices, store] = await Promise.all([import('../../projections/cost.js'), cliPrices(ctx), ctx.openStore()]);
      const costed = withCost(status, await runCost(store, runId, prices, flags.at));
      if (ctx.json) ctx.output.json(withResult(costed));
      else printStatus(ctx, costed, flags.at);
    });
}

/**
 * The status as `--json` prints it: the run's final content is `result`, as in `aigen run --json`
 * (the fold calls it `output`); every other field is the fold's, in its order.
 */
function withResult<T extends { output?: unknown }>(status: T): Omit<T, 'output'> & { result?: unknown } {
  return Object.fromEntries(Object.entries(status).map(([k, v]) => [k === 'output' ? 'result' : k, v])) as Omit<T, 'output'> & { result?: unknown };
}

function printStatus(ctx: CliContext, st: CostedStatus<RunStatus>, at: number | undefined): void {
  const { out } = ctx.output;
  const s = out.style;
  out.line(`${statusMark(st.status, s)} ${s.bold(printable(st.workflow))} ${s.dim(`(${st.kind})`)}  ${paintStatus(st.status, s)}${st.worker ? s.dim(`  worker ${printable(st.worker)}`) : ''}${at !== undefined ? s.dim(`  at position ${st.lastPosition}`) : ''}`);
  const facts: string[][] = [
    ['run', st.runId],
    ['model', st.model],
    ['started', `${st.startedAt} (${formatAgo(st.startedAt)})`],
    ['wall clock', st.durationMs === undefined ? `running, ${formatDuration(Math.max(0, Date.now() - Date.parse(st.startedAt)))} so far` : formatDuration(st.durationMs)],
    ['active', `${formatDuration(st.activeMs)} ${s.dim('(less waits, queueing and stalls)')}`],
    ['usage', `${formatTokens(st.usage) || '0 tokens'}, ${st.usage.requests} model call${st.usage.requests === 1 ? '' : 's'}`],
    ['cost', formatCost(st.costUsd, st.cost)],
    ['input', oneLine(st.input, 100)],
  ];
  if (st.parentRunId) facts.push(['parent', st.parentRunId]);
  if (st.forkOf) facts.push(['fork of', `${st.forkOf.runId} at ${st.forkOf.position}`]);
  if (st.states.workflow !== undefined) facts.push(['state', formatState(st.states.workflow)]);
  for (const line of table(facts.map(([k, v]) => [s.dim(k ?? ''), v ?? '']), { indent: '  ' })) out.line(line);

  if (st.steps.length > 0 || st.waits.length > 0) {
    out.line();
    out.line(s.bold('Steps'));
    const agentRows = st.steps.map((step) => ({ at: step.startedAt, row: [
      statusMark(step.status, s),
      step.stepId,
      paintStatus(step.status, s),
      formatState(st.states[step.actorId ?? step.agentId]),
      step.attempts > 1 ? `${step.attempts} attempts` : '1 attempt',
      formatDuration(step.durationMs),
      formatTokens(step.usage),
      formatCost(step.costUsd),
    ] }));
    const waitRows = st.waits.map((w) => ({ at: w.startedAt, row: waitRow(w, s) }));
    const rows = [...agentRows, ...waitRows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((r) => r.row);
    for (const line of table(rows, { indent: '  ' })) out.line(line);
    for (const step of st.steps) if (step.error && step.status === 'failed') out.line(`  ${s.red('✗')} ${step.stepId}: ${oneLine(step.error.message, 200)}`);
  }
  if (st.handoffs.length > 0) out.line(`\n${s.bold('Handoffs')}  ${st.handoffs.map((h) => `${h.from} → ${h.to}`).join(', ')}`);
  if (st.branch) out.line(`\n${s.bold('Branch')}  ${st.branch.branch} ${s.dim(`(${oneLine(st.branch.reason, 100)})`)}`);
  if (st.childRuns.length > 0) {
    out.line(`\n${s.bold('Child runs')}`);
    for (const line of table(st.childRuns.map((c) => [statusMark(c.status, s), c.branch, paintStatus(c.status, s), c.childRunId]), { indent: '  ' })) out.line(line);
  }
  if (st.approvals.length > 0) printApprovals(ctx, st.approvals);
  if (st.waitingFor.length > 0) {
    out.line(`\n${s.bold('Waiting for')}`);
    for (const w of st.waitingFor) {
      const due = w.dueAt ? s.dim(` (due ${w.dueAt})`) : '';
      out.line(`  ${s.yellow('⏸')} ${w.kind} ${printable(w.name)}${w.prompt ? `: ${oneLine(w.prompt, 100)}` : ''} ${s.dim(`since ${formatAgo(w.sinceAt)}`)}${due}`);
      if (w.content !== undefined) out.line(`    ${s.dim(oneLine(typeof w.content === 'string' ? w.content : JSON.stringify(w.content), 200))}`);
    }
    const id = shortId(st.runId);
    const hints = [
      ...(st.waitingFor.some((w) => w.kind === 'approval') ? [`aigen approve ${id}`, `aigen reject ${id} --reason '…'`] : []),
      ...st.waitingFor.filter((w) => w.kind === 'signal').map((w) => `aigen signal ${id} ${w.name} '<json>'`),
    ];
    if (hints.length > 0) out.line(s.dim(`  decide with ${hints.join(' · ')}`));
  }
  if (st.error) out.line(`\n${s.red('Error')}  ${printable(st.error.message)}${st.error.code ? s.dim(` (${st.error.code})`) : ''}`);
  if (st.output !== undefined && st.output !== null) {
    out.line(`\n${s.bold(st.partial ? 'Result (partial)' : 'Result')}`);
    out.line(`  ${oneLine(typeof st.output === 'string' ? st.output : JSON.stringify(st.output), 300)}`);
  }
}

/** A signal wait or a sleep as a row of the steps table: what it waits for, how it ended, how long it took. */
function waitRow(w: WaitStepView, s: CliContext['output']['out']['style']): string[] {
  const ended = w.endedAt === undefined ? undefined : Date.parse(w.endedAt) - Date.parse(w.startedAt);
  const what = w.kind === 'sleep' ? `sleep until ${w.dueAt ?? '?'}` : `signal ${printable(w.name)}${w.by ? ` from ${printable(w.by)}` : ''}`;
  const status = w.status === 'waiting' ? s.yellow('waiting') : w.status === 'timedOut' ? s.red('timed out') : s.green(w.status === 'received' ? 'received' : 'done');
  const mark = w.status === 'waiting' ? s.yellow('⏸') : w.status === 'timedOut' ? s.red('✗') : s.green('✓');
  return [mark, printable(w.stepId ?? w.name), status, what, '', ended === undefined ? s.dim(`since ${formatAgo(w.startedAt)}`) : formatDuration(ended), '', ''];
}

/**
 * The run's approvals, decided or not: what was asked (the tool call and its arguments, or the
 * step's content), the decision, who decided and when, and the comment.
 */
function printApprovals(ctx: CliContext, approvals: readonly ApprovalView[]): void {
  const { out } = ctx.output;
  const s = out.style;
  out.line(`\n${s.bold('Approvals')}`);
  const rows = approvals.map((a) => [
    a.decision === undefined ? s.yellow('⏸') : a.decision === 'approve' ? s.green('✓') : s.red('✗'),
    printable(a.name),
    a.kind === 'tool' ? 'tool call' : 'step',
    a.decision === undefined ? s.yellow('waiting') : a.decision === 'approve' ? s.green('approved') : s.red('rejected'),
    a.by === undefined ? '' : `by ${printable(a.by)}${a.timedOut ? ' (timeout)' : ''}`,
    a.decidedAt ?? s.dim(`since ${formatAgo(a.requestedAt)}`),
  ]);
  table(rows, { indent: '  ' }).forEach((line, i) => {
    const a = approvals[i]!;
    out.line(line);
    const asked = a.arguments ?? (a.content === undefined ? undefined : typeof a.content === 'string' ? a.content : JSON.stringify(a.content));
    out.line(`    ${s.dim(`${a.kind === 'tool' ? 'arguments' : 'content'}: ${oneLine(printable(asked ?? ''), 200)}`)}`);
    if (a.comment) out.line(`    ${s.dim('comment:')} ${oneLine(printable(a.comment), 200)}`);
  });
}
