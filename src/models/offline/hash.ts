/**
 * Deterministic "randomness" for the offline model: every choice is a pure function of the
 * request text and an optional seed, so the same request always yields the same response.
 */

/**
 * 32-bit FNV-1a hash of `text`, mixed with `seed`. Pure and platform-independent.
 *
 * @example
 * ```ts
 * hash32('quantum computing') === hash32('quantum computing'); // true
 * hash32('quantum computing', 1) !== hash32('quantum computing', 2); // (almost always) true
 * ```
 */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x01000193)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32) so nearby inputs spread over the whole range
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 16-hex-digit digest of `text` (two independent 32-bit hashes), for ids.
 *
 * @example
 * ```ts
 * hashHex('hello'); // e.g. '4f9f2cab3cfabf85', always the same for 'hello'
 * ```
 */
export function hashHex(text: string, seed = 0): string {
  const a = hash32(text, seed).toString(16).padStart(8, '0');
  const b = hash32(text, seed + 0x9e3779b9).toString(16).padStart(8, '0');
  return a + b;
}

/**
 * A seeded chooser: `pick`, `int` and `sample` all derive from `hash32(key + salt, seed)`.
 *
 * @example
 * ```ts
 * const rng = new Chooser('quantum computing', 7);
 * rng.pick('title', ['A', 'B', 'C']); // same letter on every call with these arguments
 * ```
 */
export class Chooser {
  constructor(
    private readonly key: string,
    private readonly seed = 0,
  ) {}

  /** An integer in `[0, n)` determined by `salt`. */
  int(salt: string, n: number): number {
    if (n <= 0) return 0;
    return hash32(`${salt}\u0000${this.key}`, this.seed) % n;
  }

  /** One element of a non-empty list. */
  pick<T>(salt: string, items: readonly [T, ...T[]]): T {
    return items[this.int(salt, items.length)] ?? items[0];
  }

  /** `count` distinct elements, in a stable pseudo-random order. */
  sample<T>(salt: string, items: readonly T[], count: number): T[] {
    return items
      .map((item, i) => ({ item, rank: hash32(`${salt}\u0000${i}\u0000${this.key}`, this.seed) }))
      .sort((a, b) => a.rank - b.rank)
      .slice(0, Math.max(0, count))
      .map((entry) => entry.item);
  }
}
