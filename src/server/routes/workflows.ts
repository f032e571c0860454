import { Hono } from 'hono';
import type { Catalog } from '../../config/catalog.js';

/** `GET /api/workflows`: the workflows of the catalog and the agent types a run may list. */
export function workflowRoutes(catalog: Catalog): Hono {
  const app = new Hono();
  app.get('/', (c) =>
    c.json({
      workflows: catalog.listWorkflows().map((w) => ({ name: w.name, description: w.description, kind: w.kind ?? null })),
      agentTypes: catalog.listAgentTypes().map((a) => ({ type: a.type, description: a.description })),
    }),
  );
  return app;
}
