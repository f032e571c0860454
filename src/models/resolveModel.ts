import { OpenAIProvider, type Model } from '@openai/agents';
import OpenAI from 'openai';
import type { AigenAgent } from '../actors/agent.js';
import { registerSecret } from '../secrets.js';
import { MissingApiKeyError } from './errors.js';
import { failuresFromEnv, isOfflineModelName, OfflineModel } from './offline/index.js';
import { DEFAULT_OPENAI_BASE_URL, withServerErrors } from './serverErrors.js';

/** Turns a model name into the SDK Model that serves one agent of one run. */
export type ModelResolver = (modelName: string, agent: AigenAgent) => Model | Promise<Model>;

/** The model used when neither the agent, the run nor `AIGEN_MODEL` names one. */
export const DEFAULT_MODEL = 'offline';

/**
 * Fail before a run starts when a model needs a key that is not there.
 * @example
 * ```ts
 * assertModelAvailable('gpt-4.1-mini', process.env); // throws MissingApiKeyError without OPENAI_API_KEY
 * ```
 */
export function assertModelAvailable(modelName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!isOfflineModelName(modelName) && !env.OPENAI_API_KEY) throw new MissingApiKeyError(modelName);
}

/**
 * The default resolver: `offline` (and `offline:<variant>`) is the built-in deterministic model,
 * one instance per agent per run; any other name goes to OpenAI through `@openai/agents`
 * with `OPENAI_API_KEY`, `OPENAI_BASE_URL`, and `AIGEN_OPENAI_API=responses|chat_completions`.
 * @example
 * ```ts
 * const engine = new WorkflowEngine({ store, modelResolver: defaultModelResolver(process.env) });
 * ```
 */
export function defaultModelResolver(env: NodeJS.ProcessEnv = process.env): ModelResolver {
  let provider: OpenAIProvider | undefined;
  return (modelName, agent) => {
    if (isOfflineModelName(modelName)) {
      return new OfflineModel({ role: agent.type, failures: failuresFromEnv(agent.type, env), env });
    }
    assertModelAvailable(modelName, env);
    // The key is scrubbed from everything recorded or printed, whatever its format.
    registerSecret(env.OPENAI_API_KEY);
    provider ??= new OpenAIProvider({
      // No hidden retries inside the client: every request that reaches the server is one
      // recorded attempt of aigen's own retry policy (ModelCalled, then ModelResponded/ModelFailed).
      openAIClient: new OpenAI({
        apiKey: env.OPENAI_API_KEY,
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
        maxRetries: 0,
      }),
      useResponses: (env.AIGEN_OPENAI_API ?? 'responses') !== 'chat_completions',
    });
    const url = (env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '');
    const model = provider.getModel(modelName);
    return model instanceof Promise ? model.then((m) => withServerErrors(m, url)) : withServerErrors(model, url);
  };
}
