import type { Command } from 'commander';
import type { RecordedEvent } from '../../events/envelope.js';
import type { CliContext } from '../context.js';
import { eventJson, eventLine } from '../eventLine.js';
import { follow, followStore } from '../follow.js';
import { runStreamId } from '../../events/streams.js';
import { isTerminalEventType } from '../../events/terminal.js';
import { redactUrl } from '../../secrets.js';

export function registerTail(program: Command, ctx: CliContext): void {
  program
    .command('tail')
    .description("follow the events of all runs, live, until Ctrl-C; with a run id, that run's events until it ends")
    .argument('[runId]', "a run id or a unique prefix of one: its events from the start, then live, until it ends (as `events <runId> --follow`)")
    .option('--from <position>', "without a run id: 'start', 'end' (default: only new events) or a global position (events after it)", 'end')
    .action(async (id: string | undefined, flags: { from: string }) => {
      const store = await ctx.openStore();
      const { out, err } = ctx.output;
      const print = (e: RecordedEvent, withRun: boolean) => {
        if (ctx.json) ctx.output.jsonLine(eventJson(e));
        else out.line(eventLine(e, out.style, withRun));
      };
      if (id !== undefined) {
        const runId = await (await ctx.views()).resolveRunId(id);
        await follow(ctx, followStore(ctx, store, { streamId: runStreamId(runId), from: 'start' }), (e) => {
          print(e, false);
          return isTerminalEventType(e.type);
        });
        return;
      }
      if (!ctx.json && err.tty) err.line(err.style.dim(`following ${redactUrl(ctx.globals.store)} (Ctrl-C to stop)`));
      await follow(ctx, followStore(ctx, store, { from: flags.from, filter: { streamPrefix: 'run-' } }), (e) => print(e, true));
    });
}
