// `npm run bench`: the project's speed figures. Not tests: they measure and report, and fail only when
// a benchmark itself breaks (an error where none may happen).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { measureDecryptThroughput } from './decrypt-throughput.js';

const result = await measureDecryptThroughput(Number(process.env.BENCH_CLIENTS ?? 8), Number(process.env.BENCH_REQUESTS ?? 500));
console.log(
  `sandbox Decrypt: ${result.requestsPerSecond.toFixed(0)} requests/s with ${result.clients} concurrent clients ` +
    `(${result.requests} requests in ${result.seconds.toFixed(2)} s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.errors} errors)`,
);
if (result.errors > 0) process.exitCode = 1;
