// The front door under faults of its own and of its clients: a bug of ours answers in the shape of the
// service the request was for, and a client that stalls is disconnected after the request timeout
// instead of holding a connection for minutes.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandboxServer, type RunningSandbox } from '../../src/sandbox/server.js';
import { SandboxWorld } from '../../src/sandbox/world.js';
import { minimalState } from '../helpers/minimal-state.js';
import { sendSigned, signedKmsHeaders } from '../helpers/signed-request.js';

const started: RunningSandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
});

async function start(world: SandboxWorld, options: { requestTimeoutMs?: number; headersTimeoutMs?: number; maxConnections?: number } = {}): Promise<RunningSandbox> {
  const sandbox = await startSandboxServer({ world, host: '127.0.0.1', port: 0, ...options });
  started.push(sandbox);
  return sandbox;
}

/** A world whose state cannot be read: every authenticated request hits a bug of ours. */
const brokenWorld = {
  get state(): never {
    throw new Error('simulated sandbox bug');
  },
} as unknown as SandboxWorld;
const emptyWorld = {} as unknown as SandboxWorld;

const anyCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('internal errors', () => {
  it('answer in the shape of the service the request was for', async () => {
    const sandbox = await start(brokenWorld);
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const kms = await sendSigned(sandbox.endpoint, anyCredentials, {
      service: 'kms',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' },
      body: '{}',
    });
    expect(kms.status).toBe(500);
    expect(kms.contentType).toContain('application/x-amz-json-1.1');
    expect(JSON.parse(kms.body)).toMatchObject({ __type: 'InternalFailure' });

    const iam = await sendSigned(sandbox.endpoint, anyCredentials, { service: 'iam', headers: form, body: 'Action=GetUser&Version=2010-05-08' });
    expect(iam.status).toBe(500);
    expect(iam.contentType).toContain('text/xml');
    expect(iam.body).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
    expect(iam.body).toContain('<Code>InternalFailure</Code>');
    expect(iam.body).toContain('<Type>Receiver</Type>');

    const sts = await sendSigned(sandbox.endpoint, anyCredentials, { service: 'sts', headers: form, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(sts.status).toBe(500);
    expect(sts.body).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
  });
});

/** Opens a raw connection, sends `data` and resolves with how long the server took to close it, and what it sent. */
function stall(endpoint: string, data: string, limitMs: number): Promise<{ closedAfterMs: number | 'still open'; received: string }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    const opened = Date.now();
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ closedAfterMs: 'still open', received });
    }, limitMs);
    socket.on('connect', () => socket.write(data));
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', (error) => {
      clearTimeout(giveUp);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - opened, received });
    });
  });
}

describe('stalled clients', () => {
  it('are given 30 s for a request and 20 s for its headers by default', async () => {
    const sandbox = await start(emptyWorld);
    expect(sandbox.server.requestTimeout).toBe(30_000);
    expect(sandbox.server.headersTimeout).toBe(20_000);
  });

  it('are disconnected when the body stops arriving, once their signed headers checked out', async () => {
    const { state, admins } = minimalState();
    const sandbox = await start(new SandboxWorld(state), { requestTimeoutMs: 500 });
    const body = '{"Limit": 10}'.padEnd(100, ' ');
    const headers = await signedKmsHeaders(sandbox.endpoint, admins.a.credentials, 'TrentService.ListKeys', body);
    const partial = ['POST / HTTP/1.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), '', body.slice(0, 4)].join('\r\n');
    const result = await stall(sandbox.endpoint, partial, 5_000);
    expect(result.closedAfterMs).not.toBe('still open');
    expect(result.closedAfterMs as number).toBeGreaterThanOrEqual(400);
    expect(result.closedAfterMs as number).toBeLessThan(2_000);
    expect(result.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('are answered from their headers alone when those do not authenticate, without waiting for the body', async () => {
    const sandbox = await start(emptyWorld, { requestTimeoutMs: 500 });
    const host = new URL(sandbox.endpoint).host;
    const partial = [
      'POST / HTTP/1.1',
      `Host: ${host}`,
      'Content-Type: application/x-amz-json-1.1',
      'X-Amz-Target: TrentService.ListKeys',
      'Content-Length: 100',
      '',
      '{"Li',
    ].join('\r\n');
    const result = await stall(sandbox.endpoint, partial, 5_000);
    expect(result.received).toMatch(/^HTTP\/1\.1 400 /);
    expect(result.received).toContain('MissingAuthenticationTokenException');
    expect(result.closedAfterMs).not.toBe('still open');
    expect(result.closedAfterMs as number).toBeLessThan(2_000);
  });

  it('are disconnected when the headers stop arriving', async () => {
    const sandbox = await start(emptyWorld, { requestTimeoutMs: 500 });
    const result = await stall(sandbox.endpoint, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar', 5_000);
    expect(result.closedAfterMs).not.toBe('still open');
    expect(result.closedAfterMs as number).toBeLessThan(2_000);
  });

  it('beyond the connection cap are closed as they arrive, and the sandbox serves again once others leave', async () => {
    const { state, admins } = minimalState();
    const sandbox = await start(new SandboxWorld(state), { maxConnections: 3 });
    const url = new URL(sandbox.endpoint);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
        socket.on('error', reject);
      });
    const held = [await open(), await open(), await open()];
    const extra = await open();
    const closedByServer = await new Promise<boolean>((resolve) => {
      const giveUp = setTimeout(() => resolve(false), 5_000);
      extra.on('close', () => {
        clearTimeout(giveUp);
        resolve(true);
      });
      extra.on('error', () => undefined);
    });
    expect(closedByServer).toBe(true);
    for (const socket of held) socket.destroy();
    // The server notices the closes asynchronously; wait (bounded) until it counts fewer than the cap.
    for (let i = 0; i < 100; i++) {
      const count = await new Promise<number>((resolve) => sandbox.server.getConnections((_, n) => resolve(n)));
      if (count < 3) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const response = await sendSigned(sandbox.endpoint, admins.a.credentials, {
      service: 'kms',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' },
      body: '{}',
    });
    expect(response.status, response.body).toBe(200);
  });
});
