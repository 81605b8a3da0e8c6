// The decrypt-throughput benchmark starts a sandbox whose AWS profiles hold credentials: it must write
// them to a directory of its own and remove it afterwards, so that runs do not pile secrets up in /tmp.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measureDecryptThroughput } from '../../bench/decrypt-throughput.js';

const originalTmpdir = process.env.TMPDIR;
const originalNoBuild = process.env.BENCH_NO_BUILD;
let scratch: string | undefined;
afterEach(() => {
  if (originalNoBuild === undefined) delete process.env.BENCH_NO_BUILD;
  else process.env.BENCH_NO_BUILD = originalNoBuild;
  if (originalTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalTmpdir;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('bench/decrypt-throughput', () => {
  it('leaves no profile files behind in the temp directory', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-test-'));
    // os.tmpdir() reads TMPDIR on every call: everything the benchmark puts in "the" temp dir lands here.
    process.env.TMPDIR = scratch;
    // The global setup built the bundle the benchmark's sandbox process runs.
    process.env.BENCH_NO_BUILD = '1';
    const result = await measureDecryptThroughput({ clients: 1, warmUpMs: 100, warmUpRequests: 10, durationMs: 300 });
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(readdirSync(scratch)).toEqual([]);
  });
});
