/**
 * The `offline` model: a deterministic built-in implementation of the `@openai/agents` `Model`
 * interface, so every workflow runs without an API key.
 *
 * @example
 * ```ts
 * import { OfflineModel, offlineModelProvider, isOfflineModelName } from './models/offline/index.js';
 * const model = new OfflineModel({ role: 'writer', latencyMs: 50 });
 * ```
 */
export { OfflineModel, isOfflineModelName, offlineModelProvider } from './model.js';
export type { OfflineModelOptions } from './model.js';
export { OfflineModelError } from './errors.js';
export { failuresFromEnv } from './env.js';
export type { Env } from './env.js';
export { classify } from './classify.js';
export type { Classification, ContentClass } from './classify.js';
export { resolveRole } from './roles.js';
export type { OfflineRole } from './roles.js';
export { respond } from './respond.js';
export type { RespondSettings } from './respond.js';
