// Decrypt throughput of the sandbox as users run it: `kms-doctor sandbox` (the bundle) in a process of
// its own, and in this process 8 clients, each on its own keep-alive connection, sending Decrypt
// requests signed afresh with the SDK's SigV4 signer as fast as they are answered: a warm-up, then a
// fixed duration. Beside it, in the same run and with the same clients, the ceiling: a trivial Node
// HTTP server (also a process of its own) that answers every request with a JSON body of the same size
// as the sandbox's Decrypt answer and does nothing else.
//
// The clients are plain `http` requests, not SDK clients: an SDK client costs about 1 ms of CPU per
// call, so 8 of them on this 2-core machine would measure the SDK, not the sandbox. What they send is
// what the SDK sends (same signer, same headers and body), and every answer is checked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { SignatureV4 } from '@smithy/signature-v4';
import { bundle, ensureBuilt } from './first-frame.js';
import { startChildServer } from './child-server.js';
import { Sha256 } from '../test/helpers/signed-request.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface DecryptThroughput {
  readonly clients: number;
  /** Requests answered within the measured window (after the warm-up). */
  readonly requests: number;
  /** Answers that were not the expected plaintext (any error fails the benchmark). */
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * CPU time the server process spent per answered request in the measured window (user + system,
   * from /proc; undefined where there is none): unlike requests/s, hardly changed by other load on the
   * machine.
   */
  readonly serverCpuUsPerRequest: number | undefined;
}

export interface LoadOptions {
  readonly clients?: number;
  readonly warmUpMs?: number;
  /** Answers the warm-up waits for at least, whatever its time (default 3,000). */
  readonly warmUpRequests?: number;
  readonly durationMs?: number;
  /** Extra `node` flags for the sandbox process, e.g. ['--cpu-prof', '--cpu-prof-dir=DIR']. */
  readonly sandboxNodeFlags?: readonly string[];
  /** Another build of kms-doctor to run the sandbox from (a baseline to compare with), instead of dist/. */
  readonly sandboxBundle?: string;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat; undefined without /proc. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The credentials of profile `name` in an AWS shared credentials file. */
function profileCredentials(file: string, name: string): { accessKeyId: string; secretAccessKey: string } {
  const text = readFileSync(file, 'utf8');
  const section = new RegExp(`^\\[${name}\\]\\n((?:[^\\[].*\\n?)*)`, 'm').exec(text)?.[1] ?? '';
  const value = (key: string) => new RegExp(`^${key} = (.*)$`, 'm').exec(section)?.[1];
  const accessKeyId = value('aws_access_key_id');
  const secretAccessKey = value('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) throw new Error(`no profile ${name} in ${file}`);
  return { accessKeyId, secretAccessKey };
}

interface Workload {
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly body: string;
  /** True when an answer's body is the right one. */
  readonly answerIsRight: (status: number, body: string) => boolean;
}

/** One signed Decrypt request, answered: its status and body. */
async function send(workload: Workload, signer: SignatureV4, agent: Agent, url: URL): Promise<{ status: number; body: string }> {
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Decrypt',
      'content-length': String(Buffer.byteLength(workload.body)),
    },
    body: workload.body,
  });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: signed.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(workload.body);
  });
}

/** `clients` concurrent keep-alive connections, each sending as fast as answered; counts the measured window only. */
async function drive(workload: Workload, serverPid: number | undefined, load: Required<Pick<LoadOptions, 'clients' | 'warmUpMs' | 'warmUpRequests' | 'durationMs'>>): Promise<DecryptThroughput> {
  const { clients, warmUpMs, warmUpRequests, durationMs } = load;
  const url = new URL(workload.endpoint);
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let warmUpAnswers = 0;
  let stopping = false;
  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const signer = new SignatureV4({ service: 'kms', region: 'us-east-1', credentials: workload.credentials, sha256: Sha256 });
    try {
      while (!stopping) {
        const started = performance.now();
        const counted = measuring;
        let right = false;
        try {
          const answer = await send(workload, signer, agent, url);
          right = workload.answerIsRight(answer.status, answer.body);
        } catch {
          right = false;
        }
        // A wrong answer is an error whenever it comes; only the measured window's right ones count.
        if (!right) errors += 1;
        else if (!counted) warmUpAnswers += 1;
        else if (!stopping) latencies.push(performance.now() - started);
      }
    } finally {
      agent.destroy();
    }
  };
  const running = Array.from({ length: clients }, client);
  // Warm: the time given, and enough answers for the sandbox's code to be compiled and optimized
  // (on a loaded machine a second may hold only a few hundred).
  await new Promise((resolve) => setTimeout(resolve, warmUpMs));
  while (warmUpAnswers < warmUpRequests && errors === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  measuring = true;
  const started = performance.now();
  const cpuBefore = processCpuSeconds(serverPid);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  stopping = true;
  const cpuAfter = processCpuSeconds(serverPid);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(running);
  latencies.sort((a, b) => a - b);
  return {
    clients,
    requests: latencies.length,
    errors,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    serverCpuUsPerRequest:
      cpuBefore !== undefined && cpuAfter !== undefined && latencies.length > 0 ? ((cpuAfter - cpuBefore) * 1e6) / latencies.length : undefined,
  };
}

const loadOf = (options: LoadOptions) => ({
  clients: options.clients ?? 8,
  warmUpMs: options.warmUpMs ?? 1_000,
  warmUpRequests: options.warmUpRequests ?? 3_000,
  durationMs: options.durationMs ?? 5_000,
});

