/**
 * The PostgreSQL statements one 3-step run of the runtime bench's workload makes, grouped by
 * their first 60 characters with their count and summed round-trip time (after 5 warm-up runs):
 * `npx tsx bench/tools/pgtrips.ts [runs]` (the table is of the last run).
 */
import pg from 'pg';
import { Context } from '../../src/index.js';
import { openStore } from '../../src/store/openStore.js';
import { cleanup, freshSchema, pgStoreUrl } from '../lib/env.js';
import { REQUEST, aigenEngine, contentWorkflow } from '../lib/workload.js';

const log: Array<{ sql: string; ms: number }> = [];
let on = false;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with apply(this) below
const orig = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const t0 = performance.now();
  const a0 = args[0] as string | { text: string };
  const sql = typeof a0 === 'string' ? a0 : a0.text;
  const done = () => { if (on) log.push({ sql: sql.replace(/\s+/g, ' ').slice(0, 110), ms: performance.now() - t0 }); };
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    args[args.length - 1] = (...x: unknown[]) => { done(); return (last as (...y: unknown[]) => unknown)(...x); };
    return (orig as (...a: unknown[]) => unknown).apply(this, args);
  }
  const r = (orig as (...a: unknown[]) => unknown).apply(this, args);
  if (on && r && typeof (r as Promise<unknown>).then === 'function') {
    void (r as Promise<unknown>).then(done, () => undefined);
  }
  return r;
};
const store = await openStore(pgStoreUrl(freshSchema('trips')));
const engine = aigenEngine(store);
const wf = contentWorkflow();
for (let i = 0; i < 5; i++) await engine.execute(wf, new Context(), `${REQUEST} #w${i}`);
const times: number[] = [];
for (let i = 0; i < Number(process.argv[2] ?? 1); i++) {
  log.length = 0;
  on = true;
  const t0 = performance.now();
  const r = await engine.execute(wf, new Context(), `${REQUEST} #${i}`);
  times.push(performance.now() - t0);
  on = false;
  if (r.status !== 'completed') throw new Error(r.status);
}
const kinds = new Map<string, { n: number; ms: number }>();
for (const l of log) { const k = l.sql.slice(0, 60); const v = kinds.get(k) ?? { n: 0, ms: 0 }; v.n++; v.ms += l.ms; kinds.set(k, v); }
for (const [k, v] of kinds) console.log(String(v.n).padStart(3), v.ms.toFixed(1).padStart(7), k);
console.log('queries', log.length, 'run ms', times.map((t) => t.toFixed(1)).join(' '));
await store.close();
await cleanup();
