/**
 * The runtime bench's workload, shared by every variant: three agents (research → writer →
 * editor) with aigen's built-in instructions, answered by an instant scripted model with the
 * same texts everywhere.
 */
import type { Model } from '@openai/agents';
import {
  createAgent,
  DeterministicWorkflow,
  frameNext,
  WorkflowEngine,
  type EventStore,
} from '../../src/index.js';
import { ScriptedModel, say } from '../../src/testing/index.js';

export const AGENTS = ['research', 'writer', 'editor'] as const;
export type AgentName = (typeof AGENTS)[number];
export const STEPS_PER_RUN = AGENTS.length;
export const REQUEST = 'Write a short article about how tides work, for a general audience.';

const PARAGRAPH =
  'Tides are the regular rise and fall of the sea, driven mainly by the Moon. Its gravity pulls the ocean into a bulge on the near side of the Earth while inertia leaves another on the far side, so most coasts see two high and two low tides a day. ';

/** What each agent answers (a few hundred characters, like a short real answer). */
export const OUTPUT: Record<AgentName, string> = {
  research: `Findings:\n${PARAGRAPH}\nThe Sun adds a smaller pull: spring tides when they align, neap tides when they are at right angles.`,
  writer: `# How tides work\n\n${PARAGRAPH}${PARAGRAPH}\nIn short: the Moon leads, the Sun follows, and the coastline shapes the rest.`,
  editor: `# How Tides Work\n\n${PARAGRAPH}${PARAGRAPH}\nEditor notes: tightened the introduction, fixed the heading case.`,
};

/** A fresh instant model for one agent (fresh per use, so no variant accumulates its request log). */
export const instantModel = (agent: string): Model =>
  new ScriptedModel(() => say(OUTPUT[agent as AgentName] ?? 'ok', { inputTokens: 120, outputTokens: 80 }), { name: agent });

/** Input of step i, framed as aigen's DeterministicWorkflow frames it. */
export const stepInput = (i: number, previous: string, request: string): string =>
  i === 0 ? request : frameNext(AGENTS[i - 1]!, previous, request, AGENTS[i]!);

/** The workflow aigen runs: `content_generation`, research → writer → editor. */
export const contentWorkflow = (): DeterministicWorkflow =>
  new DeterministicWorkflow({ agents: AGENTS.map((a) => createAgent(a)), name: 'content_generation' });

/** An engine on `store` whose every agent gets the instant model; no retries, no OpenAI key. */
export function aigenEngine(store: EventStore): WorkflowEngine {
  return new WorkflowEngine({
    store,
    env: {},
    model: 'offline',
    maxRetries: 0,
    retryDelayMs: 0,
    modelResolver: (_name, agent) => instantModel(agent.agentId),
  });
}