/** What the measurements share: a started sandbox process, a key, a ciphertext and the expected answer. */
export interface DecryptBench {
  /** Decrypt throughput of the sandbox process. */
  sandbox(options?: LoadOptions): Promise<DecryptThroughput>;
  /** The same clients against a trivial server answering the same-size JSON (the ceiling). */
  ceiling(options?: LoadOptions): Promise<DecryptThroughput>;
  close(): Promise<void>;
}

const plaintext = Buffer.alloc(64, 1);
/** As long as a sandbox key's ARN: the ceiling's answer is the same size as the sandbox's. */
const ceilingKeyArn = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';

/**
 * Each measurement starts its own server process: for the sandbox, `kms-doctor sandbox` on the blank
 * scenario, with admin's credentials read from the profiles it writes to a directory of ours (removed
 * in `close`), a new key and a ciphertext under it. So a CPU profile (`sandboxNodeFlags`) covers one
 * run, and no run inherits another's warm state.
 */
export async function prepareDecryptBench(): Promise<DecryptBench> {
  if (process.env.BENCH_NO_BUILD !== '1' && process.env.BENCH_SANDBOX_FROM_SOURCE !== '1') ensureBuilt();
  // The profiles hold the scenario's credentials: written to a directory of ours, removed afterwards.
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-'));
  const startSandbox = async (nodeFlags: readonly string[] = [], sandboxBundle = bundle) => {
    // BENCH_SANDBOX_FROM_SOURCE=1 runs src/cli.tsx through tsx instead of the minified bundle: slower to
    // start, the same code once loaded, and a CPU profile with the source's function names.
    const program = process.env.BENCH_SANDBOX_FROM_SOURCE === '1' ? ['--import', 'tsx', join(root, 'src', 'cli.tsx')] : [sandboxBundle];
    const server = await startChildServer([...nodeFlags, ...program, 'sandbox', '--port', '0', '--quiet', '--config-dir', configDir]);
    try {
      const credentials = profileCredentials(join(configDir, 'credentials'), 'admin');
      const setup = new KMSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
      const key = await setup.send(new CreateKeyCommand({ Description: 'bench' }));
      const { CiphertextBlob } = await setup.send(new EncryptCommand({ KeyId: key.KeyMetadata!.Arn!, Plaintext: plaintext, EncryptionContext: { purpose: 'bench' } }));
      setup.destroy();
      const body = JSON.stringify({ CiphertextBlob: Buffer.from(CiphertextBlob!).toString('base64'), EncryptionContext: { purpose: 'bench' } });
      const expected = JSON.stringify({ KeyId: key.KeyMetadata!.Arn!, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
      return { server, credentials, body, expected };
    } catch (error) {
      // Not left running behind a failed set-up.
      await server.stop();
      throw error;
    }
  };
  const sandbox = async (options: LoadOptions = {}) => {
    const { server, credentials, body, expected } = await startSandbox(options.sandboxNodeFlags, options.sandboxBundle);
    try {
      const workload: Workload = {
        endpoint: server.endpoint,
        credentials,
        body,
        // The sandbox's JSON has the same keys in the same order: comparing text checks every field.
        answerIsRight: (status, text) => status === 200 && text === expected,
      };
      return await drive(workload, server.child.pid, loadOf(options));
    } finally {
      await server.stop();
    }
  };
  const ceiling = async (options: LoadOptions = {}) => {
    const expected = JSON.stringify({
      KeyId: ceilingKeyArn,
      Plaintext: plaintext.toString('base64'),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    const server = await startChildServer(['-e', ceilingServerSource(expected)]);
    try {
      const workload: Workload = {
        endpoint: server.endpoint,
        credentials: { accessKeyId: 'AKIABENCHCEILING0000', secretAccessKey: 'no-secret-the-server-checks-nothing' },
        // The same request size as the sandbox's: a ciphertext of the same length (ciphertext.ts's layout).
        body: JSON.stringify({ CiphertextBlob: Buffer.alloc(3 + ceilingKeyArn.length + 12 + 16 + plaintext.length, 7).toString('base64'), EncryptionContext: { purpose: 'bench' } }),
        answerIsRight: (status, text) => status === 200 && text === expected,
      };
      return await drive(workload, server.child.pid, loadOf(options));
    } finally {
      await server.stop();
    }
  };
  return {
    sandbox,
    ceiling,
    close: async () => rmSync(configDir, { recursive: true, force: true }),
  };
}

/** A server that reads each request and answers `answer` with the headers the sandbox sends. */
function ceilingServerSource(answer: string): string {
  return `
const { createServer } = require('node:http');
const answer = ${JSON.stringify(answer)};
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(answer), 'x-amzn-RequestId': '00000000-0000-4000-8000-000000000000' });
    response.end(answer);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write('endpoint: http://127.0.0.1:' + server.address().port + '\\n'));
process.once('SIGTERM', () => { server.close(); server.closeAllConnections(); });
`;
}

/** One sandbox measurement, set up and cleaned up (used by the test that checks the bench leaves no files). */
export async function measureDecryptThroughput(options: LoadOptions = {}): Promise<DecryptThroughput> {
  const bench = await prepareDecryptBench();
  try {
    return await bench.sandbox(options);
  } finally {
    await bench.close();
  }
}
