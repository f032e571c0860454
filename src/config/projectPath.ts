import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ProjectFileError } from './projectErrors.js';

/** The names `aigen` looks for in the working directory, in this order. */
export const PROJECT_FILE_NAMES = ['aigen.config.ts', 'aigen.config.mts', 'aigen.config.js', 'aigen.config.mjs'] as const;

/**
 * The project file to load: `explicit` (from `--config` or `AIGEN_CONFIG`, relative to `cwd`),
 * else the first of {@link PROJECT_FILE_NAMES} in `cwd`, else undefined. An explicit file that
 * does not exist is a {@link ProjectFileError}.
 */
export function findProjectFile(cwd: string, explicit?: string): string | undefined {
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(cwd, explicit);
    if (!existsSync(path) || !statSync(path).isFile()) throw new ProjectFileError(explicit, 'project file not found');
    return path;
  }
  for (const name of PROJECT_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  return undefined;
}
