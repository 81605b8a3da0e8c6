// Decrypt throughput of the sandbox: several SDK clients, each over its own keep-alive connection,
// decrypting as fast as the sandbox answers, for a bounded number of requests.
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mkdtempSync, rmSync } from 'node:fs';
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
  } finally {
    await sandbox.running.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}
