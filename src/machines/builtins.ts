import { builtinAgents, type AgentMaker } from '../actors/registry.js';
import { issueRefundTool } from '../actors/refundDesk.js';
import { BranchingWorkflow } from './branching.js';
import { DeterministicWorkflow } from './deterministic.js';
import { HandoffWorkflow } from './handoff.js';
import { LoopWorkflow } from './loop.js';
import { ParallelWorkflow } from './parallel.js';
import type { Workflow } from './workflow.js';

/** Options every built-in workflow factory accepts. */
export interface FactoryOptions {
  name?: string;
  maxIterations?: number;
}

const sequence = (name: string, types: string[], agents: AgentMaker) =>
  new DeterministicWorkflow({ agents: types.map((t) => agents.createAgent(t)), name });

/*
 * Each built-in workflow creates its agents through `agents` (the catalog it is created from), so
 * an agent type registered under a built-in name (say `writer`) replaces the built-in one there.
 */

/** research → writer → editor. */
export function contentGeneration(o: FactoryOptions = {}, agents: AgentMaker = builtinAgents): Workflow {
  return sequence(o.name ?? 'content_generation', ['research', 'writer', 'editor'], agents);
}

/** Handoff: orchestrator → research → writer. */
export function dynamicContent(o: FactoryOptions = {}, agents: AgentMaker = builtinAgents): Workflow {
  const triage = agents.createAgent('orchestrator');
  const research = agents.createAgent('research');
  const writer = agents.createAgent('writer');
  triage.addHandoff(research.agentId);
  research.addHandoff(writer.agentId);
  return new HandoffWorkflow({ agents: [triage, research, writer], name: o.name ?? 'dynamic_content' });
}

/** The domain paths of the content router and the parallel workflow: technical, creative and general. */
export function domainWorkflow(domain: 'technical' | 'creative' | 'general', agents: AgentMaker = builtinAgents): Workflow {
  if (domain === 'technical') return sequence('technical', ['research', 'technical_writer', 'technical_editor'], agents);
  if (domain === 'creative') return sequence('creative', ['creative_research', 'writer', 'creative_editor'], agents);
  return contentGeneration({ name: 'general' }, agents);
}

const domains = (agents: AgentMaker) => ({
  technical: domainWorkflow('technical', agents),
  creative: domainWorkflow('creative', agents),
  general: domainWorkflow('general', agents),
});

/** Branching: strategy classifies, then a technical, creative or general path. */
export function contentRouter(o: FactoryOptions = {}, agents: AgentMaker = builtinAgents): Workflow {
  return new BranchingWorkflow({
    name: o.name ?? 'content_router',
    classifier: agents.createAgent('strategy', {
      instructions: 'Analyze the input and classify it as technical, creative, or general.',
    }),
    branches: domains(agents),
  });
}

/** Parallel technical / creative / general, aggregated by an editor. */
export function multiPerspective(o: FactoryOptions = {}, agents: AgentMaker = builtinAgents): Workflow {
  return new ParallelWorkflow({
    name: o.name ?? 'multi_perspective',
    branches: domains(agents),
    aggregator: agents.createAgent('editor', {
      agentId: 'aggregator',
      instructions: 'Combine the different content versions into a cohesive final piece.',
    }),
  });
}

/** content_generation, then critique / revise, at most 3 iterations. */
export function selfImproving(o: FactoryOptions = {}, agents: AgentMaker = builtinAgents): Workflow {
  return new LoopWorkflow({
    name: o.name ?? 'self_improving',
    generator: contentGeneration({}, agents),
    critic: agents.createAgent('critic'),
    reviser: agents.createAgent('writer', { agentId: 'reviser' }),
    maxIterations: o.maxIterations ?? 3,
  });
}

/** A support agent whose `issue_refund` tool needs approval: the run waits until a person decides. */
export function refundDesk(o: FactoryOptions = {}, agents: AgentMaker = builtinAgents): Workflow {
  return new DeterministicWorkflow({ agents: [agents.createAgent('support', { tools: [issueRefundTool()] })], name: o.name ?? 'refund_desk' });
}
