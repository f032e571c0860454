import type { InspectionEvent } from 'xstate';
import type { StateValue } from '../events/common.js';
import type { Recorder } from './recorder.js';

interface Seen {
  sessionId: string;
  key: string;
  value: StateValue;
}

/**
 * An XState inspection callback that turns every state change of every machine actor of a run
 * (the workflow, nested workflows, agent actors) into a Transitioned event. It only buffers
 * through the recorder: no I/O inside the callback.
 */
export function createTransitionInspector(recorder: Recorder, rootActorId: string) {
  const seen = new Map<string, Seen>();
  let rootSession: string | undefined;
  return (ev: InspectionEvent): void => {
    if (ev.type !== '@xstate.snapshot') return;
    const snapshot = ev.snapshot as { value?: unknown; machine?: { id: string } };
    if (snapshot.machine === undefined || snapshot.value === undefined) return;
    const ref = ev.actorRef as unknown as { id: string; sessionId: string; _parent?: unknown };
    if (rootSession === undefined && ref._parent === undefined) rootSession = ref.sessionId;
    const actorId = ref.sessionId === rootSession ? rootActorId : ref.id;
    const to = snapshot.value as StateValue;
    const key = JSON.stringify(to);
    const prev = seen.get(actorId);
    const fresh = prev === undefined || prev.sessionId !== ref.sessionId;
    if (!fresh && prev.key === key) return;
    seen.set(actorId, { sessionId: ref.sessionId, key, value: to });
    recorder.record(
      'Transitioned',
      { actorId, machine: snapshot.machine.id, from: fresh ? null : prev.value, to, event: ev.event.type },
      { actorId },
    );
  };
}
