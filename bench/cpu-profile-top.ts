// `npx tsx bench/cpu-profile-top.ts FILE.cpuprofile [N]`: the N functions (default 25) with the most
// self time in a V8 CPU profile (node --cpu-prof), as a share of all samples, with their source place.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

const [file, count = '25'] = process.argv.slice(2);
// A count that is not a number is most often a second profile from a glob: node --cpu-prof under tsx
// also profiles tsx's loader thread (the main thread's file is the one ending .0.001.cpuprofile).
if (!file || !/^\d+$/.test(count)) {
  console.error('usage: tsx bench/cpu-profile-top.ts FILE.cpuprofile [N]  (one profile file; N a number)');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// Self time per sample: each sample's time delta goes to the node it hit.
const selfMs = new Map<string, number>();
let totalMs = 0;
(profile.samples ?? []).forEach((id, i) => {
  const node = byId.get(id);
  const ms = (profile.timeDeltas?.[i] ?? 0) / 1000;
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
  const label = `${functionName || '(anonymous)'} ${place}`.trim();
  selfMs.set(label, (selfMs.get(label) ?? 0) + ms);
  totalMs += ms;
});
console.log(`${file}: ${totalMs.toFixed(0)} ms sampled`);
for (const [label, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${label}`);
}
