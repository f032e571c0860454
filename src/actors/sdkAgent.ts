import { Agent, RunContext, tool, type AgentInputItem, type FunctionTool, type Model, type RunItem, type ToolUseBehavior } from '@openai/agents';
import { z } from 'zod';
import { recordingTool, type ToolScope } from '../journal/recordingTool.js';
import { recordingInputGuardrails, recordingOutputGuardrails } from '../journal/recordingGuardrail.js';
import { NotFoundError } from '../errors.js';
import type { AgentOutputType, AigenAgent } from './agent.js';
import { refuseUnhonouredTools, type AnyHandoff, type AnySdkAgent, type AnyTool } from './sdkFields.js';

type AnyFunctionTool = FunctionTool<unknown, never>;

/** The SDK's handoff tool name for an agent: `transfer_to_<name>` with non-word characters as `_`. */
export function transferToolName(agentId: string): string {
  return `transfer_to_${agentId.replace(/[^a-zA-Z0-9]/g, '_')}`;
}

/** The description of the transfer tool to `target`: what that agent does, when known. */
function transferDescription(agent: AigenAgent, target: string): string {
  const peer = agent.handoffPeers?.get(target);
  const texts = peer ? [peer.description, ...(typeof peer.instructions === 'string' ? [peer.instructions] : [])] : [];
  const about = peer ? ` ${texts.map((t) => t.trim().replace(/([^.!?])$/, '$1.')).join(' ')}` : '';
  return `Handoff to the ${target} agent to handle the request.${about}`;
}

/** aigen's transfer tool to `target`: no arguments, nothing to record (its result follows from the call). */
function plainTransferTool(agent: AigenAgent, target: string): AnyFunctionTool {
  return tool({
    name: transferToolName(target),
    description: transferDescription(agent, target),
    parameters: z.object({}),
    execute: () => JSON.stringify({ assistant: target }),
  });
}

/**
 * The transfer tool of an SDK handoff: its tool name, description, input schema and isEnabled.
 * Its callback (`onHandoff`, with the parsed input) runs when the model calls it; that call is
 * recorded like a tool's, so replay answers it from the log and the callback does not run again.
 */
function sdkTransferTool(h: AnyHandoff, target: string, custom: boolean, scope: ToolScope): AnyFunctionTool {
  const transfer = tool({
    name: h.toolName,
    description: h.toolDescription,
    parameters: h.inputJsonSchema as never,
    strict: h.strictJsonSchema,
    execute: async (input: unknown, runContext?: RunContext<unknown>) => {
      await h.onInvokeHandoff(runContext ?? new RunContext(undefined), input === undefined ? '' : JSON.stringify(input));
      return JSON.stringify({ assistant: target });
    },
  }) as AnyFunctionTool;
  transfer.isEnabled = (runContext, agent) => h.isEnabled({ runContext, agent });
  return custom ? recordingTool(transfer, scope) : transfer;
}

/**
 * When to stop the SDK loop: as the agent's own toolUseBehavior says, and always at a transfer
 * tool (the workflow, not the SDK loop, moves the conversation to the next agent actor).
 */
function stopAtTransfers(behavior: ToolUseBehavior, transfers: ReadonlyMap<string, string>): ToolUseBehavior {
  const names = [...transfers.keys()];
  if (names.length === 0 || behavior === 'stop_on_first_tool') return behavior;
  if (behavior === 'run_llm_again') return { stopAtToolNames: names };
  if (typeof behavior === 'object') return { stopAtToolNames: [...behavior.stopAtToolNames, ...names] };
  const own = behavior;
  return (runContext, results) => {
    const transfer = results.find((r) => transfers.has(r.tool.name) && r.type === 'function_output');
    if (transfer && transfer.type === 'function_output') return { isFinalOutput: true, isInterrupted: undefined, finalOutput: String(transfer.output) };
    return own(runContext, results);
  };
}

/**
 * Build the `@openai/agents` Agent that one step of an agent actor runs. An agent built from an
 * SDK Agent runs a clone of it (every field kept), with the recording model and recording
 * function tools. Handoffs become transfer tools (`transfer_to_<agent>`, or the SDK handoff's
 * own name and options), and the run stops as soon as the model calls one, so the workflow
 * actor (not the SDK loop) moves the conversation to the next agent actor.
 */
