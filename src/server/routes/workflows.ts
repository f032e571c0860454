import { Hono } from 'hono';
import { listAgentTypes } from '../../actors/registry.js';
import { listWorkflows } from '../../machines/factory.js';

/** `GET /api/workflows`: the registered workflows and the agent types a run may list. */
export function workflowRoutes(): Hono {
  const app = new Hono();
  app.get('/', (c) =>
    c.json({
      workflows: listWorkflows().map((w) => ({ name: w.name, description: w.description, kind: w.kind ?? null })),
      agentTypes: listAgentTypes().map((a) => ({ type: a.type, description: a.description })),
    }),
  );
  return app;
}
