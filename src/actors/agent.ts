import { handoff as sdkHandoff, type AgentOutputType as SdkOutputType, type InputGuardrail, type MCPServer, type Model, type ModelSettings, type OutputGuardrail, type RunContext } from '@openai/agents';
import { ValidationError } from '../errors.js';
import { agentIdOf, isSdkAgent, isSdkHandoff, refuseUnhonouredTools, type AnyHandoff, type AnySdkAgent, type AnyTool } from './sdkFields.js';

/** What an agent answers with: `'text'`, or a structured type (a zod object, a JSON schema definition), as in the SDK. */
export type AgentOutputType = SdkOutputType;

/** An agent's instructions, as in the SDK: a string, or a function (sync or async) of the run context and the agent. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AgentInstructions = string | ((runContext: RunContext<any>, agent: AnySdkAgent) => string | Promise<string>);

/** Where an agent may hand over: an agent id, an agent, an SDK `Agent`, or an SDK `handoff(agent, { … })`. */
export type HandoffTarget = string | AigenAgent | AnySdkAgent | AnyHandoff;

/** Options of an {@link AigenAgent}. */
export interface AgentOptions {
  /** Unique id within a workflow; defaults to the type. */
  agentId?: string;
  instructions?: AgentInstructions;
  /** Model name; defaults to the run's model (`offline` unless told otherwise). */
  model?: string;
  modelSettings?: ModelSettings;
  /** Tools: SDK tools (function tools are recorded), or names registered with `registerTool`. */
  tools?: Array<AnyTool | string>;
  /** Agent ids this agent may hand over to. */
  handoffs?: string[];
  outputType?: AgentOutputType;
  /** One line that tells other agents (and handoff tool descriptions) what this agent does. */
  description?: string;
  /**
   * `@openai/agents` input guardrails: they check the step's input before its first model call;
   * a tripwire fails the step (GUARDRAIL_TRIPPED, not retried). Each check is recorded.
   */
  inputGuardrails?: InputGuardrail[];
  /** `@openai/agents` output guardrails: they check the step's final output; a tripwire fails the step. */
  outputGuardrails?: Array<OutputGuardrail<never>>;
  /** MCP servers (`MCPServerStdio`, `MCPServerStreamableHttp`) whose tools the agent may call; aigen connects them when a step needs them. */
  mcpServers?: MCPServer[];
}

/** An SDK handoff of an agent, and whether the user built it (`handoff(…)`: its callback runs, recorded). */
interface SdkHandoffEntry {
  handoff: AnyHandoff;
  custom: boolean;
}

/**
 * An agent of a workflow: the configuration of one `@openai/agents` Agent that an agent actor
 * runs. Create them with `createAgent(type, options)`, or from an SDK `Agent` with
 * `createAgent(agent)` (every field of the SDK Agent keeps its meaning).
 * @example
 * ```ts
 * const triage = createAgent('orchestrator');
 * triage.addHandoff('research');
 * ```
 */
export class AigenAgent {
  readonly agentId: string;
  readonly type: string;
  instructions: AgentInstructions;
  model: string | undefined;
  /** A model object the SDK Agent names instead of a model name: its calls are recorded like any other. */
  modelInstance: Model | undefined;
  modelSettings: ModelSettings;
  tools: Array<AnyTool | string>;
  readonly handoffs: string[];
  /**
   * The agents its handoff ids stand for, by id (set by the handoff workflow that holds it), so
   * its `transfer_to_<id>` tools describe what each target does and a model can choose by meaning.
   */
  handoffPeers: ReadonlyMap<string, AigenAgent> | undefined;
  outputType: AgentOutputType;
  description: string;
  inputGuardrails: InputGuardrail[];
  outputGuardrails: Array<OutputGuardrail<never>>;
  mcpServers: MCPServer[];
  /**
   * The SDK Agent this agent was built from, unchanged: each step runs a clone of it, so every
   * field (prompt, guardrails, MCP servers, tool use behaviour, …) keeps its meaning.
   */
  readonly sdkAgent: AnySdkAgent | undefined;
  /** SDK handoffs by target agent id: tool name, description, input type, filter, callback, isEnabled. */
  private readonly sdkHandoffs = new Map<string, SdkHandoffEntry>();
  /** SDK handoff targets not yet matched to an agent of the workflow. */
  private unresolved: SdkHandoffEntry[] = [];

  constructor(type: string, options: AgentOptions & { instructions: AgentInstructions }, sdkAgent?: AnySdkAgent) {
    if (!type) throw new ValidationError('agent type must not be empty', { path: 'type' });
    this.type = type;
    this.agentId = options.agentId ?? type;
    if (!/^[A-Za-z0-9_.-]+$/.test(this.agentId)) {
      throw new ValidationError(`agent id '${this.agentId}' may only hold letters, digits, '_', '.', '-'`, {
        path: 'agentId',
      });
    }
    this.instructions = options.instructions;
    this.model = options.model;
    this.modelInstance = undefined;
    this.modelSettings = options.modelSettings ?? {};
    this.tools = options.tools ?? [];
    refuseUnhonouredTools(this.tools, this.agentId);
    this.handoffs = [...(options.handoffs ?? [])];
    this.handoffPeers = undefined;
    this.outputType = options.outputType ?? 'text';
    this.description = options.description ?? `${type} agent`;
    this.inputGuardrails = [...(options.inputGuardrails ?? [])];
    this.outputGuardrails = [...(options.outputGuardrails ?? [])];
    this.mcpServers = options.mcpServers ?? [];
    this.sdkAgent = sdkAgent;
  }

