/**
 * Summarise a V8 `.cpuprofile` (from `node --cpu-prof`): where the time goes, by function (self
 * time), by source area (self time grouped into aigen modules, packages, node internals, GC),
 * and the inclusive time of chosen functions.
 * and, with `--owner=<path fragment>` (e.g. `/src/`), every sample charged to the nearest frame on
 * its stack whose file matches (the aigen code that caused the work, library time included).
 *   npx tsx bench/tools/cpuprofile.ts <file.cpuprofile> [--top=30] [--inclusive=name1,name2] [--owner=/src/]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx bench/tools/cpuprofile.ts <file.cpuprofile> [--top=30] [--inclusive=fnA,fnB]');
  process.exit(2);
}
const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const top = Number(opt('top') ?? 30);
const inclusiveNames = opt('inclusive')?.split(',') ?? [];
const owner = opt('owner');

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a frame's code lives: an aigen source area, a package, node internals or a V8 bucket. */
function area(n: ProfileNode): string {
  const { url, functionName } = n.callFrame;
  if (!url) return `(${functionName || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/(src|bench|test)\/(.+?)(?:\/[^/]+)?\.ts$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.replace(/^file:\/\//, '');
}

const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;

const fnSelf = new Map<string, number>();
const areaSelf = new Map<string, number>();
for (const [id, ms] of self) {
  const n = byId.get(id)!;
  fnSelf.set(label(n), (fnSelf.get(label(n)) ?? 0) + ms);
  areaSelf.set(area(n), (areaSelf.get(area(n)) ?? 0) + ms);
}
const pct = (ms: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, entries: Map<string, number>, limit: number) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  }
};
console.log(`${file}: ${total.toFixed(0)} ms sampled`);
print('Self time by area', areaSelf, 25);
print('Self time by function', fnSelf, top);

if (inclusiveNames.length > 0) {
  // Inclusive time: a sample counts once for each named function on its stack.
  const incl = new Map<string, number>(inclusiveNames.map((n) => [n, 0]));
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)!.callFrame.functionName;
      if (incl.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        incl.set(fn, incl.get(fn)! + (profile.timeDeltas[i] ?? 0) / 1000);
      }
    }
  });
  print('Inclusive time of chosen functions', incl, inclusiveNames.length);
}

if (owner !== undefined) {
  // Charge each sample to the nearest stack frame in `owner` files; samples without one keep
  // the area of their leaf frame (e.g. work the SDK or XState does on its own schedule).
  const charged = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    let key: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (n.callFrame.url.includes(owner)) {
        key = label(n);
        break;
      }
    }
    key ??= `[no ${owner} frame] ${area(byId.get(id)!)}`;
    charged.set(key, (charged.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  print(`Time charged to the nearest ${owner} frame on the stack`, charged, top);
}
