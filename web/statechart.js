// @ts-check
/**
 * The workflow statechart, drawn from the definition recorded in RunStarted: states, nesting,
 * parallel regions, nested workflow machines inside the state that invokes them, transitions,
 * and a chip per agent actor. Laid out by elkjs (layered), rendered as SVG; `highlight()` marks
 * the active states of the workflow and of every nested actor, and each agent actor's state.
 */
import { s } from './dom.js';
import { activeIds } from './events.js';
import { agentLabel, buildGraph, CHIP_H, NODE_H } from './graph.js';

/** @typedef {import('./run-state.js').WorkflowDefinition} Definition */
/** @typedef {import('elkjs/lib/elk-api.js').ElkNode} ElkNode */
/** @typedef {import('./graph.js').NodeMeta} NodeMeta */
/** @typedef {import('./run-state.js').ActorView} ActorView */

/** @typedef {new () => import('elkjs/lib/elk-api.js').ELK} ElkConstructor */

/** @type {Promise<ElkConstructor> | undefined} */
let elk;

/** elkjs (1.6 MB), loaded on the first statechart only. */
function loadElk() {
  elk ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/vendor/elk.bundled.js';
    script.onload = () => {
      // elk.bundled.js defines the global ELK.
      const ctor = /** @type {{ ELK?: ElkConstructor }} */ (/** @type {unknown} */ (window)).ELK;
      if (ctor) resolve(ctor);
      else reject(new Error('the layout library (elkjs) did not load'));
    };
    script.onerror = () => reject(new Error('the layout library (elkjs) did not load'));
    document.head.append(script);
  });
  return elk;
}

/**
 * Lay out and draw a definition into `host`; returns the highlighter.
 * @param {HTMLElement} host
 * @param {Definition} def
 */
export async function drawStatechart(host, def) {
  const { graph, meta, scopeHost } = buildGraph(def);
  const ELK = await loadElk();
  const laid = await new ELK().layout(graph);
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  const svg = s('svg', { class: 'statechart', 'data-testid': 'statechart', role: 'img', 'aria-label': `statechart of ${def.root}` });
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))));
  const nodeLayer = s('g', { class: 'nodes' });
  const edgeLayer = s('g', { class: 'edges' });
  svg.append(nodeLayer, edgeLayer);
  /** @type {Map<string, Element>} */
  const stateEls = new Map();
  /** @type {Map<string, Element>} */
  const chipEls = new Map();
  /** @type {Map<string, { x: number, y: number }>} */
  const abs = new Map([['root', { x: 0, y: 0 }]]);

  /** @param {ElkNode} node @param {number} ox @param {number} oy */
  const drawNodes = (node, ox, oy) => {
    for (const c of node.children ?? []) {
      const x = ox + (c.x ?? 0);
      const y = oy + (c.y ?? 0);
      abs.set(c.id, { x, y });
      const m = meta.get(c.id);
      if (m) nodeLayer.append(drawNode(c, m, x, y, stateEls, chipEls));
      drawNodes(c, x, y);
    }
  };
  drawNodes(laid, 0, 0);

  /** @param {ElkNode} node */
  const drawEdges = (node) => {
    for (const e of node.edges ?? []) {
      const o = abs.get(e.container ?? node.id) ?? { x: 0, y: 0 };
      for (const sec of e.sections ?? []) {
        const pts = [sec.startPoint, ...(sec.bendPoints ?? []), sec.endPoint].map((p) => `${(p.x + o.x).toFixed(1)},${(p.y + o.y).toFixed(1)}`);
        edgeLayer.append(s('path', { d: `M${pts.join(' L')}`, class: 'edge', 'marker-end': 'url(#arrow)' }));
      }
      for (const l of e.labels ?? []) {
        edgeLayer.append(s('text', { x: ((l.x ?? 0) + o.x + 2).toFixed(1), y: ((l.y ?? 0) + o.y + 11).toFixed(1), class: 'edge-label' }, l.text));
      }
    }
    for (const c of node.children ?? []) drawEdges(c);
  };
  drawEdges(laid);
  host.replaceChildren(svg);

  return {
    /**
     * Mark the active states of the workflow and nested actors, and each agent actor's state.
     * @param {Record<string, ActorView>} actors  by actor id (the run state's `actors`)
     */
    highlight(actors) {
      /** @type {Set<string>} */
      const active = new Set();
      const scopes = Object.entries(actors).filter(([, a]) => a.machine !== undefined && a.machine !== 'agent');
      // A nested actor's states count only while the state that invokes it is active.
      for (let pass = 0; pass < 8; pass++) {
        const before = active.size;
        for (const [actorId, a] of scopes) {
          const host = scopeHost.get(actorId);
          if (actorId !== 'workflow' && (host === undefined || !active.has(host))) continue;
          for (const id of activeIds(a.machine ?? '', a.state)) active.add(`${actorId}|${id}`);
        }
        if (active.size === before) break;
      }
      for (const [id, el] of stateEls) el.classList.toggle('active', active.has(id));
      for (const [actorId, el] of chipEls) {
        const value = actors[actorId]?.state;
        el.setAttribute('data-agent-state', typeof value === 'string' ? value : 'idle');
      }
    },
  };
}

