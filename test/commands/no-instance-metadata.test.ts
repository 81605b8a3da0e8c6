// With no credentials at all and an endpoint on this machine (the sandbox), `check`, `fix` and
// `rollback` must say so at once: never wait for, or take credentials from, the instance metadata
// service (169.254.169.254) or a container credentials endpoint. Both are replaced here by local
// servers that record every request, so a probe would be seen, not just timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSession, credentialSourcesFor, isLoopbackEndpoint } from '../../src/aws/aws-session.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { writeKeyPolicyBackup } from '../helpers/backup-files.js';

let sandbox: TestSandbox;
let metadata: Server;
let metadataUrl: string;
const probes: string[] = [];
let dir: string;
const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  // Answers like IMDS would, so a probe before the fix would even have found "credentials".
  metadata = createServer((request, response) => {
    probes.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.method === 'PUT' ? 'token' : '');
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  metadataUrl = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'kms-doctor-no-imds-'));
});
afterAll(async () => {
  await sandbox?.stop();
  await new Promise((resolve) => metadata?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** No credentials anywhere, and AWS_EC2_METADATA_DISABLED not set (undefined removes it from the child's environment). */
function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_SERVICE_ENDPOINT: metadataUrl,
    ...extra,
  };
}

function backupFile(): string {
  return writeKeyPolicyBackup(dir, keyArn);
}

describe('no credentials, a loopback endpoint', () => {
  const commands = (): [string, string[]][] => [
    ['check', ['check', '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', sandbox.endpoint]],
    ['fix', ['fix', '--dry-run', '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', sandbox.endpoint]],
    ['rollback', ['rollback', backupFile(), '--endpoint-url', sandbox.endpoint]],
  ];

  it('check, fix and rollback fail fast with the no-credentials line, without asking the instance metadata service', async () => {
    for (const [name, args] of commands()) {
      probes.length = 0;
      const started = Date.now();
      const result = await runKmsDoctor(args, bareEnv());
      const elapsed = Date.now() - started;
      expect(result.stderr, name).toMatch(/^kms-doctor: No AWS credentials found.*\n$/);
      expect(result.exitCode, name).toBe(2);
      expect(probes, name).toEqual([]);
      expect(elapsed, name).toBeLessThan(3_000);
    }
  });

  it('nor a container credentials endpoint', async () => {
    probes.length = 0;
    const result = await runKmsDoctor(commands()[0]![1], bareEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${metadataUrl}/container-credentials` }));
    expect(result.stderr).toMatch(/^kms-doctor: No AWS credentials found.*\n$/);
    expect(probes).toEqual([]);
  });
});

describe('the credential chain of a session', () => {
  it('leaves out the container and instance metadata links when every endpoint is on this machine', async () => {
    const env = { AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    for (const endpointUrl of ['http://127.0.0.1:4599', 'http://localhost:4599', 'http://[::1]:4599', 'http://127.9.8.7']) {
      const session = await createAwsSession({ endpointUrl, env });
      expect(session.credentialSources, endpointUrl).not.toContain('instance-metadata');
      expect(session.credentialSources, endpointUrl).not.toContain('container');
      expect(session.credentialSources).toContain('shared-files');
      session.destroy();
    }
    for (const endpointUrl of [undefined, 'https://kms.example.com', 'http://10.0.0.1:4599', 'http://127.0.0.1.example.com']) {
      const session = await createAwsSession({ ...(endpointUrl ? { endpointUrl } : {}), env });
      expect(session.credentialSources, String(endpointUrl)).toContain('instance-metadata');
      session.destroy();
    }
  });

  it('needs every service on loopback: a profile sending only KMS to the sandbox keeps the full chain', () => {
    expect(credentialSourcesFor(['http://127.0.0.1:1', 'http://127.0.0.1:1', 'http://127.0.0.1:1'])).not.toContain('instance-metadata');
    expect(credentialSourcesFor(['http://127.0.0.1:1', undefined, undefined])).toContain('instance-metadata');
    expect(isLoopbackEndpoint('http://[::ffff:127.0.0.1]:80')).toBe(true);
    expect(isLoopbackEndpoint('not a url')).toBe(false);
  });
});
