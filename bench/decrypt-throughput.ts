// Decrypt throughput of the sandbox: several SDK clients, each over its own keep-alive connection,
// decrypting as fast as the sandbox answers, for a bounded number of requests.
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setAuthorizationCaching } from '../src/sandbox/authorization-cache.js';
import { startSandbox } from '../src/sandbox/command.js';

export interface DecryptThroughput {
  readonly clients: number;
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** `authorizationCache: false` measures the same-run reference: every authorization decision evaluated afresh. */
export async function measureDecryptThroughput(clients = 8, requestsPerClient = 500, options: { authorizationCache?: boolean } = {}): Promise<DecryptThroughput> {
  setAuthorizationCaching(options.authorizationCache ?? true);
  try {
    return await measure(clients, requestsPerClient);
  } finally {
    setAuthorizationCaching(true);
  }
}

async function measure(clients: number, requestsPerClient: number): Promise<DecryptThroughput> {
  // The profiles hold the scenario's credentials: written to a directory of ours, removed afterwards.
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-'));
  let sandbox;
  try {
    sandbox = await startSandbox({ scenario: 'blank', port: 0, host: '127.0.0.1', latencyMs: 0, quiet: true, configDir });
  } catch (error) {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
  try {
    const admin = Object.values(sandbox.world.state.credentials).find((c) => c.kind === 'long-term' && c.userName === 'admin')!;
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const make = () => new KMSClient({ endpoint: sandbox.running.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const setup = make();
    const key = await setup.send(new CreateKeyCommand({ Description: 'bench' }));
    const { CiphertextBlob } = await setup.send(
      new EncryptCommand({ KeyId: key.KeyMetadata!.Arn!, Plaintext: Buffer.alloc(64, 1), EncryptionContext: { purpose: 'bench' } }),
    );
    return await runClients(make, CiphertextBlob!, clients, requestsPerClient);
  } finally {
    await sandbox.running.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** Each client over its own keep-alive connection, decrypting `requestsPerClient` times as fast as answered. */
async function runClients(make: () => KMSClient, CiphertextBlob: Uint8Array, clients: number, requestsPerClient: number): Promise<DecryptThroughput> {
  const latencies: number[] = [];
  let errors = 0;
  const worker = async () => {
    const client = make();
    // Warm the connection and the signer before timing.
    await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'bench' } }));
    for (let i = 0; i < requestsPerClient; i++) {
      const started = performance.now();
      try {
        await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { purpose: 'bench' } }));
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const requests = clients * requestsPerClient;
  return {
    clients,
    requests,
    errors,
    seconds,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/**
 * The clients' own ceiling, for reference in the same run: the same SDK clients against a server that
 * answers every request with a fixed Decrypt response and does nothing else. The clients and the
 * sandbox share the process (and this machine's cores), so this bounds what any sandbox could show.
 */
export async function measureClientCeiling(clients = 8, requestsPerClient = 500): Promise<DecryptThroughput> {
  const answer = JSON.stringify({ KeyId: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000', Plaintext: Buffer.alloc(64, 1).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': '00000000-0000-4000-8000-000000000000', 'Content-Length': Buffer.byteLength(answer) });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // The server checks nothing: any key signs.
    const credentials = { accessKeyId: 'AKIABENCHCEILING0000', secretAccessKey: 'no-secret-the-server-checks-nothing' };
    const make = () => new KMSClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 1 });
    return await runClients(make, Buffer.alloc(128, 7), clients, requestsPerClient);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
