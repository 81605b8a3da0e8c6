// `kms-doctor check` on situations built from the `blank` scenario with the SDK: each names the right
// cause (and layer, and statement), an allowed case exits 0, and a caller who cannot read everything
// gets a partial diagnosis that says what it could not verify — never a crash.
import { CreateKeyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

const accountA = '111122223333';
const accountB = '444455556666';
let sandbox: TestSandbox;
let iamA: IAMClient;
let iamB: IAMClient;
let kmsA: KMSClient;
let keyArn: string;

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'kms:*', Resource: '*' };

async function user(iam: IAMClient, name: string, ...statements: object[]): Promise<void> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (statements.length > 0) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'kms', PolicyDocument: policy(...statements) }));
}

async function check(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runKmsDoctor(['check', '--json', '--endpoint-url', sandbox.endpoint, ...args], { ...cliEnv(sandbox), ...env });
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

const asAdmin = (principal: string, key = keyArn, operation = 'Decrypt') =>
  check(['--profile', 'admin', '--principal', principal, '--key', key, '--operation', operation]);

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  const region = 'us-east-1';
  iamA = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin') });
  iamB = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin-b') });
  kmsA = new KMSClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin') });
  keyArn = (await kmsA.send(new CreateKeyCommand({ Description: 'check tests' }))).KeyMetadata!.Arn!;
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('kms-doctor check, situations built from blank', () => {
  it('allows, with exit code 0, when the key policy delegates and IAM allows', async () => {
    await user(iamA, 'alice', { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: keyArn });
    const { exitCode, json } = await asAdmin(`arn:aws:iam::${accountA}:user/alice`);
    expect(json).toMatchObject({ verdict: 'allowed', principal: `arn:aws:iam::${accountA}:user/alice`, key: keyArn, requiredActions: ['kms:Decrypt'], causes: [], fixes: [] });
    expect(exitCode).toBe(0);
  });

  it('names an explicit deny in an identity policy, with its statement', async () => {
    await user(iamA, 'dan', { Effect: 'Allow', Action: 'kms:*', Resource: keyArn }, { Sid: 'NoDecrypt', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' });
    const { exitCode, json } = await asAdmin(`arn:aws:iam::${accountA}:user/dan`);
    expect(exitCode).toBe(1);
    expect(json.causes[0]).toMatchObject({ code: 'explicit-deny', deniedBy: { layer: 'identity-policy', policyName: 'kms', statementId: 'NoDecrypt', statementIndex: 1 } });
  });

  it('names an explicit deny in the key policy', async () => {
    await user(iamA, 'eve', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn });
    const key = await kmsA.send(
      new CreateKeyCommand({
        Policy: policy(rootStatement, {
          Sid: 'NotEve',
          Effect: 'Deny',
          Principal: { AWS: `arn:aws:iam::${accountA}:user/eve` },
          Action: 'kms:Decrypt',
          Resource: '*',
        }),
      }),
    );
    const { json } = await asAdmin(`arn:aws:iam::${accountA}:user/eve`, key.KeyMetadata!.Arn!);
    expect(json.causes[0]).toMatchObject({ code: 'explicit-deny', layer: 'key-policy', deniedBy: { layer: 'key-policy', statementId: 'NotEve' } });
  });

  it('names a permissions boundary that leaves KMS out', async () => {
    await user(iamA, 'frank', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn });
    const boundary = await iamA.send(new CreatePolicyCommand({ PolicyName: 'S3Only', PolicyDocument: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
    await iamA.send(new PutUserPermissionsBoundaryCommand({ UserName: 'frank', PermissionsBoundary: boundary.Policy!.Arn! }));
    const { json } = await asAdmin(`arn:aws:iam::${accountA}:user/frank`);
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['permissions-boundary']);
    expect(json.fixes[0].target).toMatchObject({ type: 'identity-policy', arn: boundary.Policy!.Arn });
  });

  it('says which side of a cross-account setup is missing', async () => {
    await user(iamB, 'carol', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn });
    await user(iamB, 'chris');
    const crossAccount = (name: string) =>
      check(['--profile', 'admin-b', '--key-profile', 'admin', '--principal', `arn:aws:iam::${accountB}:user/${name}`, '--key', keyArn, '--operation', 'Decrypt']);
    const keySide = await crossAccount('carol');
    expect(keySide.json.causes.map((c: { code: string }) => c.code)).toEqual(['cross-account-key-policy']);
    const bothSides = await crossAccount('chris');
    expect(bothSides.json.causes.map((c: { code: string }) => c.code).sort()).toEqual(['cross-account-identity-policy', 'cross-account-key-policy']);

    await kmsA.send(
      new PutKeyPolicyCommand({
        KeyId: keyArn,
        PolicyName: 'default',
        Policy: policy(rootStatement, { Sid: 'AccountB', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountB}:root` }, Action: 'kms:Decrypt', Resource: '*' }),
      }),
    );
    const identitySide = await crossAccount('chris');
    expect(identitySide.json.causes.map((c: { code: string }) => c.code)).toEqual(['cross-account-identity-policy']);
    expect((await crossAccount('carol')).json.verdict).toBe('allowed');
  });

  it('gives a partial diagnosis, with what it could not verify, to a caller who cannot read the key policy', async () => {
    await user(iamA, 'grace', { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: keyArn });
    const accessKey = (await iamA.send(new CreateAccessKeyCommand({ UserName: 'grace' }))).AccessKey!;
    const { exitCode, json } = await check(['--key', keyArn, '--operation', 'Decrypt'], {
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_ACCESS_KEY_ID: accessKey.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: accessKey.SecretAccessKey!,
    });
    expect(json.principal).toBe(`arn:aws:iam::${accountA}:user/grace`);
    expect(json.verdict).not.toBe('allowed');
    expect(json.unverified.map((u: { what: string }) => u.what).join('\n')).toMatch(/key policy/i);
    expect(json.unverified.some((u: { howToVerify: string }) => /--key-profile|--profile/.test(u.howToVerify))).toBe(true);
    // grace may not read IAM or the key policy: nothing proves a cause, so the verdict is unknown (exit 3).
    expect(json.verdict).toBe('unknown');
    expect(exitCode).toBe(3);
    expect(JSON.stringify(json)).not.toContain(accessKey.SecretAccessKey!);
  });

  it('fails with one line and exit 2 for bad input', async () => {
    for (const [args, message] of [
      [['--key', 'not a key', '--operation', 'Decrypt'], /--key 'not a key' is not a key ID/],
      [['--key', keyArn, '--operation', 'MakeCoffee'], /unknown operation 'MakeCoffee'/],
      [['--key', keyArn, '--operation', 'Decrypt', '--profile', 'nobody'], /nobody/],
    ] as const) {
      const result = await runKmsDoctor(['check', '--endpoint-url', sandbox.endpoint, ...args], cliEnv(sandbox));
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });

  it('says in one line, exit 2, that no credentials were found', async () => {
    const result = await runKmsDoctor(['check', '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', sandbox.endpoint], {
      ...cliEnv(sandbox),
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^kms-doctor: No AWS credentials found.*\n$/);
  });

  it('reports an unreachable endpoint in one line', async () => {
    const result = await runKmsDoctor(['check', '--profile', 'admin', '--key', keyArn, '--operation', 'Decrypt', '--endpoint-url', 'http://127.0.0.1:9'], cliEnv(sandbox));
    expect(result.exitCode).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('127.0.0.1:9');
  });
});
