import type { Usage } from '../events/common.js';

/** Longest text kept in a span attribute (inputs, outputs, arguments); the events keep it all. */
export const MAX_ATTRIBUTE = 300;
/** Longest text kept from an SDK span's input or output. */
export const SDK_PREVIEW = 120;

/** A bounded copy of a value for span attributes: long strings and large JSON become a preview. */
export function previewValue(value: unknown, max = MAX_ATTRIBUTE): unknown {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  const json = JSON.stringify(value);
  return json.length > max ? `${json.slice(0, max)}…` : value;
}

/** Token usage carried by an SDK span's data (`usage` or `data.usage`, snake_case), if any. */
export function sdkUsage(data: unknown): Usage | undefined {
  const d = data as { usage?: unknown; data?: { usage?: unknown } } | null;
  const u = (d && typeof d === 'object' ? (d.usage ?? d.data?.usage) : undefined) as Record<string, unknown> | undefined;
  if (!u || typeof u !== 'object') return undefined;
  const n = (k: string) => (typeof u[k] === 'number' ? u[k] : 0);
  const inputTokens = n('input_tokens');
  const outputTokens = n('output_tokens');
  return { requests: n('requests'), inputTokens, outputTokens, totalTokens: n('total_tokens') || inputTokens + outputTokens };
}
