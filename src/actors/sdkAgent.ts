import { Agent, tool, type AgentInputItem, type FunctionTool, type Model, type RunItem } from '@openai/agents';
import { z } from 'zod';
import { recordingTool, type ToolScope } from '../journal/recordingTool.js';
import { recordingInputGuardrails, recordingOutputGuardrails } from '../journal/recordingGuardrail.js';
import { NotFoundError } from '../errors.js';
import type { AgentOutputType, AigenAgent } from './agent.js';

/** The SDK's handoff tool name for an agent: `transfer_to_<name>` with non-word characters as `_`. */
export function transferToolName(agentId: string): string {
  return `transfer_to_${agentId.replace(/[^a-zA-Z0-9]/g, '_')}`;
}

/** The agents each agent may hand over to, by id (set by the handoff workflow). */
const handoffPeers = new WeakMap<AigenAgent, ReadonlyMap<string, AigenAgent>>();

/**
 * Tell an agent which agents its handoff ids stand for, so its `transfer_to_<id>` tools describe
 * what each target does (its description and instructions) and a model can choose by meaning.
 */
export function setHandoffPeers(agent: AigenAgent, peers: ReadonlyMap<string, AigenAgent>): void {
  handoffPeers.set(agent, peers);
}

/** The description of the transfer tool to `target`: what that agent does, when known. */
function transferDescription(agent: AigenAgent, target: string): string {
  const peer = handoffPeers.get(agent)?.get(target);
  const about = peer ? ` ${[peer.description, peer.instructions].map((t) => t.trim().replace(/([^.!?])$/, '$1.')).join(' ')}` : '';
  return `Handoff to the ${target} agent to handle the request.${about}`;
}

/**
 * Build the `@openai/agents` Agent that one step of an agent actor runs. Handoffs become the
 * SDK's `transfer_to_<agent>` tools, and the run stops as soon as the model calls one, so the
 * workflow actor (not the SDK loop) moves the conversation to the next agent actor.
 */
export function toSdkAgent(
  agent: AigenAgent,
  model: Model,
  scope: ToolScope,
  /** Tools already recorded (an MCP server's, see `mcpTools`). */
  recorded: readonly FunctionTool<unknown, never>[] = [],
): { sdk: Agent<unknown, AgentOutputType>; transfers: Map<string, string> } {
  const transfers = new Map<string, string>();
  const transferTools = agent.handoffs.map((target) => {
    const name = transferToolName(target);
    transfers.set(name, target);
    return tool({
      name,
      description: transferDescription(agent, target),
      parameters: z.object({}),
      execute: () => JSON.stringify({ assistant: target }),
    });
  });
  const tools = agent.tools.map((t) => recordingTool(typeof t === 'string' ? unresolvedTool(t) : t, scope));
  const guardrailScope = { recorder: scope.recorder, stepId: scope.stepId, attempt: scope.attempt ?? 1, actorId: scope.actorId, ...(scope.answers ? { answers: scope.answers } : {}) };
  const sdk = new Agent<unknown, AgentOutputType>({
    name: agent.agentId,
    instructions: agent.instructions,
    model,
    modelSettings: agent.modelSettings,
    tools: [...tools, ...recorded, ...transferTools] as FunctionTool[],
    outputType: agent.outputType,
    toolUseBehavior: transferTools.length > 0 ? { stopAtToolNames: [...transfers.keys()] } : 'run_llm_again',
    // Guardrails run as the SDK runs them; each check is recorded and answered from the log on re-execution.
    inputGuardrails: recordingInputGuardrails(agent.inputGuardrails, guardrailScope),
    outputGuardrails: recordingOutputGuardrails(agent.outputGuardrails, guardrailScope),
  });
  return { sdk, transfers };
}

/** A tool still named by a string: the engine resolves names against its catalog before a run starts. */
function unresolvedTool(name: string): never {
  throw new NotFoundError('tool', name, { hint: 'tool names are resolved by the engine against its catalog (registerTool, or `tools` in aigen.config.ts)' });
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
