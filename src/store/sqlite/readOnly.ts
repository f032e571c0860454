import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Whether this process can write a SQLite database at `path`: the file and its directory (where
 * SQLite keeps the `-wal` and `-shm` files beside it). True for a file that does not exist yet.
 */
export function sqliteWritable(path: string): boolean {
  if (!existsSync(path)) return true;
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(resolve(path)), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A private copy of a database, removed by `remove()`. */
export interface SqliteCopy {
  path: string;
  remove: () => void;
}

/**
 * Copy a database this process cannot write (with its `-wal`, if one is left) into a private
 * temporary directory, so that it can be read, and its views folded, as of now without touching
 * the original: SQLite cannot open a WAL database read-only where it cannot create its `-shm`
 * file, and a reader must not leave files behind in someone else's directory.
 */
export function copyForReading(path: string): SqliteCopy {
  removeLeftCopies(tmpdir());
  const dir = mkdtempSync(join(tmpdir(), `${COPY_PREFIX}${process.pid}-`));
  const copy = join(dir, 'aigen.db');
  try {
    // The log first: a checkpoint moving pages into the file meanwhile then leaves them in both.
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    copyFileSync(path, copy);
    // The copy keeps the original's mode; it is this process's own to write.
    for (const file of [copy, `${copy}-wal`]) if (existsSync(file)) chmodSync(file, 0o600);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { path: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const COPY_PREFIX = 'aigen-readonly-';

/** Remove the copies of processes that died without removing theirs (SIGKILL); others' are left alone. */
function removeLeftCopies(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^aigen-readonly-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // Another user's copy: theirs to remove.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
