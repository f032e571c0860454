import { ValidationError } from '../errors.js';

/** The category of run streams: `run-<runId>` holds every event of one run. */
export const RUN_CATEGORY = 'run';

/**
 * Stream id of a run.
 * @example
 * ```ts
 * runStreamId('7f3c'); // 'run-7f3c'
 * ```
 */
export function runStreamId(runId: string): string {
  return `${RUN_CATEGORY}-${runId}`;
}

/**
 * The category of a stream: the text before the first `-`.
 * @example
 * ```ts
 * streamCategory('run-7f3c'); // 'run'
 * ```
 */
export function streamCategory(streamId: string): string {
  const i = streamId.indexOf('-');
  return i < 0 ? streamId : streamId.slice(0, i);
}

/**
 * The runId of a run stream, or undefined for other streams.
 * @example
 * ```ts
 * runIdOfStream('run-7f3c'); // '7f3c'
 * ```
 */
export function runIdOfStream(streamId: string): string | undefined {
  return streamId.startsWith(`${RUN_CATEGORY}-`) ? streamId.slice(RUN_CATEGORY.length + 1) : undefined;
}

/** Throw a {@link ValidationError} unless `streamId` is a usable stream id. */
export function assertStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.trim() === '') {
    throw new ValidationError('stream id must be a non-empty string', { path: 'streamId' });
  }
  if (streamId.length > 512) {
    throw new ValidationError(`stream id is ${streamId.length} characters long; the limit is 512`, { path: 'streamId' });
  }
}
