/**
 * `npm run bench:summary` (the last part of `npm run bench`): one table of every target, read
 * from the results the benches wrote, with the time each bench ran. Writes
 * bench/results/summary.json.
 */
import { collectSummary } from './lib/summary.js';
import { writeResults } from './lib/results.js';
import { printTable, verdict } from './lib/table.js';

const rows = collectSummary();
const dates = rows.map((r) => r.date).filter((d): d is string => d !== undefined).sort();
const spanMin = dates.length > 1 ? (Date.parse(dates.at(-1)!) - Date.parse(dates[0]!)) / 60_000 : 0;
printTable(
  `Summary: every target (${dates.length > 0 ? `results from ${dates[0]!.slice(0, 16)} to ${dates.at(-1)!.slice(11, 16)} UTC` : 'no results'})`,
  ['bench', 'measure', 'figure', 'target', 'verdict'],
  rows.map((r) => [r.bench, r.measure, r.figure, r.target, verdict(r.met)]),
);
const met = rows.filter((r) => r.met === true).length;
const missed = rows.filter((r) => r.met === false).length;
console.log(`\n${met} met, ${missed} missed, ${rows.length - met - missed} not measured`);
if (spanMin > 60) console.log(`note: the results span ${Math.round(spanMin)} minutes: some come from an earlier bench run`);
console.log(`Results: ${writeResults('summary', { rows, met, missed })}`);
