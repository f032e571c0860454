import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { intOption } from '../input.js';
import { printable } from '../format.js';
import { cliPrices } from '../prices.js';

interface TraceFlags {
  at?: number;
  sdk: boolean;
  depth?: number;
}

export function registerTrace(program: Command, ctx: CliContext): void {
  program
    .command('trace')
    .description("a run's trace as a tree: steps, model calls, tool calls, approvals, handoffs, branches, child runs")
    .argument('<runId>', 'a run id or a unique prefix of one')
    .option('--at <position>', 'the trace as it was at this stream position of the run', intOption(0))
    .option('--no-sdk', 'hide the recorded @openai/agents SDK spans')
    .option('--depth <n>', 'print at most this many levels below the run', intOption(1))
    .action(async (id: string, flags: TraceFlags) => {
      const views = await ctx.views();
      const runId = await views.resolveRunId(id);
      const [{ priceTrace }, prices] = await Promise.all([import('../../projections/cost.js'), cliPrices(ctx)]);
      const trace = priceTrace(await views.trace(runId, flags.at), prices);
      if (ctx.json) ctx.output.json(trace);
      else ctx.output.out.line(printable(views.renderTrace(trace, { sdk: flags.sdk, ...(flags.depth !== undefined ? { maxDepth: flags.depth } : {}) })));
    });
}
