import { tool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AigenAgent,
  Catalog,
  createAgent,
  createWorkflow,
  defaultCatalog,
  DeterministicWorkflow,
  listWorkflows,
  NotFoundError,
  parseWorkflowSource,
  registerWorkflowFactory,
  WorkflowEngine,
  WorkflowFileError,
} from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

const lookupPrice = tool({
  name: 'lookup_price',
  description: 'Price of a product',
  parameters: z.object({ product: z.string() }),
  execute: ({ product }) => `${product}: 42 EUR`,
});

/** A catalog of its own: a tool, an agent type using it by name, a workflow built from the catalog it is created from. */
function shopCatalog(): Catalog {
  return new Catalog()
    .registerTool(lookupPrice)
    .registerAgent('pricer', (o) => new AigenAgent('pricer', { instructions: 'Look up prices with lookup_price, then answer.', tools: ['lookup_price'], ...o }), {
      description: 'Looks up prices',
    })
    .registerWorkflow('priced', (o, c) => new DeterministicWorkflow({ name: o.name ?? 'priced', agents: [c.createAgent('pricer'), c.createAgent('writer')] }), {
      description: 'price, then write',
    });
}

describe('Catalog', () => {
  it('starts with the built-in workflows and agent types, and keeps its registrations to itself', () => {
    const shop = shopCatalog();
    expect(shop.listWorkflows().map((w) => w.name)).toEqual(['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving', 'refund_desk', 'priced']);
    expect(shop.listAgentTypes().map((t) => t.type)).toContain('pricer');
    expect(shop.listTools()).toEqual(['lookup_price']);
    // Nothing leaked into the default catalog.
    expect(defaultCatalog.hasWorkflow('priced')).toBe(false);
    expect(defaultCatalog.hasAgentType('pricer')).toBe(false);
    expect(() => createWorkflow('priced')).toThrow(NotFoundError);
    expect(new Catalog({ builtins: false }).listWorkflows()).toEqual([]);
  });

  it('never resolves prototype names', () => {
    const c = new Catalog();
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(c.hasWorkflow(name)).toBe(false);
      expect(c.hasAgentType(name)).toBe(false);
      expect(c.hasTool(name)).toBe(false);
      expect(() => c.createWorkflow(name)).toThrow(NotFoundError);
      expect(() => c.createAgent(name)).toThrow(NotFoundError);
    }
  });

  it('gives factories the catalog, so built-in workflows use an agent type registered under a built-in name', () => {
    const c = new Catalog().registerAgent('writer', (o) => new AigenAgent('writer', { instructions: 'Write in haiku.', ...o }), { description: 'haiku writer' });
    const agents = c.createWorkflow('content_generation').agents();
    expect(agents.find((a) => a.agentId === 'writer')?.instructions).toBe('Write in haiku.');
    expect(createWorkflow('content_generation').agents().find((a) => a.agentId === 'writer')?.instructions).not.toBe('Write in haiku.');
  });

  it('runs a workflow whose agent names a tool of the engine catalog: the offline model calls it and its output is recorded', async () => {
    const catalog = shopCatalog();
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, catalog });
    const result = await engine.execute(catalog.createWorkflow('priced'), undefined, 'Kindle');
    expect(result.status).toBe('completed');
    const events = await runEvents(store, result.runId);
    expect(dataOf(events, 'ToolCalled').map((t) => [t.tool, t.arguments])).toEqual([['lookup_price', JSON.stringify({ product: 'Kindle' })]]);
    expect(dataOf(events, 'ToolReturned').map((t) => t.output)).toEqual(['Kindle: 42 EUR']);
    // Replay resolves the recorded workflow name against the same catalog.
    const replay = await engine.replay(result.runId);
    expect(replay.match).toBe(true);
  });

  it('refuses before recording anything when an agent names a tool the engine catalog lacks', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, catalog: new Catalog() });
    const agent = new AigenAgent('pricer', { instructions: 'Price it.', tools: ['lookup_price'] });
    await expect(engine.execute(new DeterministicWorkflow({ name: 'p', agents: [agent] }), undefined, 'Kindle')).rejects.toThrow(
      "unknown tool 'lookup_price': registered tools: none",
    );
    const streams = [];
    for await (const e of store.readAll()) streams.push(e.streamId);
    expect(streams).toEqual([]);
  });

  it('builds workflow files against the catalog given: its tools and agent types, not the default ones', () => {
    const text = 'name: shop\nkind: sequential\nagents:\n  - type: pricer\n  - type: research\n    tools: [lookup_price]\n';
    const wf = parseWorkflowSource(text, { file: 'shop.yaml', catalog: shopCatalog() });
    expect(wf.agents().map((a) => a.agentId)).toEqual(['pricer', 'research']);
    expect(() => parseWorkflowSource(text, { file: 'shop.yaml' })).toThrow(WorkflowFileError);
    expect(() => parseWorkflowSource(text, { file: 'shop.yaml' })).toThrow("shop.yaml:4:5: agents[0].type: unknown agent type 'pricer'");
  });

  it('keeps registerWorkflowFactory and createAgent working on the default catalog', () => {
    registerWorkflowFactory('catalog_test_pair', (o) => new DeterministicWorkflow({ name: 'catalog_test_pair', agents: [createAgent('research'), createAgent('writer')], ...o }), {
      description: 'pair',
    });
    expect(listWorkflows().map((w) => w.name)).toContain('catalog_test_pair');
    expect(defaultCatalog.createWorkflow('catalog_test_pair').agents().map((a) => a.agentId)).toEqual(['research', 'writer']);
  });
});
