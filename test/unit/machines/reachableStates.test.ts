import { Agent } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { BranchingWorkflow, createAgent, DeterministicWorkflow, HandoffWorkflow, LoopWorkflow, ParallelWorkflow, type Workflow } from '../../../src/index.js';
import type { StateDefinition } from '../../../src/machines/definition.js';
import { unusedRunServices } from '../../support/runServices.js';

/** Every state of a machine's definition, nested ones included. */
function allStates(state: StateDefinition): StateDefinition[] {
  return [state, ...Object.values(state.states ?? {}).flatMap(allStates)];
}

/** The recorded definition of a workflow's top machine: what the statechart draws. */
function drawn(workflow: Workflow) {
  const def = workflow.definition(workflow.machine({ services: unusedRunServices(), prefix: '' }));
  const states = allStates(def.machines[def.root]!.root);
  const targets = new Set(states.flatMap((s) => s.transitions.flatMap((t) => t.targets)));
  const edges = (key: string) => states.find((s) => s.key === key)!.transitions.flatMap((t) => t.targets);
  return { finals: states.filter((s) => s.type === 'final').map((s) => s.id), targets, edges };
}

const article = new DeterministicWorkflow({ name: 'article', agents: [createAgent('research'), createAgent('writer'), createAgent('editor')] });

describe('the statechart of each kind of workflow', () => {
  it.each<[string, Workflow]>([
    ['sequential', article],
    ['sequential with one step', new DeterministicWorkflow({ name: 'one', agents: [createAgent('research')] })],
    ['handoff', new HandoffWorkflow({ name: 'desk', agents: [createAgent('orchestrator').addHandoff('writer'), createAgent('writer')], maxTurns: 5 })],
    ['branching', new BranchingWorkflow({ name: 'router', classifier: new Agent({ name: 'classifier', instructions: 'Pick one.' }), branches: { short: createAgent('writer'), long: article } })],
    ['parallel', new ParallelWorkflow({ name: 'p', branches: { a: createAgent('technical_writer'), b: createAgent('creative_writer') }, aggregator: createAgent('editor') })],
    ['loop', new LoopWorkflow({ name: 'l', generator: createAgent('writer'), critic: createAgent('critic'), reviser: createAgent('editor'), maxIterations: 2 })],
  ])('%s: every end state is reached by a transition (none drawn unconnected)', (_, workflow) => {
    const { finals, targets } = drawn(workflow);
    expect(finals.length).toBeGreaterThan(0);
    for (const id of finals) expect(targets, `${id} is reached`).toContain(id);
  });

  it('sequential: the first step fails the run, a later step ends it partial', () => {
    const { edges, finals } = drawn(article);
    expect(edges('research')).toEqual(['article.writer', 'article.failed']);
    expect(edges('writer')).toEqual(['article.editor', 'article.partial']);
    expect(finals).toEqual(['article.completed', 'article.partial', 'article.failed']);
  });
});
