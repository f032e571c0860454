/** What the CLI and the server both do: resolve run ids and workflow specs, start, cancel, fork, read. */
export { Application, type ApplicationParts } from './application.js';
export { readRun, resolveRunId } from './runs.js';
export { resolveWorkflow, type ResolveWorkflowOptions } from './workflows.js';
export { startRun, startFork, submitRun, type StartRequest } from './start.js';
export { withLiveness, oneWithLiveness, runsWithLiveness } from './liveness.js';
export { cancelRun, type CancelOutcome, type CancelOptions } from './cancel.js';
export { UnknownWorkflowError } from './errors.js';
export { pendingOf, pendingOfState, pendingDecisions, type PendingDecision } from './waits.js';
export { recordDecision, sendSignal, pendingApproval, editedOutput, type DecisionRequest, type DecisionOutcome } from './decide.js';
