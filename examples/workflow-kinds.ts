// Each kind of workflow built in code — sequential, handoff, branching, parallel, loop — run on
// the offline model, with one line per run. `npx tsx examples/workflow-kinds.ts`
import { Agent } from '@openai/agents';
import {
  BranchingWorkflow,
  createAgent,
  DeterministicWorkflow,
  HandoffWorkflow,
  LoopWorkflow,
  openStore,
  ParallelWorkflow,
  WorkflowEngine,
  type Workflow,
} from '../src/index.js';

// Sequential: each step's output is the next step's input.
const article = new DeterministicWorkflow({ name: 'article', agents: [createAgent('research'), createAgent('writer'), createAgent('editor')] });

// Handoff: the first agent receives the input and may hand the conversation over.
const triage = createAgent('orchestrator').addHandoff('writer');
const desk = new HandoffWorkflow({ name: 'desk', agents: [triage, createAgent('writer')], maxTurns: 5 });

// Branching: the classifier's answer picks one branch; branchInfo tells it what each is for.
const router = new BranchingWorkflow({
  name: 'router',
  classifier: new Agent({ name: 'classifier', instructions: 'Answer with the one branch that fits the request.' }),
  branches: { technical: createAgent('technical_writer'), general: article },
  branchInfo: { technical: { description: 'How software and networks work.', keywords: ['tcp', 'protocol'] }, general: { description: 'Anything else.' } },
});

// Parallel: every branch runs at once as a child run, then the aggregator combines them.
const perspectives = new ParallelWorkflow({
  name: 'perspectives',
  branches: { technical: createAgent('technical_writer'), creative: createAgent('creative_writer') },
  aggregator: createAgent('editor'),
});

// Loop: generate, then critique and revise until the critique approves or maxIterations.
const polished = new LoopWorkflow({
  name: 'polished',
  generator: createAgent('writer'),
  critic: createAgent('critic', { instructions: 'Critique the draft. Say "excellent" when it needs no change.' }),
  reviser: createAgent('editor'),
  maxIterations: 2,
  approve: (critique) => critique.toLowerCase().includes('excellent'),
});

const store = await openStore('memory:');
const engine = new WorkflowEngine({ store, model: 'offline' });
const workflows: Workflow[] = [article, desk, router, perspectives, polished];
for (const workflow of workflows) {
  const { status, result } = await engine.execute(workflow, undefined, 'Explain how TCP congestion control works');
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  console.log(`${workflow.kind} ${workflow.name}: ${status} (${text.length} characters)`);
}
await store.close();
