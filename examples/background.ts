// Runs in the background: start returns at once, watch follows a run live, wait gives its result,
// cancel stops another one. Traces go to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set
// (AIGEN_OTEL_EXPORT=off turns that off). `npx tsx examples/background.ts`
import { createWorkflow, openStore, startTraceExport, WorkflowEngine } from '../src/index.js';

const storeUrl = 'sqlite:.aigen/aigen.db';
const store = await openStore(storeUrl);
const traces = await startTraceExport(storeUrl, store, process.env); // undefined unless OTLP is configured
const engine = new WorkflowEngine({ store });

const runId = await engine.start(createWorkflow('content_generation'), 'Generate content about AI');
engine.watch(runId).subscribe(({ event, status }) => console.log(event.type, status.status));
const result = await engine.wait(runId);
console.log(result.status, result.result);

const other = await engine.start(createWorkflow('self_improving'), 'Coral reefs');
await engine.cancel(other, 'not needed after all');
console.log((await engine.wait(other)).status); // 'cancelled'

await traces?.stop(); // exports what is left, then flushes
await store.close();
