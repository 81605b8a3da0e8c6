// An endpoint that accepts the connection and then never answers (or starts an answer and stalls):
// `check` and `fix` give up after the request time limit with one line and exit 3, instead of waiting
// forever. The limit is set low here (KMS_DOCTOR_REQUEST_TIMEOUT=1, one attempt) so the test is quick;
// each run is killed after 40 s, so a hang fails the test instead of stalling the suite.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRequestTimeoutMs, requestTimeoutFrom } from '../../src/aws/aws-session.js';
import { UsageError } from '../../src/usage-error.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const servers: Server[] = [];
const sockets: Socket[] = [];

/** A TCP server on loopback that reads whatever is sent and answers `reply` (possibly nothing), never closing. */
async function stallingServer(reply: string): Promise<string> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (reply) socket.write(reply);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const env: NodeJS.ProcessEnv = {
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  AWS_PROFILE: '',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
  AWS_MAX_ATTEMPTS: '1',
  KMS_DOCTOR_REQUEST_TIMEOUT: '1',
};

let silent: string;
let stalledBody: string;
beforeAll(async () => {
  silent = await stallingServer('');
  // Headers of a JSON answer, then one byte of a body that never comes.
  stalledBody = await stallingServer('HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 500\r\nx-amzn-RequestId: r1\r\n\r\n{');
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('an endpoint that accepts the connection and never answers', () => {
  it('check, check --json and fix --dry-run exit 3 with one line naming the endpoint and the limit', async () => {
    for (const command of [['check'], ['check', '--json'], ['fix', '--dry-run']]) {
      const result = await runKmsDoctor([...command, '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', silent], env, { timeoutMs: 40_000 });
      const what = command.join(' ');
      expect(result.exitCode, what).toBe(3);
      expect(result.stderr, what).toMatch(/^kms-doctor: [^\n]*127\.0\.0\.1:\d+ accepted the connection but did not answer within 1 s[^\n]*\n$/);
      expect(result.stderr, what).not.toContain('@smithy');
      // With --json, stdout carries the failure as the JSON error document; without it, nothing.
      if (command.includes('--json')) expect(JSON.parse(result.stdout).error.message, what).toMatch(/did not answer within 1 s/);
      else expect(result.stdout, what).toBe('');
    }
  });

  it('an answer whose body stalls is given up too', async () => {
    const result = await runKmsDoctor(['check', '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', stalledBody], env, { timeoutMs: 40_000 });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/^kms-doctor: [^\n]*127\.0\.0\.1:\d+[^\n]*\n$/);
    expect(result.stderr).toContain('1 s');
  });
});

describe('KMS_DOCTOR_REQUEST_TIMEOUT', () => {
  it('is 30 s by default, takes seconds (fractions too), and refuses what is not a duration', () => {
    expect(defaultRequestTimeoutMs).toBe(30_000);
    expect(requestTimeoutFrom({}, {})).toBe(30_000);
    expect(requestTimeoutFrom({}, { KMS_DOCTOR_REQUEST_TIMEOUT: '2.5' })).toBe(2_500);
    for (const bad of ['0', '-1', 'soon', '1e9']) expect(() => requestTimeoutFrom({}, { KMS_DOCTOR_REQUEST_TIMEOUT: bad })).toThrow(UsageError);
  });

  it('a bad value is one line and exit 2', async () => {
    const result = await runKmsDoctor(['check', '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', silent], { ...env, KMS_DOCTOR_REQUEST_TIMEOUT: 'soon' }, { timeoutMs: 40_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("kms-doctor: KMS_DOCTOR_REQUEST_TIMEOUT 'soon' is not a number of seconds between 0 and 3600\n");
  });
});
