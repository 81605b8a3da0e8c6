// `npm run bench`: the project's speed figures. Not tests: they measure and report, and fail only when
// a benchmark itself breaks (an error where none may happen).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { measureCheckVsManual } from './check-vs-manual.js';
import { measureClientCeiling, measureDecryptThroughput, type DecryptThroughput } from './decrypt-throughput.js';
import { measureFirstFrame } from './first-frame.js';
import { measureBlastRadiusCost } from './blast-radius-cost.js';
import { measureScale } from './scale.js';

const only = process.argv[2];

if (!only || only === 'decrypt') {
  // Alternating with the reference (the authorization cache off) so both see the same machine load.
  const clients = Number(process.env.BENCH_CLIENTS ?? 8);
  const requests = Number(process.env.BENCH_REQUESTS ?? 500);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const runs: { cached: DecryptThroughput[]; uncached: DecryptThroughput[]; ceiling: DecryptThroughput[] } = { cached: [], uncached: [], ceiling: [] };
  for (let i = 0; i < rounds; i++) {
    runs.uncached.push(await measureDecryptThroughput(clients, requests, { authorizationCache: false }));
    runs.cached.push(await measureDecryptThroughput(clients, requests));
    runs.ceiling.push(await measureClientCeiling(clients, requests));
  }
  const line = (label: string, results: DecryptThroughput[]) => {
    const sorted = [...results].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    return (
      `  ${label} ${mid.requestsPerSecond.toFixed(0).padStart(5)} requests/s  [${results.map((r) => r.requestsPerSecond.toFixed(0)).join(' ')}]  ` +
      `(median run: p50 ${mid.p50Ms.toFixed(1)} ms, p99 ${mid.p99Ms.toFixed(1)} ms; errors ${results.reduce((n, r) => n + r.errors, 0)})`
    );
  };
  const median = (results: DecryptThroughput[]) => [...results].map((r) => r.requestsPerSecond).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  console.log(
    `sandbox Decrypt with ${clients} concurrent clients, ${clients * requests} requests per run, median of ${rounds} runs alternating [every run]:\n` +
      line('authorization cache on: ', runs.cached) +
      '\n' +
      line('cache off (reference):  ', runs.uncached) +
      '\n' +
      line('clients alone (ceiling):', runs.ceiling) +
      `\n  ratio cache on / off: ${(median(runs.cached) / median(runs.uncached)).toFixed(2)}x; sandbox / ceiling: ${(median(runs.cached) / median(runs.ceiling)).toFixed(2)}` +
      '\n  (the clients, the sandbox and the ceiling server share one process: the ceiling is what the clients alone can send)',
  );
  if ([...runs.cached, ...runs.uncached].some((r) => r.errors > 0)) process.exitCode = 1;
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
  console.log(`check at sandbox --latency ${latencyMs}, in process, median of ${reference.runsMs.length} [every run, ms]:`);
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
