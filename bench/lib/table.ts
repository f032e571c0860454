/** A cell: text as is, numbers formatted by {@link fmt}. */
export type Cell = string | number | undefined;

/** Format a number for a table: thousands separators, `digits` decimals below 100. */
export function fmt(value: number | undefined, digits = 2): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  const abs = Math.abs(value);
  const d = Number.isInteger(value) || abs >= 1000 ? 0 : abs >= 100 ? Math.min(digits, 1) : digits;
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** A ratio such as `0.93×`. */
export const ratio = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '–' : `${value.toFixed(2)}×`;

/** A target check: `ok` or `MISS`. */
export const verdict = (met: boolean | undefined): string => (met === undefined ? '–' : met ? 'ok' : 'MISS');

/** Print a titled table with right-aligned numeric columns. */
export function printTable(title: string, headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const text = rows.map((row) => row.map((c) => (typeof c === 'number' ? fmt(c) : (c ?? ''))));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === undefined) && i > 0);
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of text) console.log(line(r));
}

/** Print a progress note to stderr (keeps stdout for the tables). */
export function note(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
