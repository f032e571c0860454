/**
 * A program as a user writes one: it runs a workflow that parks for an approval, prints the
 * result's status and closes its store; nothing else. Usage: node --import tsx waitingRunProgram.ts <storeUrl>
 */
import { openStore, WorkflowEngine } from '../../src/index.js';

const store = await openStore(process.argv[2]);
const engine = new WorkflowEngine({ store, model: 'offline' });
const result = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, 'Please refund order #A1001, $40: it arrived broken');
process.stdout.write(`${result.status}\n`);
await store.close();
