import { Agent, Handoff, type Tool } from '@openai/agents';
import { ValidationError } from '../errors.js';

/** Any SDK Agent, whatever its context and output types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySdkAgent = Agent<any, any>;
/** Any SDK Handoff (what `handoff(agent, options)` returns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandoff = Handoff<any, any>;
/** Any SDK tool: function tools (recorded), hosted tools (run by the provider), and the rest (refused). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any>;

/**
 * Whether `v` is an `@openai/agents` Agent: an instance, or (for a project file that loads another
 * copy of the SDK) an object with the Agent's shape.
 */
export function isSdkAgent(v: unknown): v is AnySdkAgent {
  if (v instanceof Agent) return true;
  const o = v as { name?: unknown; clone?: unknown; asTool?: unknown; handoffs?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.name === 'string' && typeof o.clone === 'function' && typeof o.asTool === 'function' && Array.isArray(o.handoffs);
}

/** Whether `v` is an `@openai/agents` Handoff (what `handoff(agent, options)` returns). */
export function isSdkHandoff(v: unknown): v is AnyHandoff {
  if (v instanceof Handoff) return true;
  const o = v as { toolName?: unknown; onInvokeHandoff?: unknown; agent?: unknown } | null;
  return typeof o === 'object' && o !== null && typeof o.toolName === 'string' && typeof o.onInvokeHandoff === 'function' && isSdkAgent(o.agent);
}

/**
 * The agent id of an SDK Agent that is given none: a slug of its name (lower case, every run of
 * characters other than letters, digits, `_`, `.`, `-` as one `_`).
 * @example
 * ```ts
 * agentIdOf(new Agent({ name: 'Weather agent' })); // 'weather_agent'
 * ```
 */
export function agentIdOf(agent: { name: string }): string {
  const slug = agent.name.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
  return slug || 'agent';
}

/**
 * An agent field aigen cannot honour (it would run outside the recording, or mean something aigen
 * cannot do): refused where the agent is built, naming the field, rather than dropped.
 * @example
 * ```ts
 * err.field; // 'tools[1]'
 * ```
 */
export class UnhonouredFieldError extends ValidationError {
  override readonly code: string = 'FIELD_NOT_HONOURED';
  constructor(
    readonly agentId: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`agent '${agentId}': ${field}: ${reason}`, { path: field });
  }
}

/**
 * Tools that run on this machine outside any recording: their effects would not be in the log,
 * and replay would run them again. Function tools (and agents as tools) are recorded; hosted
 * tools run at the provider, inside the recorded model response.
 */
const UNRECORDED_TOOLS: Record<string, string> = {
  computer: 'a computer tool drives this machine outside the recording',
  shell: 'a shell tool runs commands outside the recording',
  apply_patch: 'an apply_patch tool edits files outside the recording',
};

/**
 * Refuse what an agent cannot honour, naming the field ({@link UnhonouredFieldError}): tools
 * whose calls aigen cannot record (computer, shell, apply_patch).
 */
export function refuseUnhonouredTools(tools: ReadonlyArray<AnyTool | string>, agentId: string): void {
  tools.forEach((t, i) => {
    if (typeof t === 'string') return;
    const why = UNRECORDED_TOOLS[t.type];
    if (why) {
      const name = (t as { name?: unknown }).name;
      throw new UnhonouredFieldError(
        agentId,
        `tools[${i}]`,
        `${typeof name === 'string' ? `'${name}' cannot be honoured: ` : 'cannot be honoured: '}${why}, so a replay would run it again; aigen records function tools (tool({ … })) and hosted tools`,
      );
    }
  });
}
