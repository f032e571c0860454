import type { FunctionTool, RunContext } from '@openai/agents';
import type { AnswerSource } from './answers.js';
import { toErrorInfo } from './errorInfo.js';
import type { InFlightCalls } from './inFlight.js';
import type { NestedCalls } from './nestedRuns.js';
import type { Recorder } from './recorder.js';
import { toJson } from './recordingModel.js';
import { recordingToolInputGuardrails, recordingToolOutputGuardrails } from './recordingGuardrail.js';
import type { ApprovalOutcome, Waits } from './waits.js';

/** Where a tool call belongs: the step of one agent actor, and how it is recorded or answered. */
export interface ToolScope {
  recorder: Recorder;
  stepId: string;
  actorId: string;
  /** The agent calling the tool. */
  agentId?: string;
  /** The step's attempt (default 1): the tool's guardrail checks are recorded per attempt. */
  attempt?: number;
  /** Recorded tool results (replay, resume, fork): used instead of running the tool. */
  answers?: AnswerSource;
  /** Where a call that needs approval asks for it (the run parks until it is decided). */
  waits?: Waits;
  /** The run's live calls in flight (a run that parks lets them finish and record first). */
  inFlight?: InFlightCalls;
  /** Makes the runs nested inside a call (agents used as tools) part of the step. */
  nested?: NestedCalls;
}

/** What the model gets instead of a tool's result when its call was rejected. */
export function rejectionOutput(tool: string, outcome: ApprovalOutcome): string {
  return JSON.stringify({
    status: 'rejected',
    tool,
    by: outcome.by,
    reason: outcome.comment ?? (outcome.timedOut ? 'the approval timed out' : 'no reason given'),
    note: 'The call was not approved, so the tool did not run.',
  });
}

type ApprovalPolicy = FunctionTool<unknown, never>['needsApproval'];

/** The tool's `needsApproval` for this call (a policy function gets the parsed arguments). */
async function needsApproval(policy: ApprovalPolicy | undefined, runContext: RunContext<unknown>, input: string, callId: string): Promise<boolean> {
  if (policy === undefined) return false;
  if (typeof policy === 'boolean') return policy;
  let args: unknown = input;
  try {
    args = JSON.parse(input);
  } catch {
    // A policy of a tool with non-JSON input gets the raw text.
  }
  return (policy as (ctx: RunContext<unknown>, args: unknown, callId?: string) => Promise<boolean>)(runContext, args, callId);
}

/** The arguments as JSON when they parse, else the text: what an approver is shown. */
function content(input: string): unknown {
  try {
    return toJson(JSON.parse(input) as unknown);
  } catch {
    return input;
  }
}

/**
 * Wrap a function tool so each call is recorded: ToolCalled, then ToolReturned durable before the
 * model sees it. A tool whose `needsApproval` holds for the call first asks through the run's
 * waits (ApprovalRequested; the run parks until it is decided): approved, it runs; rejected, the
 * model gets the rejection and its reason as the tool's result. The SDK itself is told no call
 * needs approval, so it never interrupts the run. The tool's input and output guardrails are
 * recorded too (GuardrailChecked per call, see `recordingGuardrail.ts`).
 */
export function recordingTool(t: FunctionTool<unknown, never>, scope: ToolScope, options: { server?: string } = {}): FunctionTool<unknown, never> {
  let calls = 0;
  const policy = t.needsApproval as ApprovalPolicy | undefined;
  const guardrails = {
    recorder: scope.recorder, stepId: scope.stepId, attempt: scope.attempt ?? 1, actorId: scope.actorId,
    ...(scope.answers ? { answers: scope.answers } : {}), ...(scope.nested ? { nested: scope.nested } : {}),
  };
  const inputGuardrails = recordingToolInputGuardrails(t.inputGuardrails, guardrails, t.name);
  const outputGuardrails = recordingToolOutputGuardrails(t.outputGuardrails, guardrails, t.name);
  return {
    ...t,
    ...(inputGuardrails ? { inputGuardrails } : {}),
    ...(outputGuardrails ? { outputGuardrails } : {}),
    needsApproval: () => Promise.resolve(false),
    invoke: async (runContext, input, details) => {
      calls += 1;
      const callId = details?.toolCall?.callId ?? `${scope.stepId}.tool.${calls}`;
      const base = { stepId: scope.stepId, callId, tool: t.name, ...(options.server !== undefined ? { server: options.server } : {}) };
      if (scope.waits && (await needsApproval(policy, runContext, input, callId))) {
        const outcome = await scope.waits.approval({
          approvalId: `${scope.stepId}.approval.${callId}`,
          kind: 'tool',
          name: t.name,
          stepId: scope.stepId,
          ...(scope.agentId !== undefined ? { agentId: scope.agentId } : {}),
          tool: t.name,
          arguments: input,
          prompt: `Allow ${scope.agentId ?? 'the agent'} to call ${t.name}?`,
          content: content(input),
          actorId: scope.actorId,
        });
        if (outcome.decision === 'reject') return rejectionOutput(t.name, outcome);
      }
      scope.recorder.record('ToolCalled', { ...base, arguments: input }, { actorId: scope.actorId });
      // A replay that already diverged must not run a live tool.
      if (scope.recorder.error) throw scope.recorder.error;
      const recorded = scope.answers?.tool(callId);
      const { nested } = scope;
      if (recorded) nested?.answered(callId);
      const settle = async (): Promise<unknown> => {
        let output: unknown;
        try {
          if (recorded && !recorded.ok) throw recorded.error;
          if (!recorded) await scope.recorder.beforeLiveCall(`tool ${t.name} (call ${callId})`); // ToolCalled durable before a live call
          output = recorded
            ? recorded.value
            : nested
              ? await nested.within(callId, t.name, () => t.invoke(runContext, input, details))
              : await t.invoke(runContext, input, details);
        } catch (err) {
          await scope.recorder.durable('ToolFailed', { ...base, error: toErrorInfo(err) }, { actorId: scope.actorId });
          throw err;
        }
        await scope.recorder.durable('ToolReturned', { ...base, output: toJson(output) }, { actorId: scope.actorId });
        return output;
      };
      // A live call runs to its recorded result even when a sibling call parks the run.
      return recorded || !scope.inFlight ? settle() : scope.inFlight.track(settle());
    },
  };
}
