/** Spelling suggestions for workflow files; shared with the rest of the code in `src/suggest.ts`. */
export { closest, didYouMean, levenshtein } from '../suggest.js';
