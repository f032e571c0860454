import type { EventType } from '../events/catalogue.js';
import type { Projection } from '../events/projection.js';
import { recordedAnswers } from '../journal/answers.js';
import { metricsProjection } from './metricsProjection.js';
import { runStateProjection } from './runState.js';
import { traceProjection } from './trace.js';
import { usageProjection } from './usage.js';

/**
 * Every declared projection of a run's log: run state, spans, usage, metrics and recorded
 * answers. Between them they read every event type of the catalogue (a unit test checks it), so
 * a new type that nothing folds is caught.
 * @example
 * ```ts
 * declaredProjections.map((p) => p.name); // ['run state', 'spans', …]
 * ```
 */
export const declaredProjections: ReadonlyArray<Projection<never, EventType>> = [
  runStateProjection,
  traceProjection,
  usageProjection,
  metricsProjection,
  recordedAnswers,
] as unknown as ReadonlyArray<Projection<never, EventType>>;
