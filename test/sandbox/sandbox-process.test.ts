// The `kms-doctor sandbox` command as a process: its first line, its state file across restarts and
// kill -9, its one-line errors, and that nothing it prints contains a secret.
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxState } from '../../src/sandbox/state.js';
import { runKmsDoctor, startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.js';

const workDir = mkdtempSync(join(tmpdir(), 'kms-doctor-process-'));
const running: SandboxProcess[] = [];
afterAll(() => {
  for (const sandbox of running) sandbox.child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<SandboxProcess> {
  const sandbox = await startSandboxProcess(['--config-dir', join(workDir, 'profiles'), ...args]);
  running.push(sandbox);
  return sandbox;
}

async function stop(sandbox: SandboxProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  sandbox.child.kill(signal);
  return sandbox.exited;
}

const readState = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as SandboxState;

function adminClient(endpoint: string, state: SandboxState): KMSClient {
  const credential = Object.values(state.credentials).find((c) => c.kind === 'long-term' && c.userName === 'admin')!;
  return new KMSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    maxAttempts: 1,
  });
}

describe('kms-doctor sandbox', () => {
  it('prints the endpoint first, then how to use the profiles, and stops cleanly on SIGTERM', async () => {
    const sandbox = await start(['--scenario', 'blank']);
    expect(sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sandbox.output()).toContain(`AWS_CONFIG_FILE=${join(workDir, 'profiles', 'config')}`);
    expect(sandbox.output()).toContain('--profile admin');
    expect(await stop(sandbox)).toBe(0);
    expect(statSync(join(workDir, 'profiles', 'credentials')).mode & 0o777).toBe(0o600);
  });

  it('lists the built-in scenarios when --scenario has no name', async () => {
    const result = await runKmsDoctor(['sandbox', '--scenario']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^\s+blank\s+\S/m);
    expect(result.stdout).toMatch(/^\s+no-iam-delegation\s+\S/m);
  });

  it('fails fast with one line for bad input', async () => {
    const badFile = join(workDir, 'bad-scenario.json');
    writeFileSync(badFile, '{"accounts": 7}');
    for (const args of [
      ['sandbox', '--scenario', badFile],
      ['sandbox', '--scenario', 'no-such-scenario'],
      ['sandbox', '--port', 'eighty'],
      ['sandbox', '--frobnicate'],
      ['frobnicate'],
    ]) {
      const result = await runKmsDoctor(args);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(/^kms-doctor: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('resumes exactly from --state after a restart', async () => {
    const statePath = join(workDir, 'restart.json');
    const first = await start(['--scenario', 'blank', '--state', statePath]);
    const kms = adminClient(first.endpoint, readState(statePath));
    const key = await kms.send(new CreateKeyCommand({ Description: 'survives restarts' }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/persistent', TargetKeyId: key.KeyMetadata!.KeyId! }));
    const encrypted = await kms.send(new EncryptCommand({ KeyId: 'alias/persistent', Plaintext: Buffer.from('kept') }));
    expect(await stop(first)).toBe(0);
    const before = readFileSync(statePath, 'utf8');

    const second = await start(['--scenario', 'blank', '--state', statePath]);
    const again = adminClient(second.endpoint, readState(statePath));
    const decrypted = await again.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob! }));
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('kept');
    expect(decrypted.KeyId).toBe(key.KeyMetadata!.Arn);
    expect(readFileSync(statePath, 'utf8')).toBe(before);
    await stop(second);
  });

  it('keeps the state file whole when killed with -9 in the middle of a burst of writes', async () => {
    const statePath = join(workDir, 'burst.json');
    const sandbox = await start(['--scenario', 'blank', '--state', statePath, '--quiet']);
    const kms = adminClient(sandbox.endpoint, readState(statePath));
    const key = await kms.send(new CreateKeyCommand({}));
    const acknowledged: string[] = [];
    const attempted: string[] = [];
    let killed = false;
    const writer = async (worker: number) => {
      for (let i = 0; !killed && i < 10_000; i++) {
        const alias = `alias/burst-${worker}-${i}`;
        attempted.push(alias);
        try {
          await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyMetadata!.KeyId! }));
          acknowledged.push(alias);
        } catch {
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // Kill in the middle of the burst: once a few writes were answered (bounded wait; the machine may be busy).
    for (let waited = 0; acknowledged.length <= 5 && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    killed = true;
    sandbox.child.kill('SIGKILL');
    await sandbox.exited;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(5);

    const state = readState(statePath);
    const saved = Object.values(state.aliases).map((a) => a.aliasName).filter((name) => name.startsWith('alias/burst-'));
    // Every write that was answered is on disk; anything else on disk was a write in flight at the kill.
    for (const alias of acknowledged) expect(saved).toContain(alias);
    for (const alias of saved) expect(attempted).toContain(alias);
    expect(saved.length - acknowledged.length).toBeLessThanOrEqual(4);

    const resumed = await start(['--scenario', 'blank', '--state', statePath, '--quiet']);
    const resumedKms = adminClient(resumed.endpoint, state);
    await expect(resumedKms.send(new EncryptCommand({ KeyId: acknowledged[0]!, Plaintext: Buffer.from('x') }))).resolves.toBeDefined();
    await stop(resumed);
  });

  it('never prints a secret access key or session token', async () => {
    const statePath = join(workDir, 'secrets.json');
    const sandbox = await start(['--scenario', 'blank', '--state', statePath]);
    const state = readState(statePath);
    const admin = Object.values(state.credentials).find((c) => c.kind === 'long-term' && c.userName === 'admin')!;
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const iam = new IAMClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials });
    const sts = new STSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] };
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'SecretsRole', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const session = await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'secrets' }));
    const sessionKms = new KMSClient({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: session.Credentials!.AccessKeyId!,
        secretAccessKey: session.Credentials!.SecretAccessKey!,
        sessionToken: session.Credentials!.SessionToken!,
      },
      maxAttempts: 1,
    });
    await expect(sessionKms.send(new CreateKeyCommand({}))).rejects.toThrow(/not authorized/);
    const wrongSecret = new KMSClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: { ...credentials, secretAccessKey: 'x'.repeat(40) }, maxAttempts: 1 });
    await expect(wrongSecret.send(new CreateKeyCommand({}))).rejects.toThrow();
    await stop(sandbox);

    const printed = sandbox.output();
    expect(printed).toContain('sts:AssumeRole');
    const secrets = Object.values(readState(statePath).credentials).flatMap((c) =>
      c.kind === 'session' ? [c.secretAccessKey, c.sessionToken] : [c.secretAccessKey],
    );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(printed).not.toContain(secret);
  });
});
