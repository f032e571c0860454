import { ValidationError } from '../../errors.js';
import { roleFromName } from './roles.js';

/** Environment variables as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * How many initial calls should fail for `role` according to `AIGEN_OFFLINE_FAIL`
 * (`writer:2,research:1`; a bare number or `*:N` applies to every role). An exact agent type
 * wins over its built-in role (`technical_writer:3` before `writer:1`), which wins over `*`.
 *
 * @example
 * ```ts
 * failuresFromEnv('writer', { AIGEN_OFFLINE_FAIL: 'writer:2,research:1' }); // 2
 * failuresFromEnv('technical_writer', { AIGEN_OFFLINE_FAIL: 'writer:2' }); // 2
 * failuresFromEnv('editor', { AIGEN_OFFLINE_FAIL: 'writer:2' }); // 0
 * ```
 */
export function failuresFromEnv(role: string | undefined, env: Env = process.env): number {
  const spec = env.AIGEN_OFFLINE_FAIL?.trim();
  if (!spec) return 0;
  const table = new Map<string, number>();
  for (const entry of spec.split(/[,;\s]+/).filter(Boolean)) {
    const m = /^(?:([A-Za-z0-9_.*-]+)[:=])?(\d+)$/.exec(entry);
    if (!m?.[2]) {
      throw new ValidationError(`AIGEN_OFFLINE_FAIL entry '${entry}' is not 'role:count' (e.g. writer:2,research:1)`, {
        path: 'AIGEN_OFFLINE_FAIL',
      });
    }
    table.set((m[1] ?? '*').toLowerCase(), Number(m[2]));
  }
  const name = role?.toLowerCase();
  const builtin = name ? roleFromName(name) : undefined;
  return (name ? table.get(name) : undefined) ?? (builtin ? table.get(builtin) : undefined) ?? table.get('*') ?? 0;
}

/**
 * A non-negative number from the environment, or `fallback` when unset.
 *
 * @example
 * ```ts
 * numberFromEnv({ AIGEN_OFFLINE_LATENCY_MS: '250' }, 'AIGEN_OFFLINE_LATENCY_MS', 0); // 250
 * ```
 */
export function numberFromEnv(env: Env, name: string, fallback: number, integer = false): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ValidationError(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got '${raw}'`, { path: name });
  }
  return value;
}

/**
 * Check an option is a non-negative (integer) number.
 *
 * @example
 * ```ts
 * checkCount('failures', 2, true); // 2
 * ```
 */
export function checkCount(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ValidationError(`OfflineModel option '${name}' must be a non-negative ${integer ? 'integer' : 'number'}, got ${value}`, {
      path: name,
    });
  }
  return value;
}

/**
 * Wait `ms` milliseconds, rejecting promptly when `signal` aborts (with the signal's reason when
 * it is an Error, else an `AbortError`). Rejects at once if the signal has already aborted.
 *
 * @example
 * ```ts
 * await delay(200, request.signal);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Throw when `signal` has aborted.
 *
 * @example
 * ```ts
 * throwIfAborted(request.signal);
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The offline model call was aborted.', { cause: reason });
  error.name = 'AbortError';
  return error;
}
