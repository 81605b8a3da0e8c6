// The sandbox's memory under the audit's attack, scaled down and bounded: many loopback connections each
// send a large body without valid credentials and then stall. The sandbox runs as a real child process
// (`kms-doctor sandbox`) and its resident memory is read from /proc. Before the fix every body was read
// into memory before authentication (150 connections × 1 MB ≈ 150 MB more); now a request is answered
// from its headers and its body is discarded unread, so memory stays flat, and is not held after the
// connections close. The test opens a fixed number of connections and ends them itself.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.js';

const connections = 150;
const bodyBytes = 1_000_000;
/** Far below the ~150 MB the old code kept, far above what starting one more request costs. */
const allowedGrowthBytes = 32 * 1024 * 1024;

let sandbox: SandboxProcess;

beforeAll(async () => {
  sandbox = await startSandboxProcess(['--scenario', 'blank']);
});

afterAll(async () => {
  sandbox?.child.kill('SIGTERM');
  await sandbox?.exited;
});

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes) * 1024;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The highest RSS seen over `samples` readings `everyMs` apart. */
async function peakResident(pid: number, samples: number, everyMs: number): Promise<number> {
  let peak = 0;
  for (let i = 0; i < samples; i++) {
    peak = Math.max(peak, residentBytes(pid));
    await pause(everyMs);
  }
  return peak;
}

/**
 * Opens a connection that sends unsigned KMS request headers declaring `declaredLength` bytes, then
 * `sentBytes` of body, and then stalls (never ends the request). Resolves once the body was handed
 * to the kernel or the server closed the connection.
 */
function stallingUpload(endpoint: string, declaredLength: number, sentBytes: number): Promise<Socket> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => resolve(socket));
    socket.on('close', () => resolve(socket));
    socket.on('connect', () => {
      const head = [
        'POST / HTTP/1.1',
        `Host: ${url.host}`,
        'Content-Type: application/x-amz-json-1.1',
        'X-Amz-Target: TrentService.Encrypt',
        `Content-Length: ${declaredLength}`,
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      socket.write(Buffer.alloc(sentBytes, 'a'), () => resolve(socket));
    });
  });
}

describe('the sandbox under many stalled, unauthenticated uploads', () => {
  it('keeps its memory flat, and holds none of it after the connections close', async () => {
    const pid = sandbox.child.pid!;
    // Warm up: the first requests load code the baseline should already include.
    for (let i = 0; i < 3; i++) await fetch(sandbox.endpoint + '/', { method: 'POST', body: '{}' }).then((r) => r.text());
    const baseline = await peakResident(pid, 5, 100);

    // Half declare 1 MB (over the body limit), half 200 KB (within it): both were buffered before.
    const sockets = await Promise.all(
      Array.from({ length: connections }, (_, i) => stallingUpload(sandbox.endpoint, i % 2 === 0 ? bodyBytes : 200_000, i % 2 === 0 ? bodyBytes : 199_999)),
    );
    const whileOpen = await peakResident(pid, 20, 100);
    for (const socket of sockets) socket.destroy();
    await pause(1_000);
    const afterClose = await peakResident(pid, 5, 100);

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const figures = `baseline ${mb(baseline)}, with ${connections} stalled uploads ${mb(whileOpen)}, after they closed ${mb(afterClose)}`;
    console.log(`sandbox RSS: ${figures}`);
    expect(whileOpen - baseline, figures).toBeLessThan(allowedGrowthBytes);
    expect(afterClose - baseline, figures).toBeLessThan(allowedGrowthBytes);
    // Still serving: a request after the storm is answered.
    const response = await fetch(sandbox.endpoint + '/', { method: 'POST', body: '{}', headers: { 'X-Amz-Target': 'TrentService.ListKeys' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('MissingAuthenticationTokenException');
  });
});
