import type { Command } from 'commander';
import type { ErrorInfo, Usage } from '../events/common.js';
import type { RunStatus } from '../projections/status.js';
import type { ExecuteResult } from '../runtime/runExecution.js';
import { redactUrl } from '../secrets.js';
import type { CliContext } from './context.js';
import { EXIT } from './errors.js';
import { asText, formatDuration, formatTokens, shortId, table } from './format.js';

/** The one JSON object of `aigen run --json` (and of `aigen approve --json` that continued the run here). */
export interface RunJson {
  runId: string;
  workflow: string;
  /** `waiting`: the run parked for an approval, a signal or a timer (see `waitingFor`). */
  status: string;
  result: unknown;
  partial: boolean;
  error: ErrorInfo | null;
  usage: Usage;
  /** Wall clock from the run's start to its end (or to now, while it waits), waits and stalls included. */
  durationMs: number;
  /** Active time: the wall clock less waits, queueing and stalls. */
  activeMs: number;
  /** What a `waiting` run waits for (as in `aigen status --json`). */
  waitingFor?: RunStatus['waitingFor'];
}

/** Exit code of a run that ended here: completed, partial and waiting 0, anything else 1. */
export function exitCodeOfRun(status: string): number {
  return status === 'completed' || status === 'partial' || status === 'waiting' ? EXIT.ok : EXIT.failed;
}

/**
 * Print how a run this process executed ended (JSON, or its text on stdout and a summary on
 * stderr); a run that parked says what it waits for and how to decide. Returns what was printed.
 */
export async function reportRunEnd(
  ctx: CliContext,
  result: ExecuteResult,
  final: RunStatus | undefined,
  options: { streamed?: boolean; storeFlag?: string; extra?: Record<string, unknown> } = {},
): Promise<RunJson> {
  const report = reconcile(result, final);
  if (ctx.json) {
    ctx.output.json({ ...report, ...options.extra });
    return report;
  }
  // Streamed, the text is already out.
  const text = options.streamed ? '' : asText(report.result);
  if (text && report.status !== 'waiting') ctx.output.out.line(text.replace(/\n+$/, ''));
  if (report.status === 'waiting') {
    const [{ pendingOfRun }, { printWaiting }] = await Promise.all([import('../app/waits.js'), import('./waiting.js')]);
    printWaiting(ctx, report.runId, await pendingOfRun(await ctx.openStore(), report.runId), options.storeFlag);
    return report;
  }
  printSummary(ctx, report, final, options.storeFlag ?? '');
  return report;
}

/** The engine's result, corrected by the stored status (the truth) when it says the run was cancelled. */
function reconcile(result: ExecuteResult, final: RunStatus | undefined): RunJson {
  const base: RunJson = {
    runId: result.runId,
    workflow: result.workflow,
    status: result.status,
    result: result.result ?? null,
    partial: result.partial,
    error: result.error ?? null,
    usage: result.usage,
    durationMs: final ? (final.durationMs ?? Math.max(0, Date.now() - Date.parse(final.startedAt))) : result.durationMs,
    activeMs: final ? final.activeMs : result.durationMs,
    ...(result.status === 'waiting' && final ? { waitingFor: final.waitingFor } : {}),
  };
  if (final?.status === 'cancelled' && result.status !== 'cancelled') {
    const reason = final.error?.message ?? 'cancelled';
    return { ...base, status: 'cancelled', result: null, partial: false, error: { code: 'RUN_CANCELLED', message: reason } };
  }
  return base;
}

function printSummary(ctx: CliContext, r: RunJson, final: RunStatus | undefined, storeFlag: string): void {
  const { err } = ctx.output;
  const s = err.style;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const facts = [
    `${formatDuration(r.durationMs)} wall clock, ${formatDuration(r.activeMs)} active`,
    formatTokens(r.usage),
    final ? plural(final.steps.length, 'step') : '',
    final?.childRuns.length ? plural(final.childRuns.length, 'child run') : '',
  ]
    .filter(Boolean)
    .join(' · ');
  err.line();
  switch (r.status) {
    case 'completed':
      err.line(`${s.green('✓ completed')} ${s.dim(facts)}`);
      break;
    case 'partial':
      err.line(`${s.yellow('◐ partial')} ${s.dim(facts)} — some steps failed; the result is the best content produced`);
      if (r.error) err.line(`  ${s.yellow(r.error.message)}`);
      break;
    case 'cancelled':
      err.line(`${s.yellow('⊘ cancelled')} ${s.dim(facts)}: ${r.error?.message ?? 'cancelled'}`);
      break;
    default:
      err.line(`${s.red('✗ failed')} ${s.dim(facts)}: ${r.error?.message ?? 'workflow failed'}${r.error?.code ? s.dim(` (${r.error.code})`) : ''}`);
  }
  if (ctx.globals.store.startsWith('memory:')) {
    err.line(s.dim(`run ${r.runId} (memory: store — it is gone when this process exits)`));
    return;
  }
  const id = shortId(r.runId);
  err.line(`run ${s.bold(r.runId)}`);
  err.line(
    table(
      [
        [s.cyan(`aigen status ${id}${storeFlag}`), s.dim('steps, states and usage')],
        [s.cyan(`aigen trace ${id}${storeFlag}`), s.dim('the trace tree: steps, model calls, tools, handoffs')],
        [s.cyan(`aigen events ${id}${storeFlag}`), s.dim('every recorded event')],
      ],
      { indent: '  ' },
    ).join('\n'),
  );
}

/** ` --store <url>` when the command was given `--store` on its command line (to repeat in hints), else ''. */
export function storeFlagOf(ctx: CliContext, command: Command): string {
  for (let c: Command | null = command; c; c = c.parent) {
    if (c.getOptionValueSource('store') === 'cli') return ` --store ${quote(redactUrl(ctx.globals.store))}`;
  }
  return '';
}

function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
