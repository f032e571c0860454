import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { pendingRows } from '../waiting.js';

/** `aigen approvals`: what waiting runs wait for, oldest first. */
export function registerApprovals(program: Command, ctx: CliContext): void {
  program
    .command('approvals')
    .description('what waiting runs wait for: approvals of tool calls and steps, signals (oldest first)')
    .action(async () => {
      const views = await ctx.views();
      const rows = await views.runs({ status: 'waiting', rootOnly: false, limit: 1000 });
      const { pendingDecisions } = await import('../../app/waits.js');
      const pending = await pendingDecisions(await ctx.openStore(), rows.map((r) => r.runId));
      if (ctx.json) return ctx.output.json(pending);
      const { out, err } = ctx.output;
      if (pending.length === 0) return err.line('nothing waits for a decision');
      const head = ['RUN', 'STEP', 'KIND', 'NAME', 'PROMPT', 'CONTENT', 'SINCE', 'TIMEOUT'].map((h) => out.style.dim(h));
      for (const line of table([head, ...pendingRows(pending)])) out.line(line);
      err.line(err.style.dim('decide with: aigen approve <run> [approvalId] · aigen reject <run> [approvalId] --reason TEXT · aigen signal <run> <name> [json]'));
    });
}
