import { Catalog, createAgent, DeterministicWorkflow } from '../../src/index.js';

/** The bench's workflow: three agents in a row, registered so workers rebuild it by name. */
export const BENCH_WORKFLOW = 'bench3';
export const STEPS_PER_RUN = 3;

export function benchWorkflow(): DeterministicWorkflow {
  return new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('writer'), createAgent('editor')], name: BENCH_WORKFLOW });
}

export function benchCatalog(): Catalog {
  return new Catalog().registerWorkflow(BENCH_WORKFLOW, benchWorkflow, { description: 'bench: three steps' });
}
