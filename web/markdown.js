// @ts-check
/**
 * Markdown as the run page shows a run's output: rendered by markdown-it with raw HTML off, so
 * markup in a model's text stays text and links are only http(s), mailto or relative (markdown-it
 * refuses `javascript:` and the like). Images do not load: the page's CSP allows none.
 */

/** @typedef {typeof import('markdown-it').default} MarkdownItFactory */

// Served by the server from the markdown-it package (see src/server/static.ts).
const url = '/vendor/markdown-it.mjs';
/** @type {(module: { default: MarkdownItFactory }) => MarkdownItFactory} */
const factoryOf = (module) => module.default;
// eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- a module loaded by URL has no static type: factoryOf gives it one
const markdownit = factoryOf(await import(url));
const md = markdownit({ html: false, linkify: true, typographer: false });

/**
 * `text` as Markdown, in a new element.
 * @param {string} text
 * @param {Record<string, string>} [attrs]
 * @returns {HTMLElement}
 */
export function markdown(text, attrs = {}) {
  const el = document.createElement('div');
  el.className = 'markdown';
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  // markdown-it escapes every HTML tag and attribute of the source (html: false).
  el.innerHTML = md.render(text);
  for (const a of el.querySelectorAll('a')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return el;
}
