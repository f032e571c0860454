// @ts-check
/**
 * How the page names statechart states. The fold of a run's events (the run-state reducer) and
 * the description of each event come from `./run-state.js`, bundled by the server from the
 * TypeScript source the CLI uses too.
 */

/**
 * The state node ids a state value makes active in a machine: `writer` in machine `cg` gives
 * `cg.writer`; `{ branches: { a: 'running' } }` gives `m.branches`, `m.branches.a`, `m.branches.a.running`.
 * @param {string} machine
 * @param {unknown} value
 * @returns {string[]}
 */
export function activeIds(machine, value) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} prefix @param {unknown} v */
  const walk = (prefix, v) => {
    if (typeof v === 'string') out.push(`${prefix}.${v}`);
    else if (v && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        out.push(`${prefix}.${key}`);
        walk(`${prefix}.${key}`, child);
      }
    }
  };
  walk(machine, value);
  return out;
}
