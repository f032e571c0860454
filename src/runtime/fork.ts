import { recordedWorkflow } from '../config/recorded.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { runStartedOf, type ForkOptions } from './replay/engineSupport.js';
import { reexecute } from './reexecute.js';
import type { RecordedRunDeps } from './replay/modes.js';
import { newRunId, type RunHandle } from './runExecution.js';
import { readRunLog } from './runLog.js';

/**
 * Start a new run that re-executes `runId`'s recorded answers up to stream position `options.at`,
 * then continues live, with the model and agent instructions `options` changes.
 */
export async function launchFork(deps: RecordedRunDeps, runId: string, options: ForkOptions): Promise<RunHandle> {
  const log = await readRunLog(deps.store, runId);
  const started = runStartedOf(log);
  const last = log[log.length - 1]!.streamPosition;
  if (!Number.isInteger(options.at) || options.at < 0 || options.at > last) {
    throw new ValidationError(`fork position must be a stream position from 0 to ${last}, got ${options.at}`, { path: 'at' });
  }
  const workflow = options.workflow ?? recordedWorkflow(deps.catalog, started.workflow, runId);
  const agents = new Map(workflow.agents().map((a) => [a.agentId, a]));
  for (const [agentId, text] of Object.entries(options.instructions ?? {})) {
    const agent = agents.get(agentId);
    if (!agent) throw new NotFoundError('agent', agentId, { hint: `agents of ${workflow.name}: ${[...agents.keys()].join(', ')}` });
    agent.instructions = text;
  }
  if (options.model) for (const agent of agents.values()) agent.model = options.model;
  return reexecute(deps, {
    log,
    source: runId,
    runId: options.runId ?? newRunId(),
    mode: { kind: 'fork', log, upTo: options.at, source: { runId, position: options.at } },
    workflow,
    options: { ...(options.model ? { model: options.model } : {}), ...(options.runContext !== undefined ? { runContext: options.runContext } : {}) },
  });
}
