import { AigenError } from '../errors.js';

/**
 * A real model was asked for but `OPENAI_API_KEY` is not set. Raised before the run starts.
 * @example
 * ```ts
 * await engine.execute(workflow, undefined, 'hi', { model: 'gpt-4.1-mini' }); // throws without a key
 * ```
 */
export class MissingApiKeyError extends AigenError {
  readonly code = 'MISSING_API_KEY';
  readonly kind = 'user' as const;
  constructor(model: string) {
    super(
      `model '${model}' needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server); use the model 'offline' to run without a key`,
    );
  }
}