export function toSdkAgent(
  agent: AigenAgent,
  model: Model,
  scope: ToolScope,
  /** Tools already recorded (an MCP server's, see `mcpTools`). */
  recorded: readonly AnyFunctionTool[] = [],
): { sdk: AnySdkAgent; transfers: Map<string, string> } {
  refuseUnhonouredTools(agent.tools, agent.agentId);
  const transfers = new Map<string, string>();
  const sdkHandoffs = agent.sdkHandoffEntries();
  const targets = [...new Set([...agent.handoffs, ...sdkHandoffs.keys()])];
  const transferTools = targets.map((target) => {
    const entry = sdkHandoffs.get(target);
    const t = entry ? sdkTransferTool(entry.handoff, target, entry.custom, scope) : plainTransferTool(agent, target);
    transfers.set(t.name, target);
    return t;
  });
  const tools = agent.tools.map((t) => {
    if (typeof t === 'string') return recordingTool(unresolvedTool(t), scope);
    return t.type === 'function' ? recordingTool(t as AnyFunctionTool, scope) : t;
  });
  const guardrailScope = {
    recorder: scope.recorder, stepId: scope.stepId, attempt: scope.attempt ?? 1, actorId: scope.actorId,
    ...(scope.answers ? { answers: scope.answers } : {}), ...(scope.nested ? { nested: scope.nested } : {}),
  };
  const config = {
    instructions: agent.instructions,
    model,
    modelSettings: agent.modelSettings,
    tools: [...tools, ...recorded, ...transferTools] as AnyTool[],
    handoffs: [],
    // aigen connects MCP servers itself and offers their tools recorded (`recorded`).
    mcpServers: [],
    outputType: agent.outputType,
    toolUseBehavior: stopAtTransfers(agent.sdkAgent?.toolUseBehavior ?? 'run_llm_again', transfers),
    // Guardrails run as the SDK runs them; each check is recorded and answered from the log on re-execution.
    inputGuardrails: recordingInputGuardrails(agent.inputGuardrails, guardrailScope),
    outputGuardrails: recordingOutputGuardrails(agent.outputGuardrails, guardrailScope),
  };
  if (!agent.sdkAgent) return { sdk: new Agent<unknown, AgentOutputType>({ name: agent.agentId, ...config }), transfers };
  const original = agent.sdkAgent;
  const sdk = original.clone(config);
  // Lifecycle hooks registered on the user's Agent (agent.on('agent_start', …)) hear the clone's events.
  const emit = sdk.emit.bind(sdk) as (type: string, ...args: unknown[]) => boolean;
  (sdk as unknown as { emit: typeof emit }).emit = (type, ...args) => {
    const heard = emit(type, ...args);
    return (original.emit as typeof emit).call(original, type, ...args) || heard;
  };
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

/** What a handoff's input filter is given from one step's SDK run. */
interface StepRun {
  input: string | AgentInputItem[];
  newItems: RunItem[];
  rawResponses: ReadonlyArray<{ output: readonly unknown[] }>;
  history: AgentInputItem[];
}

/**
 * The conversation the agent a step hands off to receives: the step's history, or what the SDK
 * handoff's `inputFilter` makes of it (the items of the step's last model turn are its
 * `newItems`, the earlier ones its `preHandoffItems`, as in the SDK).
 */
export function handoffHistory(agent: AigenAgent, target: string, run: StepRun): AgentInputItem[] {
  const filter = agent.sdkHandoffEntries().get(target)?.handoff.inputFilter;
  if (!filter) return run.history;
  const last = new Set(run.rawResponses.at(-1)?.output ?? []);
  const firstOfLastTurn = run.newItems.findIndex((item) => last.has(item.rawItem));
  const split = firstOfLastTurn < 0 ? 0 : firstOfLastTurn;
  const filtered = filter({
    inputHistory: typeof run.input === 'string' ? run.input : [...run.input],
    preHandoffItems: run.newItems.slice(0, split),
    newItems: run.newItems.slice(split),
  });
  const before: AgentInputItem[] = typeof filtered.inputHistory === 'string' ? [{ role: 'user', content: filtered.inputHistory }] : [...filtered.inputHistory];
  const items = [...filtered.preHandoffItems, ...filtered.newItems].filter((i) => i.type !== 'tool_approval_item').map((i) => i.rawItem);
  return [...before, ...items];
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
