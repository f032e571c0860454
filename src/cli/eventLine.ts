import { eventIdentity, type RecordedEvent } from '../events/envelope.js';
import type { ModelDelta } from '../journal/deltas.js';
import { summarizeEvent } from '../projections/describe.js';
import { formatClock, shortId } from './format.js';
import type { Styles } from './output.js';

/** The JSON line of one recorded event (`aigen events --json`, `aigen tail --json`). */
export function eventJson(e: RecordedEvent): Record<string, unknown> {
  return { ...eventIdentity(e), data: e.data, metadata: e.metadata };
}

function paintType(type: string, style: Styles): string {
  if (type.endsWith('Failed')) return style.red(type);
  if (type === 'RunCompleted' || type === 'StepCompleted') return style.green(type);
  if (type === 'RunCancelled') return style.yellow(type);
  if (type.startsWith('Run')) return style.bold(type);
  if (type === 'SpanRecorded' || type === 'Transitioned') return style.dim(type);
  return style.cyan(type);
}

const TYPE_WIDTH = 16;

/** `  12 14:03:07.120 TaskSent         1-research → research`; with the run id when `withRun`. */
export function eventLine(e: RecordedEvent, style: Styles, withRun = false): string {
  const type = paintType(e.type, style) + ' '.repeat(Math.max(1, TYPE_WIDTH - e.type.length));
  const run = withRun ? `${style.bold(shortId(e.streamId.replace(/^run-/, '')).padEnd(8))} ` : '';
  return `${style.dim(String(e.streamPosition).padStart(4))} ${style.dim(formatClock(e.metadata.recordedAt))} ${run}${type}${summarizeEvent(e)}`;
}

/**
 * A live delta among event lines (`aigen events --follow --deltas`): no position (it is not
 * stored), the call, and the text as a JSON string so whitespace stays visible.
 * `       ·            delta            1-research.1.1 +42 "Tides rise "`
 */
export function deltaLine(d: ModelDelta, style: Styles): string {
  const type = 'delta' + ' '.repeat(TYPE_WIDTH - 'delta'.length);
  const where = `${d.callId}${d.toolCall ? ` ${d.toolCall.name ?? d.toolCall.id}()` : ''} ${d.snapshot ? 'snapshot' : `+${d.index}`}`;
  return `${style.dim('   ·')} ${' '.repeat(12)} ${style.dim(type)}${where} ${JSON.stringify(d.text)}`;
}