/**
 * How a final state ends its workflow, by its name: `failed`, `cancelled`, `partial` or `completed`
 * (each is coloured as its run status is, so a failed end is never drawn as a success).
 * @param {string} stateId
 */
function outcomeOf(stateId) {
  const key = stateId.slice(stateId.lastIndexOf('.') + 1).toLowerCase();
  if (/fail|error/.test(key)) return 'failed';
  if (/cancel/.test(key)) return 'cancelled';
  if (/partial/.test(key)) return 'partial';
  return 'completed';
}

/**
 * @param {ElkNode} c laid-out node
 * @param {NodeMeta} m
 * @param {number} x
 * @param {number} y
 * @param {Map<string, Element>} stateEls
 * @param {Map<string, Element>} chipEls
 */
function drawNode(c, m, x, y, stateEls, chipEls) {
  const w = c.width ?? 0;
  const ht = c.height ?? 0;
  if (m.kind === 'initial') return s('circle', { cx: x + w / 2, cy: y + ht / 2, r: 6, class: 'initial' });
  const compound = (c.children ?? []).length > 0;
  const cls = `st st-${m.kind} st-${m.type}${compound ? ' st-compound' : ''}`;
  const g = s('g', { class: cls, 'data-state-id': m.stateId, 'data-scope': m.scope, ...(m.type === 'final' ? { 'data-outcome': outcomeOf(m.stateId) } : {}) });
  g.append(s('rect', { x, y, width: w, height: ht, rx: compound ? 12 : 9, class: 'box' }));
  if (m.type === 'final') g.append(s('rect', { x: x + 3, y: y + 3, width: w - 6, height: ht - 6, rx: 7, class: 'inner' }));
  const title = m.type === 'parallel' ? `${m.label} ∥` : m.label;
  if (compound) g.append(s('text', { x: x + 12, y: y + 20, class: 'label compound-label' }, title));
  else g.append(s('text', { x: x + w / 2, y: y + 22, class: 'label', 'text-anchor': 'middle' }, title));
  m.agents.forEach((actorId, i) => {
    const cy = y + NODE_H + i * (CHIP_H + 4);
    const chip = s('g', { class: 'chip', 'data-actor': actorId, 'data-agent-state': 'idle' },
      s('rect', { x: x + 8, y: cy, width: w - 16, height: CHIP_H, rx: 10, class: 'chip-box' }),
      s('circle', { cx: x + 19, cy: cy + CHIP_H / 2, r: 4, class: 'chip-dot' }),
      s('text', { x: x + 28, y: cy + 14, class: 'chip-label' }, agentLabel(actorId)),
      s('title', {}, `agent actor ${actorId}`));
    chipEls.set(actorId, chip);
    g.append(chip);
  });
  stateEls.set(`${m.scope}|${m.stateId}`, g);
  return g;
}
