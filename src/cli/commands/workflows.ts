import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

export function registerWorkflows(program: Command, ctx: CliContext): void {
  program
    .command('workflows')
    .description('list the workflows: built-in, from the project file (aigen.config.ts) and registered')
    .action(async () => {
      const { catalog } = await ctx.project();
      const list = catalog.listWorkflows().map((w) => ({ name: w.name, kind: w.kind ?? 'custom', description: w.description }));
      if (ctx.json) {
        ctx.output.json(list);
        return;
      }
      const { out } = ctx.output;
      const s = out.style;
      for (const line of table(list.map((w) => [s.bold(w.name), s.dim(w.kind), w.description]))) out.line(line);
      out.line();
      out.line(s.dim('Also: comma-separated agent types (aigen run research,writer "…") or a workflow file (aigen run my.yaml "…").'));
    });
}
