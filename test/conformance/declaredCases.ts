import { expect, it } from 'vitest';

/** What every conformance harness may declare: the cases its adapter cannot pass, each with the reason. */
export interface DeclaresSkips {
  /** Adapter name as used in test titles: memory, sqlite, postgres, kurrentdb. */
  name: string;
  /** Cases this adapter cannot pass, with the reason (case title -> reason). */
  unsupported?: Record<string, string> | undefined;
}

/** Declares one case of a suite; a case listed in `harness.unsupported` is reported as skipped with its reason. */
export type CaseTest = (title: string, fn: () => Promise<void>, timeoutMs?: number) => void;

/**
 * The `test` of a conformance suite over the case table `cases` (call inside the suite's
 * `describe`). It also declares two checks of the table: every declared skip names a case of
 * `cases` and gives a reason, and every case of `cases` is declared exactly once.
 * @example
 * ```ts
 * const test = declaredCases(harness, LEASE_CASES);
 * test(LEASE_CASES.oldestFirst, async () => { ... });
 * ```
 */
export function declaredCases(harness: DeclaresSkips, cases: Readonly<Record<string, string>>): CaseTest {
  const declared: string[] = [];
  const titles = new Set<string>(Object.values(cases));

  it('harness.unsupported lists only cases of this suite, each with a reason', () => {
    for (const [title, reason] of Object.entries(harness.unsupported ?? {})) {
      expect(titles.has(title), `unknown case '${title}'`).toBe(true);
      expect(reason.trim(), `no reason for '${title}'`).not.toBe('');
    }
  });
  it('every case of the table is declared exactly once', () => {
    expect([...declared].sort()).toEqual([...titles].sort());
  });

  return (title, fn, timeoutMs) => {
    declared.push(title);
    const reason = harness.unsupported?.[title];
    if (reason !== undefined) it.skip(`${title} [unsupported by ${harness.name}: ${reason}]`, fn);
    else it(title, fn, timeoutMs);
  };
}
