// A custom agent type, a function tool and a handoff workflow registered by name, so the CLI
// and `createWorkflow` can run it. `npx tsx examples/custom-workflow.ts`
import { tool } from '@openai/agents';
import { z } from 'zod';
import {
  AigenAgent,
  createAgent,
  createWorkflow,
  HandoffWorkflow,
  openStore,
  registerAgentFactory,
  registerTool,
  registerWorkflowFactory,
  WorkflowEngine,
} from '../src/index.js';

registerTool(
  tool({
    name: 'word_count',
    description: 'Count the words of a text',
    parameters: z.object({ text: z.string() }),
    execute: ({ text }) => String(text.split(/\s+/).filter(Boolean).length),
  }),
);

registerAgentFactory(
  'fact_checker',
  (options) => new AigenAgent('fact_checker', { instructions: 'Check every claim of the draft and list doubtful ones.', tools: ['word_count'], ...options }),
  { description: 'Checks the claims of a draft' },
);

registerWorkflowFactory(
  'checked_content',
  (opts) => {
    const triage = createAgent('orchestrator').addHandoff('writer');
    const writer = createAgent('writer').addHandoff('fact_checker');
    return new HandoffWorkflow({ agents: [triage, writer, createAgent('fact_checker')], name: opts.name ?? 'checked_content' });
  },
  { description: 'orchestrator → writer → fact_checker', kind: 'handoff' },
);

const store = await openStore('memory:');
const result = await new WorkflowEngine({ store }).execute(createWorkflow('checked_content'), undefined, 'Write about the history of tea');
console.log(result.status, typeof result.result === 'string' ? result.result.slice(0, 120) : result.result);
await store.close();
