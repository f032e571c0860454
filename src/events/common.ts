import { z } from 'zod';

/** Token usage of one model call, step or run. */
export const usageSchema = z.object({
  requests: z.number().int().nonnegative().default(0),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A serialised error as recorded in events. */
export const errorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  name: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** An XState state value: a state name, or an object of nested/parallel state values. */
export type StateValue = string | { [key: string]: StateValue };
export const stateValueSchema: z.ZodType<StateValue> = z.lazy(() =>
  z.union([z.string(), z.record(z.string(), stateValueSchema)]),
);

/** Any JSON value. */
export const jsonSchema = z.json();
