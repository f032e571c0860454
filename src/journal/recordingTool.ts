import type { FunctionTool } from '@openai/agents';
import type { AnswerSource } from './answers.js';
import { toErrorInfo } from './errorInfo.js';
import type { Recorder } from './recorder.js';
import { toJson } from './recordingModel.js';

/** Where a tool call belongs: the step of one agent actor, and how it is recorded or answered. */
export interface ToolScope {
  recorder: Recorder;
  stepId: string;
  actorId: string;
  /** Recorded tool results (replay, resume, fork): used instead of running the tool. */
  answers?: AnswerSource;
}

/** Wrap a function tool so each call is recorded: ToolCalled, then ToolReturned durable before the model sees it. */
export function recordingTool(t: FunctionTool<unknown, never>, scope: ToolScope): FunctionTool<unknown, never> {
  let calls = 0;
  return {
    ...t,
    invoke: async (runContext, input, details) => {
      calls += 1;
      const callId = details?.toolCall?.callId ?? `${scope.stepId}.tool.${calls}`;
      const base = { stepId: scope.stepId, callId, tool: t.name };
      scope.recorder.record('ToolCalled', { ...base, arguments: input }, { actorId: scope.actorId });
      // A replay that already diverged must not run a live tool.
      if (scope.recorder.error) throw scope.recorder.error;
      let output: unknown;
      try {
        const recorded = scope.answers?.tool(callId);
        if (recorded && !recorded.ok) throw recorded.error;
        if (!recorded) await scope.recorder.flush(); // ToolCalled durable before a live call
        output = recorded ? recorded.value : await t.invoke(runContext, input, details);
      } catch (err) {
        await scope.recorder.durable('ToolFailed', { ...base, error: toErrorInfo(err) }, { actorId: scope.actorId });
        throw err;
      }
      await scope.recorder.durable('ToolReturned', { ...base, output: toJson(output) }, { actorId: scope.actorId });
      return output;
    },
  };
}
