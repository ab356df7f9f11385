// `npx tsx bench/profile-summary.ts FILE.cpuprofile [cpu_us_per_request]`: where a market's main thread spent its
// time, by area (self time of each sampled function, grouped by the package or source folder it lies in), as a share
// and — given the CPU per request the bench measured for that market — in µs per request. The profiler inflates
// absolute figures and covers start-up too; the shares of a long loaded run hold. Used for docs/performance.md.
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

/** The area a frame belongs to: a package under node_modules, a folder of src/, node's internals, or V8's own. */
export function areaOf(frame: Node['callFrame']): string {
  const { url, functionName } = frame;
  if (!url)
    return functionName === '(garbage collector)'
      ? 'GC'
      : functionName === '(idle)'
        ? 'idle'
        : `(${functionName || 'native'})`;
  if (/^node:internal\/modules\/|node_modules\/tsx\//.test(url)) return 'start-up (loading modules)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  const inSource = /\/src\/((?:[^/]+\/){0,2})/.exec(url);
  if (inSource) return `src/${inSource[1]}`;
  if (url.startsWith('node:internal/')) return `node:${url.split('/')[1]}`;
  return url;
}

const [file, cpuFigure] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [cpu_us_per_request]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const area = areaOf(byId.get(id)!.callFrame);
  selfUs.set(area, (selfUs.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
selfUs.delete('idle');
// Start-up is not the paid path; it is reported, outside the total.
const startUp = selfUs.get('start-up (loading modules)') ?? 0;
selfUs.delete('start-up (loading modules)');
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const perRequest = cpuFigure ? Number(cpuFigure) : undefined;
console.log(`| area | share | ${perRequest ? 'µs/request |' : ''}`);
console.log(`|---|---|${perRequest ? '---|' : ''}`);
for (const [area, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(
    `| ${area} | ${((us / total) * 100).toFixed(1)} % | ${perRequest ? `${Math.round((us / total) * perRequest)} |` : ''}`,
  );
console.log(`(start-up, left out: ${Math.round(startUp / 1000)} ms of loading modules)`);
console.log(`| total busy | 100 % | ${perRequest ? `${perRequest} |` : ''}`);
