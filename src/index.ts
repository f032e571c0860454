/**
 * aigen: an event-sourced actor runtime for AI-agent workflows.
 * Every export is documented at its definition, with an example.
 */
export { AigenError, ValidationError, NotFoundError, StoreUnavailableError, errorMessage } from './errors.js';

// Events
export {
  eventDataSchemas,
  eventTypes,
  currentSchemaVersion,
  type EventType,
  type EventData,
} from './events/catalogue.js';
export { aigenCodec, createCodec, type EventCodec, type EncodedEvent, type RawEvent, type Upcaster } from './events/codec.js';
export type { Usage, ErrorInfo, StateValue } from './events/common.js';
export { addUsage, zeroUsage } from './events/usage.js';
export {
  MAX_EVENT_BYTES,
  metadataSchema,
  type AigenEvent,
  type EventMetadata,
  type NewAigenEvent,
  type NewEvent,
  type RecordedEvent,
} from './events/envelope.js';
export { CorruptEventError, EventTooLargeError, EventValidationError, type EventLocation } from './events/errors.js';
export { runStreamId, runIdOfStream, streamCategory, RUN_CATEGORY } from './events/streams.js';
export { TERMINAL_EVENT_TYPES, isTerminalEventType, type TerminalEventType } from './events/terminal.js';

// Store
export * from './store/index.js';

// Agents
export { AigenAgent, toAigenAgent, type AgentOptions, type AgentOutputType, type AgentInstructions, type HandoffTarget } from './actors/agent.js';
export { agentIdOf, UnhonouredFieldError } from './actors/sdkFields.js';
export { builtinAgent, builtinAgents, type AgentFactory, type AgentTypeMeta, type AgentMaker } from './actors/registry.js';
export { builtinAgentTypes } from './actors/builtins.js';

// The catalog: agents, tools and workflows by name; the project file (aigen.config.ts)
export {
  Catalog,
  defaultCatalog,
  createAgent,
  registerAgentFactory,
  listAgentTypes,
  hasAgentType,
  registerTool,
  getTool,
  listTools,
  createWorkflow,
  registerWorkflowFactory,
  listWorkflows,
  type CatalogOptions,
  type AnyFunctionTool,
  type WorkflowFactory,
  type WorkflowMeta,
} from './config/catalog.js';
export {
  defineConfig,
  projectConfigSchema,
  validateProjectConfig,
  applyProjectConfig,
  type ProjectConfig,
  type AgentDefinition,
  type WorkflowEntry,
  type ModelPrice,
} from './config/project.js';
export { loadProject, type LoadedProject, type LoadProjectOptions } from './config/projectFile.js';
export { findProjectFile, PROJECT_FILE_NAMES } from './config/projectPath.js';
export { ProjectFileError } from './config/projectErrors.js';

// Workflows
export { Workflow, type Step, type StepInput, type RunServices, type BuildContext, type WorkflowContext, type WorkflowInput, type WorkflowStatus } from './machines/workflow.js';
export {
  workflowSetup,
  invokeStep,
  failWhenStepFails,
  finalStates,
  initialContext,
  workflowOutput,
  outcomeOf,
  type StepInvocation,
} from './machines/setup.js';
export type { StepOutcome } from './actors/outcome.js';
export { DeterministicWorkflow, frameNext, type DeterministicWorkflowOptions } from './machines/deterministic.js';
export { HandoffWorkflow, type HandoffWorkflowOptions } from './machines/handoff.js';
export { BranchingWorkflow, extractContentType, type BranchExtractor, type BranchingWorkflowOptions } from './machines/branching.js';
export { ParallelWorkflow, aggregationInput, type ParallelWorkflowOptions } from './machines/parallel.js';
export { LoopWorkflow, approvesDraft, type ApprovalRule, type LoopWorkflowOptions } from './machines/loop.js';
export {
  WaitingStep,
  ApprovalStep,
  SignalStep,
  SleepStep,
  type ApprovalStepOptions,
  type SignalStepOptions,
  type SleepStepOptions,
} from './machines/waitingSteps.js';
export { validatePayload, compilePayloadSchema, type JsonSchema } from './machines/payloadSchema.js';
export { parseDuration } from './machines/duration.js';
export { exportDefinition, type WorkflowDefinition, type MachineDefinition, type StateDefinition } from './machines/definition.js';

// Models
export { defaultModelResolver, assertModelAvailable, DEFAULT_MODEL, type ModelResolver } from './models/resolveModel.js';

