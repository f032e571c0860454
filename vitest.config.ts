import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The browser's modules import the run-state fold as `./run-state.js`, which `aigen serve` bundles
 * from `src/projections/browser/run-state.ts`; tests of those modules get the same source.
 */
const webRunState = {
  name: 'web-run-state',
  resolveId(id: string, importer: string | undefined) {
    if (id === './run-state.js' && importer && /[\\/]web[\\/][^\\/]+\.js$/.test(importer)) {
      return new URL('./src/projections/browser/run-state.ts', import.meta.url).pathname;
    }
    return undefined;
  },
};

/**
 * Tiers by how long their files take; the longest start first so no long file starts last. The
 * crash test (twenty processes killed and resumed one after another) is the longest of its tier.
 */
const TIERS = ['test/e2e/package/', 'test/integration/replay/crash.test.ts', 'test/compat/', 'test/e2e/', 'test/conformance/', 'test/integration/', 'test/unit/'];
const tierOf = (file: TestSpecification) => {
  const at = TIERS.findIndex((dir) => file.moduleId.includes(`/${dir}`));
  return at < 0 ? TIERS.length : at;
};

/** Vitest's order (longest first by the last run's durations, else largest first) within each tier. */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).sort((a, b) => tierOf(a) - tierOf(b));
  }
}

export default defineConfig({
  plugins: [webRunState],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two files at a time. The default on 2 cores is one: a file waits on the processes it spawns,
    // on sleeps and on leases, and leaves the other core idle. More than two slows each file down
    // (the spawned processes share the cores) and puts tests that wait for leases under pressure.
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
    reporters: ['default', 'json'],
    outputFile: { json: '.aigen/test-results.json' },
  },
});
