import { createAgent } from '../actors/registry.js';
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

const sequence = (name: string, types: string[]) => new DeterministicWorkflow({ agents: types.map((t) => createAgent(t)), name });

/** research → writer → editor. */
export function contentGeneration(o: FactoryOptions = {}): Workflow {
  return sequence(o.name ?? 'content_generation', ['research', 'writer', 'editor']);
}

/** Handoff: orchestrator → research → writer. */
export function dynamicContent(o: FactoryOptions = {}): Workflow {
  const triage = createAgent('orchestrator');
  const research = createAgent('research');
  const writer = createAgent('writer');
  triage.addHandoff(research.agentId);
  research.addHandoff(writer.agentId);
  return new HandoffWorkflow({ agents: [triage, research, writer], name: o.name ?? 'dynamic_content' });
}

/** The seed's domain paths of the content router and the parallel workflow. */
export function domainWorkflow(domain: 'technical' | 'creative' | 'general'): Workflow {
  if (domain === 'technical') return sequence('technical', ['research', 'technical_writer', 'technical_editor']);
  if (domain === 'creative') return sequence('creative', ['creative_research', 'writer', 'creative_editor']);
  return contentGeneration({ name: 'general' });
}

/** Branching: strategy classifies, then a technical, creative or general path. */
export function contentRouter(o: FactoryOptions = {}): Workflow {
  return new BranchingWorkflow({
    name: o.name ?? 'content_router',
    classifier: createAgent('strategy', {
      instructions: 'Analyze the input and classify it as technical, creative, or general.',
    }),
    branches: { technical: domainWorkflow('technical'), creative: domainWorkflow('creative'), general: domainWorkflow('general') },
  });
}

/** Parallel technical / creative / general, aggregated by an editor. */
export function multiPerspective(o: FactoryOptions = {}): Workflow {
  return new ParallelWorkflow({
    name: o.name ?? 'multi_perspective',
    branches: { technical: domainWorkflow('technical'), creative: domainWorkflow('creative'), general: domainWorkflow('general') },
    aggregator: createAgent('editor', {
      agentId: 'aggregator',
      instructions: 'Combine the different content versions into a cohesive final piece.',
    }),
  });
}

/** content_generation, then critique / revise, at most 3 iterations. */
export function selfImproving(o: FactoryOptions = {}): Workflow {
  return new LoopWorkflow({
    name: o.name ?? 'self_improving',
    generator: contentGeneration(),
    critic: createAgent('critic'),
    reviser: createAgent('writer', { agentId: 'reviser' }),
    maxIterations: o.maxIterations ?? 3,
  });
}
