import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testStoreUrls } from '../../support/stores.js';

const urls = testStoreUrls('exit');
const PROGRAM = join(import.meta.dirname, '..', '..', 'support', 'waitingRunProgram.ts');

/** Run the program; SIGKILLed (exit signal reported) if it is still alive after `graceMs`. */
function runProgram(url: string, graceMs: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROGRAM, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe.each(['sqlite', 'postgres'] as const)('a program whose run parks for an approval (%s)', (kind) => {
  it('exits by itself once it closed its store: the parked step leaves no timer (its 5-minute step timeout) holding the process', async () => {
    // Far below the step timeout, far above what the program needs.
    const r = await runProgram(urls[kind](), 60_000);
    expect(r.stdout.trim()).toBe('waiting');
    expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code: 0, signal: null });
  });
});
