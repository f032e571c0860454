import { WorkflowEngine, parseWorkflowSource, openStore } from './src/index.js';
const store = await openStore('memory:');
const engine = new WorkflowEngine({ store });
const wf = parseWorkflowSource('name: t\nkind: sequential\nagents:\n  - writer\n  - approval: check\n    prompt: OK?\n  - editor\n');
const r = await engine.execute(wf, undefined as never, 'Write about owls');
console.log(r.status);
const last = await (async () => { let n = -1; for await (const e of store.readStream(`run-${r.runId}`)) n = e.streamPosition; return n; })();
await store.append(`run-${r.runId}`, [{ type: 'ApprovalDecided', data: { approvalId: '2-check.approval', decision: 'approve', by: 'ana', output: 'EDITED DRAFT' } } as never], { expectedVersion: last });
try { const r2 = await engine.resume(r.runId); console.log(r2.status, r2.result); } catch (e) { console.log('ERR', e); }
for await (const e of store.readStream(`run-${r.runId}`)) if (['TaskSent','Approval','RunResumed','RunCompleted'].some((t) => e.type.startsWith(t))) console.log(e.streamPosition, e.type, JSON.stringify(e.data).slice(0, 150));
