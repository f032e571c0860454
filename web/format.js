// @ts-check
/** Small formatters shared by the pages. */

/**
 * `1.2 s`, `340 ms`, `2 min 3 s`.
 * @param {number | undefined | null} ms
 */
export function duration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * `1,234 tok`, or an empty string for none.
 * @param {{ totalTokens?: number } | undefined | null} usage
 */
export function tokens(usage) {
  const n = usage?.totalTokens ?? 0;
  return n > 0 ? `${n.toLocaleString('en-US')} tok` : '';
}

/**
 * `$0.0123`; `no price` when the API says a model has none (null); empty when unknown.
 * @param {number | null | undefined} usd
 */
export function cost(usd) {
  if (usd === null) return 'no price';
  if (usd === undefined || !Number.isFinite(usd)) return '';
  return `$${usd > 0 && usd < 0.01 ? usd.toPrecision(3) : usd.toFixed(4)}`;
}

/**
 * Local time of an ISO timestamp, `14:03:21`.
 * @param {string | undefined} iso
 */
export function clock(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
}

/**
 * `3 min ago`, for the runs list.
 * @param {string | undefined} iso
 */
export function ago(iso) {
  if (!iso) return '';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString('en-GB');
}

/**
 * First 8 characters of a uuid (child run ids keep their branch).
 * @param {string} runId
 */
export function shortId(runId) {
  const [head, ...rest] = runId.split('.');
  return [head?.slice(0, 8) ?? runId, ...rest].join('.');
}

/**
 * Any value as display text (strings as they are, the rest as JSON).
 * @param {unknown} value
 */
export function asText(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/**
 * A state value (`'writer'`, `{ branches: { a: 'running' } }`) as `branches.a:running`.
 * @param {unknown} value
 * @returns {string}
 */
export function stateText(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => (typeof v === 'string' ? `${k}.${v}` : `${k}.{${stateText(v)}}`))
      .join(', ');
  }
  return String(value);
}
