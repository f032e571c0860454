/**
 * What the browser UI imports as `./run-state.js`: the run-state reducer and the terminal event
 * types, bundled from this file by the server (see `src/server/browserModule.ts`), and the types
 * of what the API sends, for `tsc -p web/tsconfig.json` (which maps `web/run-state.js` here).
 */
import type { EventData } from '../../events/catalogue.js';
import type { WorkflowDefinition } from '../../machines/definition.js';
import type { RunRow as RunRowView } from '../api.js';
import type { CostedStatus } from '../cost.js';
import type { RunState } from '../runState.js';

export { evolve, foldRunState, initialRunState } from '../runState.js';
export { TERMINAL_EVENT_TYPES, isTerminalEventType } from '../../events/terminal.js';
export { aboutEventType, summarizeEvent } from '../describe.js';

export type { RunState, StepView, ActorView, ActorTask, WaitingFor, ApprovalView, RunLifecycle } from '../runState.js';
export type { AigenEvent, RecordedEvent } from '../../events/envelope.js';
export type { ErrorInfo, StateValue, Usage } from '../../events/common.js';
export type { TraceView, TraceSpan } from '../api.js';
export type { WorkflowDefinition, MachineDefinition, StateDefinition } from '../../machines/definition.js';

/** `GET /api/runs/:id/definition`: the workflow recorded in the run's RunStarted. */
export type RunDefinition = Omit<EventData<'RunStarted'>['workflow'], 'definition'> & { runId: string; definition: WorkflowDefinition };

/** `GET /api/runs/:id`: the run state with its cost. */
export type RunStatusJson = CostedStatus<RunState>;

/** A row of `GET /api/runs`: USD cost, or null when a model of the run has no price; absent in live updates. */
export type RunRow = RunRowView & { costUsd?: number | null };
