import type { Command } from 'commander';
import { ValidationError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { intOption, readRunContext } from '../input.js';
import { exitCodeOfRun, reportRunEnd, storeFlagOf } from '../runEnd.js';
import { workflowFrom } from './replaySupport.js';

function collectSet(value: string, previous: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z0-9_.-]+)\.instructions=(.*)$/s.exec(value);
  if (!m) throw new ValidationError(`--set expects <agent>.instructions=<text>, got '${value}'`, { path: '--set' });
  return { ...previous, [m[1]!]: m[2]! };
}

export function registerFork(program: Command, ctx: CliContext): void {
  program
    .command('fork')
    .description("start a new run that re-executes a run's recorded answers up to a position, then continues live")
    .argument('<runId>', 'a run id or a unique prefix of one')
    .requiredOption('--at <position>', 'stream position of the source run to fork after', intOption(0))
    .option('--model <model>', 'model of the steps that run live')
    .option('--set <agent.instructions=text>', 'new instructions for an agent (repeatable)', collectSet, {})
    .option('--run-context <json|@file>', "the fork's SDK run context (default: the source run's recorded one): a JSON object, or @ and a file holding one")
    .option('--workflow <name|path>', 'the workflow code (default: the agent list or workflow file recorded with the run, else the workflow registered under its name)')
    .action(async (id: string, flags: { at: number; model?: string; set: Record<string, string>; workflow?: string; runContext?: string }, command: Command) => {
      const runContext = readRunContext(flags.runContext);
      const views = await ctx.views();
      const runId = await views.resolveRunId(id);
      const engine = await ctx.engine();
      const workflow = flags.workflow ? await workflowFrom(ctx, flags.workflow) : undefined;
      const { startFork } = await import('../../app/start.js');
      const forkId = await startFork(engine, runId, {
        at: flags.at,
        ...(flags.model ? { model: flags.model } : {}),
        ...(Object.keys(flags.set).length ? { instructions: flags.set } : {}),
        ...(workflow ? { workflow } : {}),
        ...(runContext !== undefined ? { runContext } : {}),
      }, '--at');
      const result = await engine.wait(forkId);
      const final = await views.freshStatus(forkId).catch(() => undefined);
      const forkOf = { runId, position: flags.at };
      if (!ctx.json) ctx.output.err.line(`fork of ${runId} at ${flags.at}: run ${result.runId}`);
      // As `aigen run` reports a run's end: the result, or what a waiting fork waits for and how to decide.
      const report = await reportRunEnd(ctx, result, final, { storeFlag: storeFlagOf(ctx, command), extra: { forkOf } });
      ctx.exitCode = exitCodeOfRun(report.status);
    });
}
