// `npm run bench`: the project's speed figures. Not tests: they measure and report, and fail only when
// a benchmark itself breaks (an error where none may happen).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { measureCheckVsManual } from './check-vs-manual.js';
import { prepareDecryptBench, type DecryptThroughput } from './decrypt-throughput.js';
import { measureFirstFrame } from './first-frame.js';
import { measureBlastRadiusCost } from './blast-radius-cost.js';
import { measureScale } from './scale.js';

const only = process.argv[2];

if (!only || only === 'decrypt') {
  // The sandbox and the ceiling (a trivial server answering the same-size JSON) each run in a process of
  // their own, alternating, so both see the same machine load; the clients run here.
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
  const warmUpMs = Number(process.env.BENCH_WARMUP_SECONDS ?? 1) * 1000;
  const warmUpRequests = Number(process.env.BENCH_WARMUP_REQUESTS ?? 3000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  // BENCH_CPU_PROF=DIR: the sandbox processes write their CPU profiles (node --cpu-prof) to DIR.
  const profileDir = process.env.BENCH_CPU_PROF;
  const sandboxNodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const bench = await prepareDecryptBench();
  // BENCH_BASELINE_BUNDLE=PATH/dist/kms-doctor.mjs: another build (e.g. an older commit's) measured in the same rounds.
  const baselineBundle = process.env.BENCH_BASELINE_BUNDLE;
  const runs: { sandbox: DecryptThroughput[]; baseline: DecryptThroughput[]; ceiling: DecryptThroughput[] } = { sandbox: [], baseline: [], ceiling: [] };
  try {
    for (let i = 0; i < rounds; i++) {
      runs.ceiling.push(await bench.ceiling({ clients, durationMs, warmUpMs, warmUpRequests }));
      if (baselineBundle) runs.baseline.push(await bench.sandbox({ clients, durationMs, warmUpMs, warmUpRequests, sandboxBundle: baselineBundle }));
      runs.sandbox.push(await bench.sandbox({ clients, durationMs, warmUpMs, warmUpRequests, sandboxNodeFlags }));
    }
  } finally {
    await bench.close();
  }
  const median = (results: DecryptThroughput[]) => [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(results.length / 2)]!;
  const line = (label: string, results: DecryptThroughput[]) => {
    const mid = median(results);
    return (
      `  ${label} ${mid.requestsPerSecond.toFixed(0).padStart(5)} requests/s  [${results.map((r) => r.requestsPerSecond.toFixed(0)).join(' ')}]  ` +
      `(median run: p50 ${mid.p50Ms.toFixed(1)} ms, p99 ${mid.p99Ms.toFixed(1)} ms; errors ${results.reduce((n, r) => n + r.errors, 0)})\n` +
      `  ${' '.repeat(label.length)} server CPU per request: ${results.map((r) => (r.serverCpuUsPerRequest === undefined ? '?' : r.serverCpuUsPerRequest.toFixed(0))).join(' ')} µs`
    );
  };
  console.log(
    `sandbox Decrypt with ${clients} concurrent keep-alive clients, warm-up (${warmUpMs / 1000} s and ${warmUpRequests} answers) then ${durationMs / 1000} s, median of ${rounds} runs alternating [every run]:\n` +
      line('kms-doctor sandbox process:        ', runs.sandbox) +
      '\n' +
      line('trivial server, same JSON (ceiling):', runs.ceiling) +
      (baselineBundle
        ? `\n${line('baseline sandbox (another build):   ', runs.baseline)}\n    (${baselineBundle}; ratio this build / baseline: ${(median(runs.sandbox).requestsPerSecond / median(runs.baseline).requestsPerSecond).toFixed(2)})`
        : '') +
      `\n  ratio sandbox / ceiling: ${(median(runs.sandbox).requestsPerSecond / median(runs.ceiling).requestsPerSecond).toFixed(2)} (requests/s, median runs)` +
      '\n  (servers in processes of their own; the clients, signing each request with the SDK signer, in this one)' +
      (profileDir ? `\n  CPU profiles of the sandbox processes: ${profileDir}` : ''),
  );
  if ([...runs.sandbox, ...runs.baseline, ...runs.ceiling].some((r) => r.errors > 0)) process.exitCode = 1;
}

if (!only || only === 'check') {
  const r = await measureCheckVsManual(Number(process.env.BENCH_LATENCY_MS ?? 50), Number(process.env.BENCH_RUNS ?? 5));
  console.log(
    `check vs manual checklist (sandbox --latency ${r.latencyMs}, median of ${r.runs}):\n` +
      `  manual (4 aws CLI commands, one after another): ${r.manualMs.toFixed(0)} ms, ${r.manualRoundTrips} sequential round trips\n` +
      `  kms-doctor check, diagnosis in process:          ${r.checkInProcessMs.toFixed(0)} ms, ${r.checkRoundTrips} sequential round trips (${r.checkCalls} calls)\n` +
      `  kms-doctor check, whole command (tsx start-up):  ${r.checkCommandMs.toFixed(0)} ms\n` +
      `  ratio manual / check: ${(r.manualMs / r.checkInProcessMs).toFixed(1)}x (in process), ${(r.manualMs / r.checkCommandMs).toFixed(1)}x (whole command)`,
  );
}

if (!only || only === 'first-frame') {
  const r = await measureFirstFrame(Number(process.env.BENCH_RUNS ?? 9));
  const list = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join(' ');
  console.log(
    `wizard first frame (bundled dist/kms-doctor.mjs in an 80x24 pseudo-terminal, no AWS credentials, median of ${r.runs}): ${r.medianWizardMs.toFixed(0)} ms  [${list(r.wizardMs)}]\n` +
      `  node -e "console.log(…)" (the floor), same run and terminal, median of ${r.runs}:                     ${r.medianNodeFloorMs.toFixed(0)} ms  [${list(r.nodeFloorMs)}]\n` +
      `  Ink's frame (reads keys from here), same runs, median of ${r.runs}:                                     ${r.medianInkMs.toFixed(0)} ms  [${list(r.inkMs)}]\n` +
      `  ratio first frame / floor: ${(r.medianWizardMs / r.medianNodeFloorMs).toFixed(2)}x; Ink's frame / floor: ${(r.medianInkMs / r.medianNodeFloorMs).toFixed(2)}x\n` +
      (r.medianAwsMs !== undefined
        ? `  aws --version (${r.awsVersion}), same run, median of ${r.runs}:                               ${r.medianAwsMs.toFixed(0)} ms  [${list(r.awsMs)}]`
        : '  aws --version: no aws CLI on the PATH'),
  );
}

if (!only || only === 'scale') {
  const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
  const cases = await measureScale(latencyMs, Number(process.env.BENCH_RUNS ?? 5));
  const reference = cases[0]!;
  console.log(`check at sandbox --latency ${latencyMs}, check in process, sandbox in its own, median of ${reference.runsMs.length} [every run, ms]:`);
  for (const c of cases) {
    console.log(
      `  ${c.label.padEnd(28)} ${c.medianMs.toFixed(0).padStart(5)} ms  ${(c.medianMs / reference.medianMs).toFixed(2)}x  ` +
        `${c.roundTrips} sequential round trips (${c.roundTripsAfterCaller} after the caller is known; up to ${c.mostRoundTrips} counted under load), ${c.calls} calls, ${c.listGrantsCalls} ListGrants  ` +
        `${c.verdict}${c.cause ? ` (${c.cause})` : ''}  [${c.runsMs.map((v) => v.toFixed(0)).join(' ')}]`,
    );
  }
}

if (!only || only === 'blast-radius') {
  const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
  const roles = Number(process.env.BENCH_ROLES ?? 300);
  const cases = await measureBlastRadiusCost(roles, latencyMs, Number(process.env.BENCH_RUNS ?? 5));
  console.log(`refused check with its fixes' blast radius, at sandbox --latency ${latencyMs}, in process, median [every run, ms]:`);
  for (const c of cases) {
    console.log(`  ${c.label}: ${c.medianMs.toFixed(0)} ms, ${c.iamCalls} IAM calls of ${c.calls}, ${c.fixes} fixes  [${c.runsMs.map((v) => v.toFixed(0)).join(' ')}]`);
    for (const line of [...c.titles, ...c.notes]) console.log(`    ${line}`);
  }
}
