import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { readUserFile } from '../input.js';
import { loadEngineModules } from './replaySupport.js';

export function registerExportImport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('write a run and its child runs as JSON lines (one recorded event per line) to stdout')
    .argument('<runId>', 'a run id or a unique prefix of one')
    .action(async (id: string) => {
      const { exportRun } = await loadEngineModules();
      const runId = await (await ctx.views()).resolveRunId(id);
      ctx.output.out.write(await exportRun(await ctx.openStore(), runId));
    });
  program
    .command('import')
    .description('append runs exported with `aigen export` to the store (same event ids; importing twice is a no-op)')
    .argument('<file>', 'a .jsonl file, or - for stdin')
    .action(async (file: string) => {
      const { importRuns, parseRunFile } = await loadEngineModules();
      const text = file === '-' ? readFileSync(0, 'utf8') : readUserFile(file);
      const roots = await importRuns(await ctx.openStore(), parseRunFile(text, file));
      if (ctx.json) ctx.output.json({ runIds: roots });
      else for (const r of roots) ctx.output.out.line(r);
    });
}
