import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** One state of a drawable statechart. */
export interface StateDefinition {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial?: string;
  states?: Record<string, StateDefinition>;
  /** Outgoing transitions: the event (XState event type) and target state ids. */
  transitions: Array<{ event: string; targets: string[]; guarded: boolean }>;
  /** Actors this state invokes: their id and the machine id (or logic name) they run. */
  invoke: Array<{ id: string; src: string }>;
}

/** A machine: its id and root state. */
export interface MachineDefinition {
  id: string;
  root: StateDefinition;
}

/**
 * The drawable definition of a workflow, recorded in RunStarted: every machine it runs (the
 * workflow, nested workflows, the agent actor), keyed by machine id.
 */
export interface WorkflowDefinition {
  root: string;
  machines: Record<string, MachineDefinition>;
}

function isMachine(value: unknown): value is AnyStateMachine {
  return typeof value === 'object' && value !== null && 'root' in value && 'config' in value;
}

function exportState(node: AnyStateNode, machines: Record<string, MachineDefinition>): StateDefinition {
  const transitions: StateDefinition['transitions'] = [];
  for (const [event, defs] of node.transitions) {
    for (const def of defs) {
      transitions.push({ event, targets: (def.target ?? []).map((t) => t.id), guarded: def.guard !== undefined });
    }
  }
  const configs = ([] as Array<{ src?: unknown }>).concat((node.config.invoke ?? []) as never);
  const invoke = node.invoke.map((inv, i) => {
    // node.invoke names inline logic by a generated key; the config keeps the logic itself.
    const src: unknown = configs[i]?.src ?? inv.src;
    if (isMachine(src)) {
      addMachine(src, machines);
      return { id: inv.id, src: src.id };
    }
    return { id: inv.id, src: typeof src === 'string' ? src : 'promise' };
  });
  const children = Object.values(node.states) as AnyStateNode[];
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    ...(initialTarget ? { initial: initialTarget.key } : {}),
    ...(children.length > 0
      ? { states: Object.fromEntries(children.map((c) => [c.key, exportState(c, machines)])) }
      : {}),
    transitions,
    invoke,
  };
}

function addMachine(machine: AnyStateMachine, machines: Record<string, MachineDefinition>): void {
  if (machines[machine.id]) return;
  machines[machine.id] = { id: machine.id, root: { id: machine.id, key: machine.id, type: 'compound', transitions: [], invoke: [] } };
  machines[machine.id] = { id: machine.id, root: exportState(machine.root, machines) };
}

/**
 * Export a workflow machine (and every machine it invokes) as JSON that a UI can draw.
 * @example
 * ```ts
 * const definition = exportDefinition(machine);
 * definition.machines[definition.root].root.states; // { research: …, writer: …, … }
 * ```
 */
export function exportDefinition(machine: AnyStateMachine): WorkflowDefinition {
  const machines: Record<string, MachineDefinition> = {};
  addMachine(machine, machines);
  return { root: machine.id, machines };
}
