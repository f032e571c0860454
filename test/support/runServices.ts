import type { RunServices } from '../../src/machines/workflow.js';
import { noWaits } from '../../src/journal/waits.js';

/** Services for building a workflow's machine without running it: every call that would run a step fails. */
export function unusedRunServices(): RunServices {
  return {
    runStep: () => Promise.reject(new Error('not run')),
    nextStepId: (agentId) => agentId,
    recordBranch: () => Promise.resolve(),
    runChild: () => Promise.reject(new Error('not run')),
    waits: noWaits,
    maxTurns: 80,
  };
}
