import { z } from 'zod';
import { errorInfoSchema, jsonSchema as writeJson, stateValueSchema, usageSchema } from './common.js';

const id = z.string().min(1);
/** Set on the events of a run nested inside a tool call (an agent used as a tool): that call's callId. */
const nested = z.string().min(1).optional();
/** Set on the events of an MCP tool call: the name of the server that serves the tool. */
const mcpServer = z.string().min(1).optional();

export const runOptionsSchema = z.object({
  maxRetries: z.number().int().nonnegative(),
  retryDelayMs: z.number().nonnegative(),
  stepTimeoutMs: z.number().positive().optional(),
  maxTurns: z.number().int().positive(),
});

/**
 * The process executing a run, recorded when it starts or resumes the run, so that another
 * process can tell whether the run is still being worked on (`aigen resume` refuses then).
 */
export const runOwnerSchema = z.object({ host: z.string().min(1), pid: z.number().int().positive() });

/**
 * What a workflow that is not registered by name was built from, recorded in RunStarted so that
 * resume, replay and fork rebuild it: a list of agent types, or the text of a workflow file
 * (`file` is its absolute path, the base of its `file:` references) and of the files it includes.
 */
export const workflowSourceSchema = z.union([
  z.object({ agents: z.array(z.string().min(1)).min(1) }),
  z.object({
    text: z.string(),
    file: z.string().optional(),
    format: z.enum(['yaml', 'json']).optional(),
    /** Texts of the files it includes (`file:`), by absolute path. */
    includes: z.record(z.string(), z.string()).optional(),
  }),
]);

/** What a workflow was built from (see {@link workflowSourceSchema}). */
export type WorkflowSource = z.infer<typeof workflowSourceSchema>;

/**
 * The catalogue is built twice: on write, JSON fields are checked to be JSON (`z.json()`); on
 * read they come straight from `JSON.parse`, which can only produce JSON, so re-checking them
 * (the costliest part of decoding) is skipped.
 */
