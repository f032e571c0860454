/** A sorted set of strings (ascending) with binary-search insert, delete and range walks. */
export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Add many keys at once (one sort). */
  addAll(keys: Iterable<string>): void {
    this.keys = [...new Set([...this.keys, ...keys])].sort();
  }

  /** Keys strictly below `before` (all when undefined), largest first. */
  *descending(before: string | undefined): Generator<string> {
    for (let i = (before === undefined ? this.keys.length : this.lowerBound(before)) - 1; i >= 0; i--) yield this.keys[i]!;
  }

  /** Keys starting with `prefix`, ascending. */
  *withPrefix(prefix: string): Generator<string> {
    for (let i = this.lowerBound(prefix); i < this.keys.length && this.keys[i]!.startsWith(prefix); i++) yield this.keys[i]!;
  }
}
