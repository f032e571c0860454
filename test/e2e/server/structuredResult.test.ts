import { Agent } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeterministicWorkflow } from '../../../src/index.js';
import { eventually, json, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('a structured result over HTTP', () => {
  it('GET /api/runs/:id gives the result of an SDK Agent with an outputType as the parsed object', async () => {
    const grader = new Agent({ name: 'Grader', instructions: 'Grade the essay.', outputType: z.object({ grade: z.number(), comment: z.string() }) });
    const run = await t.engine.execute(new DeterministicWorkflow({ name: 'grading', agents: [grader] }), undefined, 'An essay about tides.');
    expect(run.result).toEqual({ grade: expect.any(Number), comment: expect.any(String) });
    const body = await eventually(async () => {
      const b = await json<{ status: string; output: unknown }>(await t.app.request(`/api/runs/${run.runId}`));
      return b.status === 'completed' ? b : undefined;
    });
    // The status view names the run's final content `output`.
    expect(body.output).toEqual(run.result);
  });
});
