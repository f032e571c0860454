/**
 * The one table of `npm run bench`: every target row with its figure and verdict, read from the
 * results the benches wrote (`bench/results/<name>.json`). A bench may put its own rows in its
 * JSON (`summary`); the store and projections rows are read from their figures here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './results.js';
import { ratio } from './table.js';

/** One row of the summary: what is measured, the figure, the target and whether it is met. */
export interface SummaryRow {
  measure: string;
  figure: string;
  target: string;
  /** undefined: not measured (a part skipped, no PostgreSQL). */
  met: boolean | undefined;
}

/** A row of the summary with the bench it comes from and when that bench ran. */
export interface SourcedRow extends SummaryRow {
  bench: string;
  date: string | undefined;
}

type Json = Record<string, unknown>;

/** `bench/results/<name>.json`, if a full run wrote it. */
export function readResults(name: string): Json | undefined {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Json) : undefined;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const atMost = (value: number | undefined, target: number) => (value === undefined ? undefined : value <= target);
const atLeast = (value: number | undefined, target: number) => (value === undefined ? undefined : value >= target);

interface StoreTarget {
  name: string;
  serial?: { ratio?: number };
  batched?: { ratio?: number };
}

/** Rows of `bench:store`: batched appends against raw inserts, serial appends on postgres. */
export function storeRows(json: Json): SummaryRow[] {
  const targets = (json.targets as StoreTarget[] | undefined) ?? [];
  const of = (name: string) => targets.find((t) => t.name === name);
  const batched = (name: string): SummaryRow => {
    const r = num(of(name)?.batched?.ratio);
    return { measure: `batched appends vs raw insert, ${name}`, figure: ratio(r), target: '≥ 0.8×', met: atLeast(r, 0.8) };
  };
  const serial = num(of('postgres')?.serial?.ratio);
  return [
    batched('sqlite full'),
    batched('sqlite normal'),
    batched('postgres'),
    { measure: 'serial appends vs raw one-row transaction, postgres', figure: ratio(serial), target: '≥ 0.6×', met: atLeast(serial, 0.6) },
  ];
}

/** The row of `bench:projections`: rebuild of status + runs against a raw read + JSON.parse. */
export function projectionRows(json: Json): SummaryRow[] {
  const r = num(json.ratio);
  return [{ measure: 'projections rebuild (status + runs) vs raw read + JSON.parse', figure: ratio(r), target: '≥ 0.6×', met: atLeast(r, 0.6) }];
}

/** Rows a bench wrote itself (`summary` in its JSON). */
export function ownRows(json: Json): SummaryRow[] {
  return (json.summary as SummaryRow[] | undefined) ?? [];
}

export { atLeast, atMost };

const SOURCES: Array<[string, (json: Json) => SummaryRow[]]> = [
  ['store', storeRows],
  ['projections', projectionRows],
  ['runtime', ownRows],
  ['cli', ownRows],
];

/** Every row of every bench whose full results are in bench/results (missing benches: one row saying so). */
export function collectSummary(): SourcedRow[] {
  const rows: SourcedRow[] = [];
  for (const [bench, extract] of SOURCES) {
    const json = readResults(bench);
    const date = typeof json?.date === 'string' ? json.date : undefined;
    if (!json) {
      rows.push({ bench, date, measure: `(bench:${bench} has no full results)`, figure: '–', target: '–', met: undefined });
      continue;
    }
    for (const row of extract(json)) rows.push({ ...row, bench, date });
  }
  return rows;
}
