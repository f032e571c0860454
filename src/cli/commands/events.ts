import type { Command } from 'commander';
import type { RecordedEvent } from '../../events/envelope.js';
import { eventTypes } from '../../events/catalogue.js';
import { eventDescriptions } from '../../projections/describe.js';
import { runStreamId } from '../../events/streams.js';
import type { CliContext } from '../context.js';
import { eventJson, eventLine } from '../eventLine.js';
import { isTerminalEventType } from '../../events/terminal.js';
import { follow, followStore } from '../follow.js';
import { ValidationError } from '../../errors.js';
import { deltaLine } from '../eventLine.js';

export function registerEvents(program: Command, ctx: CliContext): void {
  program
    .command('events')
    .description("a run's recorded events, in order (JSON lines with --json)")
    .argument('[runId]', 'a run id or a unique prefix of one')
    .option('--types', 'list every event type with what it records, instead of a run\'s events')
    .option('-f, --follow', 'keep printing new events until the run ends (or Ctrl-C)')
    .option('--deltas', 'with --follow: also print model output as it is generated (never stored), between its call\'s events')
    .action(async (id: string | undefined, flags: { follow?: boolean; deltas?: boolean; types?: boolean }) => {
      if (flags.types) {
        if (id !== undefined) throw new ValidationError('--types lists event types: give it no run id', { path: '--types' });
        printTypes(ctx);
        return;
      }
      if (id === undefined) throw new ValidationError("missing run id: `aigen events <runId>`, or `aigen events --types` for what each event type records", { path: 'runId' });
      const views = await ctx.views();
      const store = await ctx.openStore();
      const runId = await views.resolveRunId(id);
      const print = (e: RecordedEvent) => {
        if (ctx.json) ctx.output.jsonLine(eventJson(e));
        else ctx.output.out.line(eventLine(e, ctx.output.out.style));
      };
      if (flags.deltas && !flags.follow) throw new ValidationError('--deltas needs --follow: deltas are live only, never stored', { path: '--deltas' });
      if (!flags.follow) {
        for await (const e of store.readStream(runStreamId(runId))) print(e);
        return;
      }
      if (flags.deltas) {
        const { isDelta, streamRun } = await import('../../runtime/liveStream.js');
        await follow(ctx, streamRun(await ctx.app.deltas(), runId, { subscribe: (o) => followStore(ctx, store, o) }), (item) => {
          if (!isDelta(item)) {
            print(item);
            return isTerminalEventType(item.type);
          }
          if (ctx.json) ctx.output.jsonLine(item);
          else ctx.output.out.line(deltaLine(item, ctx.output.out.style));
          return false;
        });
        return;
      }
      await follow(ctx, followStore(ctx, store, { streamId: runStreamId(runId), from: 'start' }), (e) => {
        print(e);
        return isTerminalEventType(e.type);
      });
    });
}

/** `aigen events --types`: every catalogue type and what it records (JSON lines with --json). */
function printTypes(ctx: CliContext): void {
  const width = Math.max(...eventTypes.map((t) => t.length)) + 2;
  for (const type of eventTypes) {
    const about = eventDescriptions[type].about;
    if (ctx.json) ctx.output.jsonLine({ type, about });
    else ctx.output.out.line(`${ctx.output.out.style.cyan(type.padEnd(width))}${about}`);
  }
}
