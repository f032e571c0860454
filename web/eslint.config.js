// ESLint for the browser UI: the repository's rules plus the browser's globals.
// (ESLint 10 looks a file's config up from its own folder, so this applies to web/ only.)
import root from '../eslint.config.js';

const browserGlobals = [
  'window', 'document', 'location', 'history', 'navigator', 'fetch', 'sessionStorage', 'setTimeout',
  'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame', 'TextDecoderStream',
  'AbortController', 'URLSearchParams', 'Node', 'Element', 'HTMLElement', 'SVGElement', 'Event', 'console',
];

export default [
  ...root,
  { files: ['**/*.js'], languageOptions: { globals: Object.fromEntries(browserGlobals.map((name) => [name, 'readonly'])) } },
];
