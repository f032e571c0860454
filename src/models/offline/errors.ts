import { AigenError } from '../../errors.js';

/**
 * A seeded failure of the offline model (see `failures` / `AIGEN_OFFLINE_FAIL`). Always
 * retryable, like a transient provider error.
 *
 * @example
 * ```ts
 * try { await model.getResponse(request); }
 * catch (e) { if (e instanceof OfflineModelError) console.log(e.code, e.retryable, e.call); }
 * ```
 */
export class OfflineModelError extends AigenError {
  readonly code = 'OFFLINE_MODEL_FAILURE';
  readonly kind = 'system' as const;
  readonly retryable = true;
  constructor(
    readonly role: string,
    readonly call: number,
    readonly failures: number,
  ) {
    super(`offline model '${role}': seeded failure on call ${call} (configured to fail its first ${failures} call${failures === 1 ? '' : 's'})`);
  }
}