// Runtime
export { WorkflowEngine, DEFAULT_STEP_TIMEOUT_MS, type EngineOptions, type RunOptions, type ExecuteOptions, type WorkflowOrName } from './runtime/engine.js';
// Live model output
export { type ModelDelta } from './journal/deltas.js';
export { type StreamItem } from './journal/liveMerge.js';
export { isDelta, type RunStream } from './runtime/liveStream.js';
export { LiveDeltas } from './runtime/liveDeltas.js';
export { Application, type ApplicationParts } from './app/application.js';
export { Context } from './runtime/context.js';
export { systemClock, type Clock } from './runtime/clock.js';
export { WorkflowError, MaxTurnsExceededError, ApprovalRejectedError } from './machines/errors.js';
export { MissingApiKeyError } from './models/errors.js';
export { StepTimeoutError, RunCancelledError, WorkersUnsupportedError, GuardrailTrippedError } from './runtime/errors.js';
export { Worker, type WorkerOptions, type WorkerLog } from './runtime/worker.js';
export { DEFAULT_LEASE_MS } from './runtime/runLeases.js';
export type { ClaimOutcome } from './runtime/claimRun.js';
export type { ExecuteResult, RunStatusValue } from './runtime/runExecution.js';
export {
  noWaits,
  type Waits,
  type ApprovalRequest,
  type ApprovalOutcome,
  type SignalRequest,
  type SignalOutcome,
  type SleepRequest,
  type ParkedWait,
} from './journal/waits.js';
export { SignalTimedOutError } from './journal/waitJournal.js';
export { NotWaitingError, ToolApprovalUnsupportedError } from './runtime/errors.js';
export { describeWaits, type ApproveOptions, type RejectOptions, type SignalOptions, type DecisionResult } from './runtime/decide.js';
export { rejectionOutput } from './journal/recordingTool.js';
export { issueRefundTool } from './actors/refundDesk.js';

// Projections
export { defineProjection, project, readsType, type Projection, type ProjectionHandlers, type EventOf } from './events/projection.js';
export { declaredProjections } from './projections/declared.js';
export { foldRunStatus, type RunStatus } from './projections/status.js';
export {
  runStateProjection,
  evolve,
  initialRunState,
  foldRunState,
  completedOutputs,
  type RunState,
  type RunLifecycle,
  type StepView,
  type ActorView,
  type ActorTask,
  type WaitingFor,
  type ApprovalView,
  type WaitStepView,
} from './projections/runState.js';
export { domainWorkflow, refundDesk, type FactoryOptions } from './machines/builtins.js';

// Workflow files
export {
  WorkflowFileError,
  UnrecordedWorkflowError,
  recordedWorkflow,
  type RecordedWorkflowInfo,
  loadWorkflowFile,
  parseWorkflowSource,
  isWorkflowFilePath,
  workflowFileSchema,
  workflowKinds,
  type ParseWorkflowOptions,
  type WorkflowKind,
  type WorkflowSpec,
  type StepSpec,
  type AgentSpec,
  type RetrySpec,
  type BranchRuleSpec,
  type FileIssue,
} from './config/index.js';
export { workflowSourceSchema, type WorkflowSource } from './events/catalogue.js';
export { RunFinishedError, RunBusyError } from './runtime/errors.js';
export { ReplayDivergenceError } from './journal/replayRecorder.js';
export { diffJson, type Divergence } from './journal/compare.js';
export { LiveCallInReplayError, type ReplayResult, type ForkOptions } from './runtime/replay/engineSupport.js';
export { type ResumeOptions } from './runtime/resume.js';
export { exportRun, importRuns, parseRunFile } from './runtime/replay/runFiles.js';
export { runAt, type RunAt, type ActorAt } from './runtime/replay/timeTravel.js';

// Projections: views, runner, views at a position, live watch
export type { Projections, RunRow, RunsQuery, RunsPage, TraceView, TraceSpan, UsageLine, UsageView, PriceTable, WatchUpdate } from './projections/api.js';
export { openProjections, openViewStore } from './projections/open.js';
export { StoreProjections, type ProjectionsHandle, type ProjectionsOptions, type TraceOptions } from './projections/projections.js';
export { ProjectionRunner, type RunnerOptions } from './projections/runner.js';
export { statusAt, traceAt, type ForkLookup } from './projections/at.js';
export { watchRun } from './projections/watch.js';
export { renderTraceTree, traceToJson, traceView, type RenderTraceOptions } from './projections/traceTree.js';
export { DEFAULT_PRICES, costUsd, buildUsageView } from './projections/usage.js';
export { priceEvents, priceTrace, runCost, withCost, type CostedStatus, type RunCost } from './projections/cost.js';
export { RunMetrics, type RunMetricsOptions } from './projections/metrics.js';
export { openCheckpointStore, type CheckpointStore } from './projections/checkpoints.js';
export {
  applyRunSpans,
  LogSpanExporter,
  otelTraceId,
  otlpEnabled,
  runSpanId,
  startRunSpans,
  startTraceExport,
  type LogSpan,
  type LogSpanExporterOptions,
  type OtlpSink,
  type RunSpans,
  type SpanSink,
  type TraceExport,
} from './projections/otel/index.js';
export { applyRunViews, foldRunViews, PROJECTION_VERSIONS, type RunViews } from './projections/fold.js';
export { EventRejectedError, CheckpointConflictError } from './projections/errors.js';
export type { ViewStore, ProjectionError } from './projections/viewStore.js';
export { createServer, serve, type ServerOptions, type RunningServer } from './server/index.js';
