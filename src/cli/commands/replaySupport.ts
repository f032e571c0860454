import type { Workflow } from '../../machines/workflow.js';
import type { CliContext } from '../context.js';

/** The runtime modules the replay family of commands needs, loaded on demand (fast startup). */
export async function loadEngineModules() {
  const [testing, files, travel, runs] = await Promise.all([
    import('../../store/memory/index.js'),
    import('../../runtime/replay/runFiles.js'),
    import('../../runtime/replay/timeTravel.js'),
    import('../../app/runs.js'),
  ]);
  return { createMemoryStore: testing.createMemoryStore, ...files, runAt: travel.runAt, readRun: runs.readRun };
}

/** A workflow by registered name, agent type(s) or file path, from the catalog of the project. */
export async function workflowFrom(ctx: CliContext, spec: string): Promise<Workflow> {
  const { resolveWorkflow } = await import('../../app/workflows.js');
  return resolveWorkflow((await ctx.project()).catalog, spec);
}
