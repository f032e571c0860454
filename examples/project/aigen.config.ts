// A project file: its tool, agent type and workflow work with every `aigen` command.
//   cd examples/project && npx aigen workflows && npx aigen run priced_article "Kindle"
import { tool } from '@openai/agents';
import { z } from 'zod';
import { createAgent, defineConfig, DeterministicWorkflow } from 'aigen';

const lookupPrice = tool({
  name: 'lookup_price',
  description: 'Price of a product',
  parameters: z.object({ product: z.string() }),
  execute: ({ product }) => `${product}: 42 EUR`,
});

export default defineConfig({
  tools: [lookupPrice],
  agents: {
    pricer: { instructions: 'Look up prices with lookup_price, then answer.', tools: ['lookup_price'], description: 'Looks up prices' },
  },
  workflows: {
    priced_article: {
      factory: () => new DeterministicWorkflow({ name: 'priced_article', agents: [createAgent('pricer'), createAgent('writer')] }),
      description: 'pricer (calls lookup_price) → writer',
      kind: 'sequential',
    },
    priced_review: './priced_review.yaml',
  },
  prices: { 'my-model': { inputPerMillion: 0.5, outputPerMillion: 1.5 } },
});
