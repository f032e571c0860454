import type { Workflow } from '../../machines/workflow.js';
import type { EventStore } from '../../store/eventStore.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../errors.js';

/** What `aigen run --detach --json` prints. */
export interface DetachedJson {
  runId: string;
  workflow: string;
  status: 'queued';
}

/**
 * `aigen run --detach`: record the run (queued) and print its id; a worker executes it. Only a
 * store other processes can share (SQLite, PostgreSQL) has workers.
 */
export async function submitDetached(
  ctx: CliContext,
  store: EventStore,
  workflow: Workflow,
  input: string,
  options: {
    model?: string | undefined;
    maxRetries?: number | undefined;
    retryDelayMs?: number | undefined;
    stepTimeoutMs?: number | undefined;
    runContext?: Record<string, unknown> | undefined;
  },
): Promise<number> {
  const { WorkersUnsupportedError } = await import('../../runtime/errors.js');
  if (store.kind === 'memory') throw new WorkersUnsupportedError('memory', 'detached runs');
  const engine = await ctx.engine();
  const runId = await engine.submit(workflow, input, {
    ...(options.model ? { model: options.model } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}),
    ...(options.runContext !== undefined ? { runContext: options.runContext } : {}),
  });
  if (ctx.json) ctx.output.json({ runId, workflow: workflow.name, status: 'queued' } satisfies DetachedJson);
  else {
    ctx.output.out.line(runId);
    ctx.output.err.line(ctx.output.err.style.dim(`queued: a worker runs it (aigen worker); follow it with aigen tail ${runId}`));
  }
  return EXIT.ok;
}
