import type { Command } from 'commander';
import type { CancelOutcome } from '../../app/cancel.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../errors.js';
import { paintStatus } from '../format.js';

export function registerCancel(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description('cancel a run in progress (of any process): records RunCancelled, which fences the run')
    .argument('<runId>', 'a run id or a unique prefix of one')
    .option('--reason <text>', 'why (recorded in RunCancelled)', 'cancelled by user (aigen cancel)')
    .addHelpText(
      'after',
      `
The run's stream gets a RunCancelled event, appended at the stream's current version. The process
that runs it (its only writer) sees the event, aborts its in-flight model calls and ends the run
cancelled; its next append would fail anyway, so no step acts after the cancellation. Running child
runs (parallel branches) are cancelled too. A run that already ended is left as it is (exit 2; exit 0 if it was already cancelled).`,
    )
    .action(async (id: string, flags: { reason: string }) => {
      const views = await ctx.views();
      const runId = await views.resolveRunId(id);
      const { cancelRun } = await import('../../app/cancel.js');
      const outcome = await cancelRun(await ctx.openStore(), runId, flags.reason, { requestedBy: 'aigen cancel' });
      if (outcome.outcome === 'ended' && outcome.previousStatus !== 'cancelled') ctx.exitCode = EXIT.usage;
      if (ctx.json) {
        ctx.output.json(toJson(outcome));
        return;
      }
      const { out, err } = ctx.output;
      if (outcome.outcome === 'ended') {
        const line = `run ${runId} already ended (${paintStatus(outcome.previousStatus, err.style)}); nothing to cancel`;
        if (outcome.previousStatus === 'cancelled') out.line(line);
        else err.line(`aigen: ${line}`);
        return;
      }
      out.line(`${out.style.yellow('⊘')} cancelled run ${runId} (was ${outcome.previousStatus})`);
      for (const child of flatten(outcome.children)) if (child.outcome === 'cancelled') out.line(`  ${out.style.yellow('⊘')} child run ${child.runId}`);
    });
}

function flatten(list: readonly CancelOutcome[]): CancelOutcome[] {
  return list.flatMap((c) => [c, ...flatten(c.children)]);
}

function toJson(o: CancelOutcome): Record<string, unknown> {
  return {
    runId: o.runId,
    cancelled: o.outcome === 'cancelled',
    previousStatus: o.previousStatus,
    status: o.outcome === 'cancelled' ? 'cancelled' : o.previousStatus,
    children: o.children.map(toJson),
  };
}
