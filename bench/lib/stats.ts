import { performance } from 'node:perf_hooks';

/** Milliseconds from a monotonic clock. */
export const now = (): number => performance.now();

/** The value at percentile `p` (0–100) of `values`, nearest-rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median of `values` (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summary of repeated samples: median, min, max and the individual samples. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] };
}

/** Latency distribution in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function latency(samples: readonly number[]): Latency {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
  };
}

/** Time one async call, in milliseconds. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = now();
  await fn();
  return now() - t0;
}

/** Give pending I/O callbacks and timers a chance to run, and collect garbage when exposed. */
export async function settle(): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise<void>((r) => setTimeout(r, 5));
}

/** Tracks the peak resident set size while sampling every `intervalMs`. */
export class RssSampler {
  peak = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 5) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export const mib = (bytes: number): number => bytes / 1024 / 1024;

/** Rates of two contenders measured in alternation, and their paired ratios. */
export interface Paired {
  a: Summary;
  b: Summary;
  /** Median over rounds of a[i] / b[i]: each pair ran back to back, so slow drift cancels out. */
  ratio: number;
  ratios: number[];
}

/**
 * Measure `a` and `b` alternately for `rounds` rounds (order flipped every round, so neither
 * always runs first), after `warmup` unrecorded rounds. Each function returns one sample
 * (e.g. events/s); the result pairs round i of `a` with round i of `b`.
 */
export async function interleave(
  a: () => Promise<number>,
  b: () => Promise<number>,
  rounds: number,
  warmup = 1,
): Promise<Paired> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await settle();
    if (i % 2 === 0) {
      as.push(await a());
      await settle();
      bs.push(await b());
    } else {
      bs.push(await b());
      await settle();
      as.push(await a());
    }
  }
  const ratios = as.map((x, i) => x / bs[i]!);
  return { a: summarize(as), b: summarize(bs), ratio: median(ratios), ratios };
}
