import { Option, type Command } from 'commander';
import type { RunRow } from '../../projections/api.js';
import type { RunLifecycle } from '../../projections/status.js';
import { RUN_LIFECYCLES } from '../../projections/runState.js';
import type { CliContext } from '../context.js';
import { formatAgo, formatDuration, formatTokens, oneLine, paintStatus, shortId, table } from '../format.js';
import { intOption } from '../input.js';
import { redactUrl } from '../../secrets.js';
import { cliPrices, formatCost } from '../prices.js';

const STATUSES: readonly RunLifecycle[] = RUN_LIFECYCLES;

interface RunsFlags {
  status?: RunLifecycle;
  workflow?: string;
  limit: number;
  children?: boolean;
}

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command('runs')
    .description('list recorded runs, newest first')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(STATUSES))
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--limit <n>', 'at most this many runs', intOption(1), 20)
    .option('--children', 'include child runs (parallel branches)')
    .action(async (flags: RunsFlags) => {
      const views = await ctx.views();
      const rows = await views.runs({
        ...(flags.status ? { status: flags.status } : {}),
        ...(flags.workflow ? { workflow: flags.workflow } : {}),
        rootOnly: flags.children !== true,
        limit: flags.limit,
      });
      const costed = await views.priceRuns(rows, await cliPrices(ctx));
      if (ctx.json) ctx.output.json(costed);
      else printRuns(ctx, costed);
    });
}

function printRuns(ctx: CliContext, rows: ReadonlyArray<RunRow & { costUsd: number | null }>): void {
  const { out, err } = ctx.output;
  const s = out.style;
  if (rows.length === 0) {
    err.line(`no runs in ${redactUrl(ctx.globals.store)}; start one with: aigen run content_generation "Generate content about AI"`);
    return;
  }
  const now = Date.now();
  const lines = table([
    ['RUN', 'WORKFLOW', 'STATUS', 'WORKER', 'STARTED', 'WALL', 'ACTIVE', 'TOKENS', 'COST', 'INPUT'].map((h) => s.dim(h)),
    ...rows.map((r) => [
      s.bold(shortId(r.runId)),
      r.workflow,
      paintStatus(r.status, s),
      r.worker ?? '-',
      formatAgo(r.startedAt, now),
      r.durationMs === undefined ? '-' : formatDuration(r.durationMs),
      formatDuration(r.activeMs),
      formatTokens(r.usage).replace(' tokens', '') || '-',
      formatCost(r.costUsd),
      oneLine(r.inputPreview, 40),
    ]),
  ]);
  for (const line of lines) out.line(line);
}
