import type { FunctionTool, InputGuardrail, ModelSettings, OutputGuardrail } from '@openai/agents';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Anything a workflow step can run: an agent, or a whole workflow (nesting). */
export type AgentOutputType = 'text' | z.ZodObject;

/** Options of an {@link AigenAgent}. */
export interface AgentOptions {
  /** Unique id within a workflow; defaults to the type. */
  agentId?: string;
  instructions?: string;
  /** Model name; defaults to the run's model (`offline` unless told otherwise). */
  model?: string;
  modelSettings?: ModelSettings;
  /** Function tools: SDK tools, or names registered with `registerTool`. */
  tools?: Array<FunctionTool<unknown, never> | string>;
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
}

/**
 * An agent of a workflow: the configuration of one `@openai/agents` Agent that an agent actor
 * runs. Create them with `createAgent(type, options)`.
 * @example
 * ```ts
 * const triage = createAgent('orchestrator');
 * triage.addHandoff('research');
 * ```
 */
export class AigenAgent {
  readonly agentId: string;
  readonly type: string;
  instructions: string;
  model: string | undefined;
  modelSettings: ModelSettings;
  tools: Array<FunctionTool<unknown, never> | string>;
  readonly handoffs: string[];
  outputType: AgentOutputType;
  description: string;
  inputGuardrails: InputGuardrail[];
  outputGuardrails: Array<OutputGuardrail<never>>;

  constructor(type: string, options: AgentOptions & { instructions: string }) {
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
    this.modelSettings = options.modelSettings ?? {};
    this.tools = options.tools ?? [];
    this.handoffs = [...(options.handoffs ?? [])];
    this.outputType = options.outputType ?? 'text';
    this.description = options.description ?? `${type} agent`;
    this.inputGuardrails = [...(options.inputGuardrails ?? [])];
    this.outputGuardrails = [...(options.outputGuardrails ?? [])];
  }

  /** Allow this agent to hand the conversation over to another agent of the workflow (the agent or its id). */
  addHandoff(agent: string | AigenAgent): this {
    const agentId = agent instanceof AigenAgent ? agent.agentId : agent;
    if (typeof agentId !== 'string' || agentId === '') {
      throw new ValidationError(`addHandoff takes an agent or its agentId, got ${typeof agent}`, { path: 'handoffs' });
    }
    if (!this.handoffs.includes(agentId)) this.handoffs.push(agentId);
    return this;
  }
}
