import { Agent, tool, type AgentInputItem, type FunctionTool, type Model, type RunItem } from '@openai/agents';
import { z } from 'zod';
import type { Recorder } from '../runtime/recorder.js';
import { toErrorInfo } from '../runtime/errorInfo.js';
import { toJson } from '../models/recordingModel.js';
import type { AnswerSource } from '../runtime/replay/answers.js';
import type { AgentOutputType, AigenAgent } from './agent.js';
import { getTool } from './tools.js';

/** The SDK's handoff tool name for an agent: `transfer_to_<name>` with non-word characters as `_`. */
export function transferToolName(agentId: string): string {
  return `transfer_to_${agentId.replace(/[^a-zA-Z0-9]/g, '_')}`;
}

interface ToolScope {
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

/**
 * Build the `@openai/agents` Agent that one step of an agent actor runs. Handoffs become the
 * SDK's `transfer_to_<agent>` tools, and the run stops as soon as the model calls one, so the
 * workflow actor (not the SDK loop) moves the conversation to the next agent actor.
 */
export function toSdkAgent(agent: AigenAgent, model: Model, scope: ToolScope): { sdk: Agent<unknown, AgentOutputType>; transfers: Map<string, string> } {
  const transfers = new Map<string, string>();
  const transferTools = agent.handoffs.map((target) => {
    const name = transferToolName(target);
    transfers.set(name, target);
    return tool({
      name,
      description: `Handoff to the ${target} agent to handle the request.`,
      parameters: z.object({}),
      execute: () => JSON.stringify({ assistant: target }),
    });
  });
  const tools = agent.tools.map((t) => recordingTool(typeof t === 'string' ? getTool(t) : t, scope));
  const sdk = new Agent<unknown, AgentOutputType>({
    name: agent.agentId,
    instructions: agent.instructions,
    model,
    modelSettings: agent.modelSettings,
    tools: [...tools, ...transferTools] as FunctionTool[],
    outputType: agent.outputType,
    toolUseBehavior: transferTools.length > 0 ? { stopAtToolNames: [...transfers.keys()] } : 'run_llm_again',
  });
  return { sdk, transfers };
}

/** The text of the last assistant message among run items. */
export function lastAssistantText(items: readonly RunItem[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const raw = items[i]!.rawItem as { type?: string; role?: string; content?: unknown };
    if (raw.type === 'message' && raw.role === 'assistant' && Array.isArray(raw.content)) {
      return (raw.content as Array<{ type?: string; text?: string }>)
        .filter((c) => c.type === 'output_text' && typeof c.text === 'string')
        .map((c) => c.text)
        .join('');
    }
  }
  return '';
}

/** The transfer target of the first handoff tool call among run items, if any. */
export function handoffTarget(items: readonly RunItem[], transfers: Map<string, string>): string | undefined {
  for (const item of items) {
    const raw = item.rawItem as { type?: string; name?: string };
    if (raw.type === 'function_call' && raw.name && transfers.has(raw.name)) return transfers.get(raw.name);
  }
  return undefined;
}

export type { AgentInputItem };
