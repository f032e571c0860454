import type { Workflow } from '../../machines/workflow.js';

/** The runtime modules the replay family of commands needs, loaded on demand (fast startup). */
export async function loadEngineModules() {
  await import('../../config/index.js'); // installs the workflow-file hook of createWorkflow
  const [engine, testing, files, travel] = await Promise.all([
    import('../../runtime/engine.js'),
    import('../../store/memory/index.js'),
    import('../../runtime/replay/runFiles.js'),
    import('../../runtime/replay/timeTravel.js'),
  ]);
  return { WorkflowEngine: engine.WorkflowEngine, createMemoryStore: testing.createMemoryStore, ...files, runAt: travel.runAt };
}

/** A workflow by registered name, agent list or file path. */
export async function workflowFrom(spec: string): Promise<Workflow> {
  await import('../../config/index.js');
  const { createWorkflow } = await import('../../machines/factory.js');
  return createWorkflow(spec);
}
