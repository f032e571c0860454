import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { eventJson, eventLine } from '../eventLine.js';
import { follow, followStore } from '../follow.js';
import { redactUrl } from '../../secrets.js';

export function registerTail(program: Command, ctx: CliContext): void {
  program
    .command('tail')
    .description('follow the events of all runs, live, until Ctrl-C')
    .option('--from <position>', "'start', 'end' (default: only new events) or a global position (events after it)", 'end')
    .action(async (flags: { from: string }) => {
      const store = await ctx.openStore();
      const { out, err } = ctx.output;
      if (!ctx.json && err.tty) err.line(err.style.dim(`following ${redactUrl(ctx.globals.store)} (Ctrl-C to stop)`));
      await follow(ctx, followStore(ctx, store, { from: flags.from, filter: { streamPrefix: 'run-' } }), (e) => {
        if (ctx.json) ctx.output.jsonLine(eventJson(e));
        else out.line(eventLine(e, out.style, true));
      });
    });
}
