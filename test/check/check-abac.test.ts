// Attribute-based access control: IAM policies that allow a key by its tags (aws:ResourceTag/…) or its
// aliases (kms:ResourceAliases). The sandbox and the diagnosis build the same request context, so a real
// SDK call and `kms-doctor check` must agree: allowed with the tag or alias, denied without.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

const accountA = '111122223333';
const region = 'us-east-1';
let sandbox: TestSandbox;
let iam: IAMClient;
const keys: { tagged?: string; aliased?: string; plain?: string } = {};

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

/** A user whose only KMS permission is the given statement, with an access key for the SDK. */
async function userWith(name: string, statement: object): Promise<{ arn: string; kms: KMSClient }> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'abac', PolicyDocument: policy(statement) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  const kms = new KMSClient({ endpoint: sandbox.endpoint, region, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
  return { arn: `arn:aws:iam::${accountA}:user/${name}`, kms };
}

/** The real call, made with the SDK as the user: allowed or the AWS error name. */
async function encrypt(kms: KMSClient, keyArn: string): Promise<string> {
  try {
    await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: new Uint8Array([1, 2, 3]) }));
    return 'allowed';
  } catch (error) {
    return (error as Error).name;
  }
}

/** `kms-doctor check` by the administrator, naming the user. */
async function check(principal: string, keyArn: string): Promise<{ exitCode: number; verdict: string }> {
  const result = await runKmsDoctor(
    ['check', '--json', '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--principal', principal, '--key', keyArn, '--operation', 'Encrypt'],
    cliEnv(sandbox),
  );
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, verdict: JSON.parse(result.stdout).verdict };
}

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  const admin = userCredentials(sandbox, 'admin');
  iam = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: admin });
  const kms = new KMSClient({ endpoint: sandbox.endpoint, region, credentials: admin });
  // Default key policies: the account-root statement delegates to IAM, so the IAM condition decides.
  keys.tagged = (await kms.send(new CreateKeyCommand({ Description: 'tagged', Tags: [{ TagKey: 'team', TagValue: 'blue' }] }))).KeyMetadata!.Arn!;
  keys.aliased = (await kms.send(new CreateKeyCommand({ Description: 'aliased' }))).KeyMetadata!.Arn!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/abac', TargetKeyId: keys.aliased }));
  keys.plain = (await kms.send(new CreateKeyCommand({ Description: 'neither', Tags: [{ TagKey: 'team', TagValue: 'red' }] }))).KeyMetadata!.Arn!;
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('ABAC: the sandbox and check agree', () => {
  it('aws:ResourceTag/team = blue: allowed on the key tagged team=blue, denied on the others', async () => {
    const user = await userWith('tagged-user', {
      Effect: 'Allow',
      Action: 'kms:Encrypt',
      Resource: `arn:aws:kms:${region}:${accountA}:key/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } },
    });
    expect(await encrypt(user.kms, keys.tagged!)).toBe('allowed');
    expect(await check(user.arn, keys.tagged!)).toEqual({ exitCode: 0, verdict: 'allowed' });
    for (const other of [keys.plain!, keys.aliased!]) {
      expect(await encrypt(user.kms, other)).toBe('AccessDeniedException');
      expect(await check(user.arn, other)).toEqual({ exitCode: 1, verdict: 'denied' });
    }
  });

  it('ForAnyValue:StringEquals kms:ResourceAliases alias/abac: allowed on the aliased key only', async () => {
    const user = await userWith('alias-user', {
      Effect: 'Allow',
      Action: 'kms:Encrypt',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/abac' } },
    });
    expect(await encrypt(user.kms, keys.aliased!)).toBe('allowed');
    expect(await check(user.arn, keys.aliased!)).toEqual({ exitCode: 0, verdict: 'allowed' });
    for (const other of [keys.plain!, keys.tagged!]) {
      expect(await encrypt(user.kms, other)).toBe('AccessDeniedException');
      expect(await check(user.arn, other)).toEqual({ exitCode: 1, verdict: 'denied' });
    }
  });
});
