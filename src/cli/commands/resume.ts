import type { Command } from 'commander';
import { ValidationError } from '../../errors.js';
import type { ExecuteResult } from '../../runtime/runExecution.js';
import type { CliContext } from '../context.js';
import { exportTracesWhileRunning } from '../otel.js';
import { EXIT } from '../errors.js';
import { workflowFrom } from './replaySupport.js';

export function registerResume(program: Command, ctx: CliContext): void {
  program
    .command('resume')
    .description('continue a run whose process died: rebuilt from its log (no recorded step runs again), then live')
    .argument('[runId]', 'a run id or a unique prefix of one')
    .option('--all', 'resume every run left running (runs another process is still executing are skipped)')
    .option('--force', 'take the run over even if the process that last ran it looks alive or is on another host')
    .option('--workflow <name|path>', 'the workflow code (default: the agent list or workflow file recorded with the run, else the workflow registered under its name)')
    .action(async (id: string | undefined, flags: { all?: boolean; workflow?: string; force?: boolean }) => {
      await ctx.openStore();
      await exportTracesWhileRunning(ctx);
      const engine = await ctx.engine();
      const workflow = flags.workflow ? await workflowFrom(ctx, flags.workflow) : undefined;
      let ids: string[];
      if (flags.all) ids = await engine.unfinishedRuns();
      else if (id) ids = [await (await ctx.views()).resolveRunId(id)];
      else throw new ValidationError('give a runId or --all', { path: 'runId' });
      const results: Array<Pick<ExecuteResult, 'runId' | 'error'> & { status: ExecuteResult['status'] | 'busy' }> = [];
      for (const runId of ids) {
        try {
          const r = await engine.resume(runId, { ...(workflow ? { workflow } : {}), ...(flags.force ? { force: true } : {}) });
          results.push({ runId, status: r.status, ...(r.error ? { error: r.error } : {}) });
        } catch (err) {
          if (!flags.all) throw err;
          const e = err as { code?: string; message?: string };
          // --all leaves runs that another process is executing to that process.
          results.push({ runId, status: e.code === 'RUN_BUSY' ? 'busy' : 'failed', error: { code: e.code ?? 'ERROR', message: e.message ?? String(err) } });
        }
      }
      if (ctx.json) ctx.output.json(flags.all ? results : results[0]);
      else if (results.length === 0) ctx.output.err.line('no run left running');
      else for (const r of results) ctx.output.out.line(`${r.status === 'failed' ? '✗' : r.status === 'busy' ? '–' : '✓'} ${r.runId} ${r.status}${r.error ? `: ${r.error.message}` : ''}`);
      ctx.exitCode = results.some((r) => r.status === 'failed') ? EXIT.failed : EXIT.ok;
    });
}
