import type { Command } from 'commander';
import { Application } from '../../app/application.js';
import { ValidationError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../errors.js';
import { assertPositionInRun } from '../../app/reads.js';
import { intOption, readUserFile } from '../input.js';
import { loadEngineModules, workflowFrom } from './replaySupport.js';

interface ReplayFlags {
  verify?: boolean;
  at?: number;
  file?: string;
  workflow?: string;
}

export function registerReplay(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description('re-execute a recorded run against the current workflow code, answering every model and tool call from its log, and compare')
    .argument('[runId]', 'a run id or a unique prefix of one (or use --file)')
    .option('--verify', 'accepted and changes nothing: every replay compares each produced event with the recorded one')
    .option('--at <position>', 'time travel: every actor state and context at this stream position (nothing is executed)', intOption(0))
    .option('--file <path>', 'replay a run exported with `aigen export` instead of one in the store')
    .option('--workflow <name|path>', 'the workflow code to replay against (default: the agent list or workflow file recorded with the run, else the workflow registered under its name)')
    .addHelpText('after', '\nExit 0 when the replay matches, 1 on a divergence (printed with a diff).')
    .action(async (id: string | undefined, flags: ReplayFlags) => {
      const { createMemoryStore, importRuns, parseRunFile, runAt, readRun } = await loadEngineModules();
      // A run from a file replays in an application of its own, over a store holding just that file.
      const app = flags.file ? new Application({ store: () => Promise.resolve(createMemoryStore()), engineOptions: () => ctx.engineOptions() }) : ctx.app;
      if (app !== ctx.app) ctx.onClose(() => app.close());
      const store = await app.store();
      let runId: string;
      if (flags.file) {
        const [root] = await importRuns(store, parseRunFile(readUserFile(flags.file), flags.file));
        if (!root) throw new ValidationError(`${flags.file} holds no root run`, { path: flags.file });
        runId = root;
      } else {
        if (!id) throw new ValidationError('give a runId or --file <run.jsonl>', { path: 'runId' });
        runId = await (await ctx.views()).resolveRunId(id);
      }
      if (flags.at !== undefined) {
        const events = await readRun(store, runId);
        assertPositionInRun(runId, flags.at, events.at(-1)?.streamPosition, '--at');
        const at = runAt(events, flags.at);
        if (ctx.json) ctx.output.json(at);
        else {
          ctx.output.out.line(`run ${runId} at position ${at.position} (${at.event?.type ?? 'nothing yet'})`);
          for (const [actor, a] of Object.entries(at.actors)) ctx.output.out.line(`  ${actor.padEnd(28)} ${JSON.stringify(a.state)}${a.context.stepId ? `  step ${a.context.stepId}` : ''}`);
        }
        return;
      }
      const workflow = flags.workflow ? await workflowFrom(ctx, flags.workflow) : undefined;
      const result = await (await app.engine()).replay(runId, workflow ? { workflow } : {});
      const json = { match: result.match, matchedEvents: result.matchedEvents, ...(result.divergence ? { divergence: result.divergence } : {}) };
      if (ctx.json) ctx.output.json(json);
      else if (result.match) ctx.output.out.line(`✓ replay matches: ${result.matchedEvents} events reproduced, no model or tool called`);
      else {
        const d = result.divergence!;
        ctx.output.out.line(`✗ replay diverges at position ${d.position} after ${result.matchedEvents} matching events`);
        ctx.output.out.line(`  recorded: ${d.recorded?.type ?? '(nothing)'}   produced: ${d.produced?.type ?? '(nothing)'}`);
        for (const line of d.diff) ctx.output.out.line(`  ${line}`);
      }
      ctx.exitCode = result.match ? EXIT.ok : EXIT.failed;
    });
}
