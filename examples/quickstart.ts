// Run the built-in research → writer → editor workflow on the offline model, then inspect,
// replay and fork it. `npx tsx examples/quickstart.ts`
import { Context, createWorkflow, openStore, WorkflowEngine } from '../src/index.js';

const store = await openStore('memory:');
const engine = new WorkflowEngine({ store, maxRetries: 3, retryDelayMs: 5000 });

const context = new Context();
const result = await engine.execute(createWorkflow('content_generation'), context, 'Generate content about AI');
console.log(result.status, `${result.usage.totalTokens} tokens`);
console.log(context.getOutput('research')?.split('\n')[0]);

const status = await engine.getWorkflowStatus(result.runId);
console.log(status.steps.map((s) => `${s.agentId}: ${s.status}`).join(', '));

// Re-execute from the log: no model is called, every event is compared.
const replay = await engine.replay(result.runId);
console.log(`replay ${replay.match ? 'matches' : 'diverges'} (${replay.matchedEvents} events)`);

// A new run that keeps the research step and rewrites the rest with new instructions.
const firstStep = status.lastPosition > 10 ? 10 : 0;
const fork = await engine.fork(result.runId, { at: firstStep, instructions: { editor: 'Edit tersely.' } });
console.log(`fork ${fork.runId}: ${fork.status}`);
await store.close();
