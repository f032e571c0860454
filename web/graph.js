// @ts-check
/**
 * The recorded statechart definition as an elkjs graph: states, nesting, parallel regions, nested
 * workflow machines inside the state that invokes them, transitions (edges placed in their lowest
 * common ancestor), and the size of each node (room for its agent chips).
 */

/** @typedef {import('./run-state.js').StateDefinition} StateDef */
/** @typedef {import('./run-state.js').WorkflowDefinition} Definition */
/** @typedef {import('elkjs/lib/elk-api.js').ElkNode} ElkNode */
/** @typedef {import('elkjs/lib/elk-api.js').ElkExtendedEdge} ElkEdge */
/** @typedef {ElkNode & { children: ElkNode[], edges: ElkEdge[] }} Container */
/** @typedef {{ kind: 'initial' | 'state' | 'region', type: string, label: string, agents: string[], scope: string, stateId: string }} NodeMeta */

const CHAR_W = 7.4;
/** Height of a state box without chips, and of one agent chip. */
export const NODE_H = 34;
export const CHIP_H = 20;
const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeLabel': '3',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=14,left=14,bottom=14,right=14]',
};
const COMPOUND_OPTIONS = { 'elk.padding': '[top=34,left=16,bottom=16,right=16]' };

/**
 * A transition's event as a short label.
 * @param {string} event
 */
function eventLabel(event) {
  if (event.startsWith('xstate.done.')) return 'done';
  if (event.startsWith('xstate.error.')) return 'error';
  if (event.startsWith('xstate.after.')) return 'after delay';
  return event.replace(/^xstate\./, '');
}

/** @param {string} actorId */
export function agentLabel(actorId) {
  return actorId.split('/').pop() ?? actorId;
}

/**
 * The ELK graph of a definition, with what the renderer needs to know about each node.
 * @param {Definition} def
 */
export function buildGraph(def) {
  /** @type {Map<string, NodeMeta>} */
  const meta = new Map();
  /** @type {Map<string, string>} */
  const parent = new Map();
  /** @type {Map<string, Container>} */
  const nodes = new Map();
  /** @type {Map<string, string>} scope (nested actor id) → the node of the state that invokes it */
  const scopeHost = new Map();
  /** @type {Map<string, { source: string, target: string, labels: Set<string> }>} */
  const edges = new Map();
  /** @type {Container} */
  const root = { id: 'root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  nodes.set('root', root);

  /** @param {string} source @param {string} target @param {string} label */
  const addEdge = (source, target, label) => {
    const key = `${source}->${target}`;
    const edge = edges.get(key) ?? { source, target, labels: new Set() };
    if (label) edge.labels.add(label);
    edges.set(key, edge);
  };

  /** @param {Container} container @param {StateDef} state @param {string} scope @param {number} depth */
  const addChildren = (container, state, scope, depth) => {
    const initial = state.initial && state.type !== 'parallel' ? state.states?.[state.initial] : undefined;
    if (initial) {
      const id = `${container.id}|init`;
      container.children.push({ id, width: 14, height: 14 });
      meta.set(id, { kind: 'initial', type: 'initial', label: '', agents: [], scope, stateId: '' });
      parent.set(id, container.id);
      addEdge(id, `${scope}|${initial.id}`, '');
    }
    for (const child of Object.values(state.states ?? {})) addState(container, child, scope, depth + 1, state.type === 'parallel');
  };

  /** @param {Container} container @param {StateDef} state @param {string} scope @param {number} depth @param {boolean} region */
  const addState = (container, state, scope, depth, region) => {
    const id = `${scope}|${state.id}`;
    const agents = state.invoke.filter((i) => i.src === 'agent').map((i) => i.id);
    const nested = depth < 8 ? state.invoke.filter((i) => i.src !== 'agent' && def.machines[i.src]) : [];
    const label = nested.length > 0 ? `${state.key} ▸ ${nested.map((i) => i.src).join(', ')}` : state.key;
    /** @type {Container} */
    const node = { id, children: [], edges: [] };
    nodes.set(id, node);
    meta.set(id, { kind: region ? 'region' : 'state', type: state.type, label, agents, scope, stateId: state.id });
    parent.set(id, container.id);
    container.children.push(node);
    if (state.states) {
      node.layoutOptions = COMPOUND_OPTIONS;
      addChildren(node, state, scope, depth);
    } else if (nested.length > 0) {
      node.layoutOptions = COMPOUND_OPTIONS;
      for (const inv of nested) {
        scopeHost.set(inv.id, id);
        const machine = def.machines[inv.src];
        if (machine) addChildren(node, machine.root, inv.id, depth);
      }
    } else {
      node.width = Math.max(96, label.length * CHAR_W + 28, ...agents.map((a) => agentLabel(a).length * 6.6 + 40));
      node.height = NODE_H + (agents.length > 0 ? agents.length * (CHIP_H + 4) + 4 : 0);
    }
    for (const t of state.transitions) for (const target of t.targets) addEdge(id, `${scope}|${target}`, eventLabel(t.event));
  };

  const top = def.machines[def.root];
  if (top) addChildren(root, top.root, 'workflow', 0);

  /** @param {string} id */
  const ancestors = (id) => {
    const out = [];
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) out.push(cur);
    return out;
  };
  let n = 0;
  for (const e of edges.values()) {
    if (!meta.has(e.source) || !meta.has(e.target)) continue;
    const up = ancestors(e.target);
    const container = [e.source, ...ancestors(e.source)].find((a) => a === e.target || up.includes(a)) ?? 'root';
    // Edges into final states (completed / partial / failed) stay unlabelled: fewer words, same facts.
    const text = meta.get(e.target)?.type === 'final' ? '' : [...e.labels].join(' / ');
    const owner = nodes.get(container === e.source || container === e.target ? (parent.get(container) ?? 'root') : container) ?? root;
    owner.edges.push({
      id: `e${n++}`,
      sources: [e.source],
      targets: [e.target],
      labels: text ? [{ text, width: text.length * 6.2 + 4, height: 14 }] : [],
    });
  }
  return { graph: root, meta, scopeHost };
}

