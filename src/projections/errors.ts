import { AigenError } from '../errors.js';

/**
 * A projection refused an event: an unknown type, an event of a run whose `RunStarted` was never
 * seen, a second `RunStarted`, or an event at or before a position already folded. The runner
 * records it as a projection error and carries on after it.
 * @example
 * ```ts
 * try { applyRunViews(undefined, taskSent); } catch (e) { if (e instanceof EventRejectedError) console.log(e.message); }
 * ```
 */
export class EventRejectedError extends AigenError {
  readonly code = 'EVENT_REJECTED';
  readonly kind = 'system' as const;
}

/**
 * Another projection runner advanced the checkpoint of the same views since this one read it;
 * nothing of the batch was written. The runner reloads its checkpoint and continues.
 * @example
 * ```ts
 * catch (e) { if (e instanceof CheckpointConflictError) console.log(e.expected, e.actual); }
 * ```
 */
export class CheckpointConflictError extends AigenError {
  readonly code = 'CHECKPOINT_CONFLICT';
  readonly kind = 'system' as const;
  constructor(
    readonly expected: string | undefined,
    readonly actual: string | undefined,
  ) {
    super(`projection checkpoint moved: expected ${expected ?? 'start'}, found ${actual ?? 'start'}`);
  }
}
