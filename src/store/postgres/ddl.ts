import { escapeLiteral } from 'pg';

/**
 * `ALTER TABLE` run only when `table` has (or lacks) `column`. An `ALTER TABLE … IF [NOT] EXISTS`
 * takes the table's ACCESS EXCLUSIVE lock even when there is nothing to do, so running it on
 * every open would block, and could deadlock with, the writers of a store in use.
 * @example
 * ```ts
 * alterWhenColumn('"s".streams', 'version', 'present', 'ALTER TABLE "s".streams DROP COLUMN version');
 * ```
 */
export function alterWhenColumn(table: string, column: string, when: 'present' | 'missing', alter: string): string {
  const test = `EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(${escapeLiteral(table)}) AND attname = ${escapeLiteral(column)} AND NOT attisdropped)`;
  return `DO $ddl$ BEGIN IF ${when === 'present' ? '' : 'NOT '}${test} THEN ${alter}; END IF; END $ddl$;\n`;
}