function catalogue(jsonSchema: z.ZodType) {
/** Definition of a workflow as recorded in RunStarted: enough to draw its statechart. */
const workflowInfoSchema = z.object({
  name: z.string(),
  kind: z.string(),
  version: z.string().default('1'),
  definition: jsonSchema,
  source: workflowSourceSchema.optional(),
});


return {
  RunStarted: z.object({
    runId: id,
    workflow: workflowInfoSchema,
    input: z.string(),
    options: runOptionsSchema,
    model: z.string(),
    traceId: z.string(),
    parentRunId: z.string().optional(),
    branch: z.string().optional(),
    forkOf: z.object({ runId: id, position: z.number().int().nonnegative() }).optional(),
    owner: runOwnerSchema.optional(),
    /** Submitted for a worker to execute (`engine.submit`, `run --detach`): nobody executes it yet. */
    queued: z.boolean().optional(),
    /** Most runs of this workflow executing at once across all workers. */
    concurrency: z.number().int().positive().optional(),
    /**
     * The run's SDK run context (`RunContext.context` of every agent's run), with secret-named
     * fields scrubbed; re-execution (replay, resume, fork, continuation) supplies it again.
     */
    runContext: jsonSchema.optional(),
  }),
  Transitioned: z.object({
    actorId: id,
    /** Id of the machine the actor runs (a key of the run's definition.machines). */
    machine: z.string().optional(),
    from: stateValueSchema.nullable(),
    to: stateValueSchema,
    event: z.string(),
  }),
  TaskSent: z.object({
    stepId: id,
    agentId: id,
    input: jsonSchema,
    attempt: z.number().int().positive(),
  }),
  ModelCalled: z.object({
    stepId: id,
    callId: id,
    model: z.string(),
    requestDigest: z.string(),
    parentCallId: nested,
  }),
  ModelResponded: z.object({
    stepId: id,
    callId: id,
    model: z.string(),
    response: z.object({ output: z.array(jsonSchema), usage: usageSchema, responseId: z.string().optional() }),
    parentCallId: nested,
  }),
  ModelFailed: z.object({
    stepId: id,
    callId: id,
    model: z.string(),
    error: errorInfoSchema,
    retryable: z.boolean(),
    parentCallId: nested,
  }),
  ToolCalled: z.object({ stepId: id, callId: id, tool: z.string(), arguments: z.string(), parentCallId: nested, server: mcpServer }),
  ToolReturned: z.object({ stepId: id, callId: id, tool: z.string(), output: jsonSchema, parentCallId: nested, server: mcpServer }),
  ToolFailed: z.object({ stepId: id, callId: id, tool: z.string(), error: errorInfoSchema, parentCallId: nested, server: mcpServer }),
  /**
   * The tools an MCP server offered to the agent of a step, as listed when the step ran: replay
   * builds the same tools from this list without contacting the server.
   */
  McpToolsListed: z.object({
    stepId: id,
    attempt: z.number().int().positive(),
    server: z.string().min(1),
    tools: z.array(z.object({ name: z.string().min(1), description: z.string().optional(), inputSchema: jsonSchema })),
  }),
  /**
   * A guardrail checked an agent's input or final output, or a tool call's arguments or result
   * (`callId`): its decision, durable before the SDK acts on it, so re-execution answers it from
   * the log without running the guardrail. `behavior` is a tool guardrail's (allow,
   * rejectContent with its message, throwException); `error` is set when the guardrail threw.
   */
  GuardrailChecked: z.object({
    stepId: id,
    attempt: z.number().int().positive(),
    guardrail: z.string(),
    kind: z.enum(['input', 'output', 'tool_input', 'tool_output']),
    callId: z.string().optional(),
    tool: z.string().optional(),
    tripwireTriggered: z.boolean(),
    outputInfo: jsonSchema.optional(),
    behavior: z
      .object({ type: z.enum(['allow', 'rejectContent', 'throwException']), message: z.string().optional() })
      .optional(),
    error: errorInfoSchema.optional(),
  }),
  HandoffRequested: z.object({ stepId: id, from: id, to: id, input: jsonSchema }),
  BranchTaken: z.object({ stepId: id, branch: z.string(), reason: z.string() }),
  StepCompleted: z.object({
    stepId: id,
    agentId: id,
    output: jsonSchema,
    usage: usageSchema,
    attempt: z.number().int().positive(),
  }),
  StepFailed: z.object({
    stepId: id,
    agentId: id,
    error: errorInfoSchema,
    attempt: z.number().int().positive(),
    willRetry: z.boolean(),
    retryInMs: z.number().nonnegative().optional(),
  }),
  ChildRunStarted: z.object({ childRunId: id, branch: z.string() }),
  ChildRunFinished: z.object({
    childRunId: id,
    branch: z.string(),
    status: z.enum(['completed', 'partial', 'failed', 'cancelled']),
    output: jsonSchema.optional(),
    error: errorInfoSchema.optional(),
  }),
  SpanRecorded: z.object({
    traceId: z.string(),
    spanId: z.string(),
    parentId: z.string().nullable(),
    spanType: z.string(),
    name: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    data: jsonSchema,
  }),
  RunResumed: z.object({
    /** Stream position of the last event before the resume: the log re-execution rebuilds from. */
    fromPosition: z.number().int().min(-1),
    reason: z.string(),
    /** The process that took the run over. */
    owner: runOwnerSchema.optional(),
  }),
  /** A worker (or the process that started the run) took the run over under a lease. */
  RunClaimed: z.object({
    workerId: id,
    owner: runOwnerSchema,
    /** Length of the lease the worker renews while it works on the run. */
    leaseMs: z.number().int().positive(),
    /** Stream position of the last event before the claim. */
    fromPosition: z.number().int().min(-1),
  }),
  /** A worker gave the run back (it drains): another worker continues it at once. */
  RunReleased: z.object({ workerId: id, reason: z.string() }),
  /**
   * The run asks someone to approve something before it goes on: a tool call (`kind: 'tool'`,
   * `tool` and `arguments` set) or a workflow step's input (`kind: 'step'`). `content` is what to
   * approve. With `timeout`, the run decides `onTimeout` by itself once `dueAt` has passed.
   */
  ApprovalRequested: z.object({
    approvalId: id,
    kind: z.enum(['tool', 'step']),
    /** The tool's name or the approval step's name. */
    name: z.string().min(1),
    stepId: id,
    agentId: z.string().optional(),
    tool: z.string().optional(),
    arguments: z.string().optional(),
    prompt: z.string(),
    content: jsonSchema,
    timeout: z.object({ dueAt: z.iso.datetime({ offset: true }), onTimeout: z.enum(['approve', 'reject']) }).optional(),
  }),
  /**
   * Someone (or the timeout, `by: 'timeout'`) decided an approval. A rejection's reason is its
   * `comment`; `output` is the approver's edited content of a step approval.
   */
  ApprovalDecided: z.object({
    approvalId: id,
    decision: z.enum(['approve', 'reject']),
    by: z.string().min(1),
    comment: z.string().optional(),
    output: jsonSchema.optional(),
    timedOut: z.boolean().optional(),
  }),
  /** The run waits for a named signal; `schema` (JSON Schema) checks its payload. */
  SignalAwaited: z.object({
    signalId: id,
    name: z.string().min(1),
    stepId: id,
    schema: jsonSchema.optional(),
    prompt: z.string().optional(),
    dueAt: z.iso.datetime({ offset: true }).optional(),
  }),
  /** A signal the run waited for arrived with its payload. */
  SignalReceived: z.object({ signalId: id, name: z.string().min(1), payload: jsonSchema, by: z.string().min(1) }),
  /**
   * A durable timer: a sleep, or the timeout of an approval or signal (`for` is its id). The run
   * is runnable again once `dueAt` has passed; TimerFired records that it fired, once.
   */
  TimerStarted: z.object({
    timerId: id,
    dueAt: z.iso.datetime({ offset: true }),
    stepId: z.string().optional(),
    purpose: z.enum(['sleep', 'timeout']),
    for: z.string().optional(),
  }),
  /** A timer's due time passed and the run went on. */
  TimerFired: z.object({ timerId: id }),
  /**
   * The run parks because its parallel branch `childRunId` waits: `waitingFor` is what the branch
   * (or a branch of it, `runId`) waits for. Not reproduced on re-execution (whether a branch still
   * waits depends on when it was decided), so replay does not compare it.
   */
  BranchParked: z.object({
    childRunId: id,
    branch: z.string(),
    waitingFor: z.array(
      z.object({
        kind: z.enum(['approval', 'signal', 'timer']),
        id,
        /** The run that waits: the branch, or a branch of it. */
        runId: id,
        name: z.string(),
        prompt: z.string().optional(),
        content: jsonSchema.optional(),
        stepId: z.string().optional(),
        dueAt: z.iso.datetime({ offset: true }).optional(),
        timerId: z.string().optional(),
      }),
    ),
  }),
  /**
   * A wait of a parallel branch (run `runId`, wait `id`) that parked this run was answered there
   * (ApprovalDecided, SignalReceived): recorded by the decision in every run above the branch.
   */
  BranchAnswered: z.object({ runId: id, id }),
  RunCompleted: z.object({
    output: jsonSchema,
    partial: z.boolean(),
    usage: usageSchema,
    durationMs: z.number().nonnegative(),
  }),
  RunFailed: z.object({
    error: errorInfoSchema,
    usage: usageSchema,
    durationMs: z.number().nonnegative(),
    /** Re-execution of the log (a resume, continuation or claim) diverged: where, and both sides. */
    divergence: z
      .object({
        position: z.number().int().nonnegative(),
        recorded: z.object({ type: z.string(), data: jsonSchema }).optional(),
        produced: z.object({ type: z.string(), data: jsonSchema }).optional(),
        diff: z.array(z.string()),
      })
      .optional(),
  }),
  RunCancelled: z.object({ reason: z.string(), usage: usageSchema, durationMs: z.number().nonnegative() }),
} as const;
}

/** Data schemas of every event type, keyed by type, as checked on write. The type names are a stable contract: stored logs, replays and clients depend on them. */
export const eventDataSchemas = catalogue(writeJson);

/** The same schemas for reading stored payloads (JSON fields not re-checked). */
export const eventReadSchemas = catalogue(z.unknown());

/** Every event type name of the catalogue. */
export type EventType = keyof typeof eventDataSchemas;
/** The data payload of event type `T`. */
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;
/** Every catalogue type name, in catalogue order. */
export const eventTypes = Object.keys(eventDataSchemas) as EventType[];

/** Current schema version of every event type; bump it and add an upcaster when a payload changes. */
export const currentSchemaVersion = 1;
