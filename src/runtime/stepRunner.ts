import {
  InputGuardrailTripwireTriggered, OutputGuardrailTripwireTriggered, Runner, ToolInputGuardrailTripwireTriggered, ToolOutputGuardrailTripwireTriggered,
  type Model,
} from '@openai/agents';
import type { AgentAttempt, StepRunner } from '../actors/agentMachine.js';
import { AigenAgent } from '../actors/agent.js';
import { handoffHistory, handoffTarget, lastAssistantText, toSdkAgent } from '../actors/sdkAgent.js';
import type { Usage } from '../events/common.js';
import { addUsage, zeroUsage } from '../events/usage.js';
import { RecordingModel, toJson, usageOf } from '../journal/recordingModel.js';
import { NestedRuns } from '../journal/nestedRuns.js';
import { mcpTools, type McpTools } from '../journal/mcpTools.js';
import type { Clock } from './clock.js';
import { toErrorInfo } from '../journal/errorInfo.js';
import { GuardrailTrippedError, RunCancelledError, StepTimeoutError } from './errors.js';
import { StepAttemptError, type StepOutcome } from '../actors/outcome.js';
import type { Recorder } from '../journal/recorder.js';
import type { AnswerSource } from '../journal/answers.js';
import type { DeltaBus } from '../journal/deltas.js';
import type { Waits } from '../journal/waits.js';
import type { InFlightCalls } from '../journal/inFlight.js';
import { ToolApprovalUnsupportedError } from './errors.js';
import { isPermanentFailure, retryAfterMs } from './retryAdvice.js';

/** Retry policy of agent steps: exponential backoff from `retryDelayMs`, optional jitter. */
export interface RetryPolicy {
  maxRetries: number;
  retryDelayMs: number;
  jitter: boolean;
}

/** What the step runner of one run needs. */
export interface StepRunnerDeps {
  recorder: Recorder;
  runner: Runner;
  resolveModel: (modelName: string, agent: AigenAgent) => Model | Promise<Model>;
  defaultModel: string;
  retry: RetryPolicy;
  /** Limit of one attempt in ms; 0 or undefined: none. */
  stepTimeoutMs: number | undefined;
  maxTurns: number;
  clock: Clock;
  random: () => number;
  onStepCompleted: (agentId: string, text: string, usage: Usage) => void;
  /** Recorded facts to answer from (replay, resume, fork). */
  answers?: AnswerSource;
  /** Where live model calls publish their output deltas. */
  deltas?: DeltaBus;
  /** Where tool calls that need approval ask for it. */
  waits?: Waits;
  /** The run's live tool calls in flight. */
  inFlight?: InFlightCalls;
  /** The run's SDK run context (`RunContext.context`); each attempt gets its own copy. */
  runContext?: unknown;
  /** False when the run may not contact MCP servers (replay --verify): their tool lists come from the log. Default true. */
  liveServers?: boolean;
}

/**
 * The SDK's tripwire errors as aigen's {@link GuardrailTrippedError}, also when the SDK wrapped
 * one (a tool's tripwire comes as a ToolCallError); any other error as is.
 */
function asGuardrailTrip(err: unknown): unknown {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    if (e instanceof InputGuardrailTripwireTriggered) return new GuardrailTrippedError(e.result.guardrail.name, 'input', e.result.output.outputInfo, { cause: err });
    if (e instanceof OutputGuardrailTripwireTriggered) {
      const result = e.result as { guardrail: { name: string }; output: { outputInfo: unknown } };
      return new GuardrailTrippedError(result.guardrail.name, 'output', result.output.outputInfo, { cause: err });
    }
    if (e instanceof ToolInputGuardrailTripwireTriggered || e instanceof ToolOutputGuardrailTripwireTriggered) {
      return new GuardrailTrippedError(e.result.guardrail.name, e.result.guardrail.type, e.result.output.outputInfo, { cause: err });
    }
    e = (e as { error?: unknown; cause?: unknown }).error ?? (e as { cause?: unknown }).cause;
  }
  return err;

}


/** The agent a nested run's model is resolved for: named after the tool call that runs it. */
function nestedAgent(tool: string): AigenAgent {
  const id = tool.replace(/[^A-Za-z0-9_.-]/g, '_') || 'nested';
  return new AigenAgent(id, { instructions: '', description: `agent run by tool ${tool}` });
}

