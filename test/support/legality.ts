import type { StateValue } from '../../src/events/common.js';
import type { RecordedEvent } from '../../src/events/envelope.js';
import type { StateDefinition, WorkflowDefinition } from '../../src/machines/definition.js';

/** Leaf state ids of a state value inside machine `machineId`. */
export function leafIds(machineId: string, value: StateValue, path: string[] = []): string[] {
  if (typeof value === 'string') return [[machineId, ...path, value].join('.')];
  return Object.entries(value).flatMap(([k, v]) => leafIds(machineId, v, [...path, k]));
}

function index(root: StateDefinition, out = new Map<string, StateDefinition>(), parents = new Map<string, string>()) {
  out.set(root.id, root);
  for (const child of Object.values(root.states ?? {})) {
    parents.set(child.id, root.id);
    index(child, out, parents);
  }
  return { states: out, parents };
}

function initialLeaves(s: StateDefinition): string[] {
  if (!s.states) return [s.id];
  if (s.type === 'parallel') return Object.values(s.states).flatMap(initialLeaves);
  return initialLeaves(s.states[s.initial!]!);
}

/**
 * Check that every consecutive (from, to) of every actor is explained by transitions of the
 * machine it runs (allowing a few chained microsteps, e.g. a region finishing and its parallel
 * parent's onDone). Returns the illegal ones (empty when all are legal).
 */
export function illegalTransitions(definition: WorkflowDefinition, events: readonly RecordedEvent[]): string[] {
  const problems: string[] = [];
  for (const e of events) {
    if (e.type !== 'Transitioned') continue;
    const d = e.data as { actorId: string; machine?: string; from: StateValue | null; to: StateValue };
    const machine = definition.machines[d.machine ?? ''];
    if (!machine) {
      problems.push(`${d.actorId}: unknown machine ${d.machine}`);
      continue;
    }
    const { states, parents } = index(machine.root);
    const toLeaves = leafIds(machine.id, d.to);
    if (d.from === null) {
      const init = new Set(initialLeaves(machine.root));
      if (!toLeaves.every((l) => init.has(l))) problems.push(`${d.actorId}: starts in ${JSON.stringify(d.to)}, not the initial state`);
      continue;
    }
    const fromLeaves = leafIds(machine.id, d.from);
    const reachable = new Set<string>();
    let frontier = fromLeaves;
    for (let depth = 0; depth < 3; depth++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (let cur: string | undefined = id; cur; cur = parents.get(cur)) {
          for (const t of states.get(cur)?.transitions ?? []) {
            for (const target of t.targets) {
              const s = states.get(target);
              if (!s) continue;
              for (const leaf of initialLeaves(s)) {
                if (!reachable.has(leaf)) {
                  reachable.add(leaf);
                  next.push(leaf);
                }
              }
              reachable.add(target);
            }
          }
        }
      }
      frontier = next;
    }
    const changed = toLeaves.filter((l) => !fromLeaves.includes(l));
    for (const leaf of changed) {
      if (!reachable.has(leaf)) problems.push(`${d.actorId}: ${JSON.stringify(d.from)} → ${JSON.stringify(d.to)} (${leaf}) is not a transition of ${machine.id}`);
    }
  }
  return problems;
}