  /**
   * An agent that runs an SDK `Agent`: its id is `options.agentId`, else a slug of the Agent's
   * name; its handoffs become handoffs of the workflow. `options` override the Agent's fields.
   * @example
   * ```ts
   * const weather = AigenAgent.fromSdk(new Agent({ name: 'Weather', instructions: 'Answer with the weather.', tools: [getWeather] }));
   * weather.agentId; // 'weather'
   * ```
   */
  static fromSdk(agent: AnySdkAgent, options: AgentOptions & { type?: string } = {}): AigenAgent {
    const { type, ...rest } = options;
    const agentId = rest.agentId ?? agentIdOf(agent);
    const explicitSettings = (agent as unknown as { hasExplicitModelSettings?: () => boolean }).hasExplicitModelSettings?.() ?? true;
    const named = typeof agent.model === 'string' && agent.model !== '' ? agent.model : undefined;
    const wrapped = new AigenAgent(
      type ?? agentId,
      {
        description: agent.handoffDescription || agent.name,
        instructions: agent.instructions,
        ...(named ? { model: named } : {}),
        ...(explicitSettings ? { modelSettings: agent.modelSettings } : {}),
        tools: [...agent.tools],
        outputType: (agent.outputType as AgentOutputType | undefined) ?? 'text',
        // Run and recorded by aigen (each check an event; each MCP tool list and call recorded).
        inputGuardrails: [...agent.inputGuardrails],
        outputGuardrails: [...agent.outputGuardrails] as Array<OutputGuardrail<never>>,
        mcpServers: [...agent.mcpServers],
        ...rest,
        agentId,
      },
      agent,
    );
    if (typeof agent.model !== 'string' && rest.model === undefined) wrapped.modelInstance = agent.model;
    for (const h of agent.handoffs) wrapped.addHandoff(h);
    return wrapped;
  }

  /**
   * Allow this agent to hand the conversation over to another agent of the workflow: by id, an
   * agent, an SDK `Agent`, or an SDK `handoff(agent, { toolNameOverride, toolDescriptionOverride,
   * inputType, onHandoff, inputFilter, isEnabled })` whose options apply to the transfer.
   */
  addHandoff(target: HandoffTarget): this {
    if (typeof target === 'string' || target instanceof AigenAgent) {
      const id = typeof target === 'string' ? target : target.agentId;
      if (!this.handoffs.includes(id)) this.handoffs.push(id);
    } else if (isSdkHandoff(target)) {
      this.unresolved.push({ handoff: target, custom: true });
    } else if (isSdkAgent(target)) {
      this.unresolved.push({ handoff: sdkHandoff(target), custom: false });
    } else {
      throw new ValidationError(`agent '${this.agentId}': a handoff target must be an agent id, an agent, an SDK Agent or handoff(agent, { … })`, { path: 'handoffs' });
    }
    return this;
  }

  /**
   * Match the SDK handoff targets to `agents` (the agent built from that very Agent, else the
   * agent whose id is the slug of its name). A target none of them is becomes `add(target)`
   * when given; the targets still unmatched are returned.
   */
  resolveHandoffs(agents: readonly AigenAgent[], add?: (target: AnySdkAgent) => AigenAgent): AnySdkAgent[] {
    const left: SdkHandoffEntry[] = [];
    for (const entry of this.unresolved) {
      const sdk = entry.handoff.agent;
      const target = agents.find((a) => a.sdkAgent === sdk) ?? agents.find((a) => a.agentId === agentIdOf(sdk)) ?? add?.(sdk);
      if (!target) {
        left.push(entry);
        continue;
      }
      if (!this.handoffs.includes(target.agentId)) this.handoffs.push(target.agentId);
      this.sdkHandoffs.set(target.agentId, entry);
    }
    this.unresolved = left;
    return left.map((e) => e.handoff.agent);
  }

  /**
   * Every SDK handoff of this agent by target id (targets not matched to an agent of the
   * workflow go by the slug of their name), with whether the user built it with `handoff()`.
   */
  sdkHandoffEntries(): Map<string, { handoff: AnyHandoff; custom: boolean }> {
    const out = new Map(this.sdkHandoffs);
    for (const e of this.unresolved) if (!out.has(agentIdOf(e.handoff.agent))) out.set(agentIdOf(e.handoff.agent), e);
    return out;
  }
}

/**
 * An agent of a workflow from an agent or an SDK `Agent` (built with {@link AigenAgent.fromSdk}).
 * @example
 * ```ts
 * new DeterministicWorkflow({ name: 'w', agents: [toAigenAgent(new Agent({ name: 'Writer', instructions: 'Write.' }))] });
 * ```
 */
export function toAigenAgent(agent: AigenAgent | AnySdkAgent): AigenAgent {
  return agent instanceof AigenAgent ? agent : AigenAgent.fromSdk(agent);
}