/** How a model object an agent names is recorded: its `name` when it has one, else its class. */
function modelObjectName(model: Model): string {
  const name = (model as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : model.constructor.name || 'model';
}

/** Backoff before attempt `attempt + 1`: retryDelayMs × 2^(attempt-1), ±25 % jitter when enabled. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const base = policy.retryDelayMs * 2 ** (attempt - 1);
  return Math.round(policy.jitter ? base * (0.75 + random() * 0.5) : base);
}

/**
 * The signal of one attempt: aborted when the run stops the step (cancelled, parked, handed over)
 * or when the step times out. The timeout goes with the abort: a step stopped while it waits on
 * something that never settles (a parked wait) leaves no timer holding the process open.
 */
function linkedSignal(parent: AbortSignal, clock: Clock, timeoutMs: number | undefined, stepId: string) {
  const controller = new AbortController();
  let timer: unknown;
  const onAbort = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    controller.abort(new RunCancelledError(`step ${stepId} cancelled`));
  };
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  if (timeoutMs && !controller.signal.aborted) {
    timer = clock.setTimeout(() => controller.abort(new StepTimeoutError(`step ${stepId} took longer than ${timeoutMs} ms`)), timeoutMs);
  }
  return {
    signal: controller.signal,
    dispose: () => {
      parent.removeEventListener('abort', onAbort);
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}

/**
 * Whether a failed attempt is retried, and after how long: not when the run was cancelled,
 * the error is permanent (a 4xx answer, `retryable: false`) or the retries are used up; after
 * the server's `Retry-After` when it sent one, else after the backoff. Re-execution takes the
 * decision recorded in the log instead.
 */
function retryDecision(deps: StepRunnerDeps, cause: unknown, stepId: string, attempt: number): { willRetry: boolean; retryInMs: number } {
  const recorded = deps.answers?.stepFailure(stepId, attempt);
  if (recorded) return { willRetry: recorded.willRetry, retryInMs: recorded.retryInMs ?? 0 };
  const willRetry = !(cause instanceof RunCancelledError) && !isPermanentFailure(cause) && attempt <= deps.retry.maxRetries;
  if (!willRetry) return { willRetry, retryInMs: 0 };
  return { willRetry, retryInMs: retryAfterMs(cause, deps.clock.now()) ?? backoffMs(deps.retry, attempt, deps.random) };
}

/**
 * Runs one attempt of an agent step through the `@openai/agents` Runner and records it:
 * TaskSent, model and tool events (write-ahead), HandoffRequested, then StepCompleted or
 * StepFailed (with the retry decision). A failure becomes a {@link StepAttemptError}.
 */
export function createStepRunner(deps: StepRunnerDeps): StepRunner {
  // One model per agent and model name for the whole run, so stateful models (the offline
  // model's seeded failures, say) see every attempt of the run.
  const models = new Map<string, Model | Promise<Model>>();
  const modelFor = (modelName: string, agent: AigenAgent) => {
    const key = `${agent.agentId}\u0000${modelName}`;
    let model = models.get(key);
    if (!model) models.set(key, (model = deps.resolveModel(modelName, agent)));
    return model;
  };
  // Runs nested inside tool calls (agents as tools) resolve their models through the run's
  // resolver: the step's runner hands its model provider down to every nested runner.
  const nestedModels = new Map<string, Model | Promise<Model>>();
  const nested = new NestedRuns((name, tool) => {
    const key = `${tool}\u0000${name}`;
    let model = nestedModels.get(key);
    if (!model) nestedModels.set(key, (model = deps.resolveModel(name, nestedAgent(tool))));
    return model;
  }, deps.defaultModel);
  const runner = new Runner({ ...deps.runner.config, modelProvider: nested.provider });
  return async (task: AgentAttempt, parentSignal: AbortSignal): Promise<StepOutcome> => {
    const { agent, stepId, actorId, attempt } = task;
    const { recorder } = deps;
    const meta = { actorId };
    recorder.record('TaskSent', { stepId, agentId: agent.agentId, input: toJson(task.input), attempt }, meta);
    const modelName = agent.model ?? (agent.modelInstance ? modelObjectName(agent.modelInstance) : deps.defaultModel);
    const { signal, dispose } = linkedSignal(parentSignal, deps.clock, deps.stepTimeoutMs, stepId);
    let mcp: McpTools | undefined;
    try {
      const live = deps.deltas ? { live: { bus: deps.deltas, runId: recorder.identity.runId, agentId: agent.agentId } } : {};
      // A model object of the agent's own (an SDK Agent's `model`) is used as it is, and recorded like any other.
      const inner = agent.model === undefined && agent.modelInstance ? agent.modelInstance : await modelFor(modelName, agent);
      const model = new RecordingModel(inner, {
        recorder, stepId, attempt, actorId, modelName, ...live, ...(deps.answers ? { answers: deps.answers } : {}),
      });
      const answers = deps.answers ? { answers: deps.answers } : {};
      const scope = {
        recorder, stepId, actorId, attempt, agentId: agent.agentId, ...answers, ...(deps.waits ? { waits: deps.waits } : {}), ...(deps.inFlight ? { inFlight: deps.inFlight } : {}),
        nested: nested.forAttempt({ recorder, stepId, attempt, actorId, ...answers }),
      };
      if (agent.mcpServers.length > 0) mcp = await mcpTools(agent.mcpServers, { ...scope, attempt, live: deps.liveServers ?? true });
      const { sdk, transfers } = toSdkAgent(agent, model, scope, mcp?.tools);
      // A copy per attempt: what one attempt's tools change in it cannot reach another (re-execution answers them from the log).
      const context = deps.runContext === undefined ? {} : { context: structuredClone(deps.runContext) };
      const result = await runner.run(sdk, task.input, { signal, maxTurns: deps.maxTurns, ...context });
      // Function tools ask through the run's waits; any other SDK interruption has no final output.
      if (result.interruptions.length > 0) throw new ToolApprovalUnsupportedError(result.interruptions.map((i) => i.name ?? i.type));
      const own = result.rawResponses.reduce((sum, r) => addUsage(sum, usageOf(r.usage)), zeroUsage());
      const usage = addUsage(own, nested.usage(stepId, attempt));
      const handoffTo = handoffTarget(result.newItems, transfers);
      const finalOutput: unknown = result.finalOutput;
      const text = handoffTo
        ? lastAssistantText(result.newItems)
        : typeof finalOutput === 'string'
          ? finalOutput
          : JSON.stringify(finalOutput ?? null);
      const output = handoffTo || typeof finalOutput === 'string' ? text : toJson(finalOutput);
      // Both follow deterministically from the durable model responses: buffering them (no extra
      // commit per step) is safe, since re-execution after a crash produces them again.
      if (handoffTo) recorder.record('HandoffRequested', { stepId, from: agent.agentId, to: handoffTo, input: text }, meta);
      recorder.record('StepCompleted', { stepId, agentId: agent.agentId, output: output, usage, attempt }, meta);
      if (recorder.error) throw recorder.error;
      deps.onStepCompleted(agent.agentId, text, usage);
      return { ok: true, stepId, text, output, usage, ...(handoffTo ? { handoffTo, history: handoffHistory(agent, handoffTo, result) } : {}) };
    } catch (err) {
      const cause: unknown = signal.aborted ? (signal.reason ?? err) : asGuardrailTrip(err);
      if (recorder.error) throw new StepAttemptError(toErrorInfo(recorder.error), false, 0);
      // A cancelled run records RunCancelled itself; its aborted step records nothing more.
      if (parentSignal.aborted) throw new StepAttemptError(toErrorInfo(cause), false, 0);
      const { willRetry, retryInMs } = retryDecision(deps, cause, stepId, attempt);
      const info = toErrorInfo(cause);
      await recorder
        .durable(
          'StepFailed',
          { stepId, agentId: agent.agentId, error: info, attempt, willRetry, ...(willRetry ? { retryInMs } : {}) },
          meta,
        )
        .catch(() => undefined);
      if (recorder.error) throw new StepAttemptError(toErrorInfo(recorder.error), false, 0);
      throw new StepAttemptError(info, willRetry, retryInMs);
    } finally {
      dispose();
      await mcp?.close();
    }
  };
}
