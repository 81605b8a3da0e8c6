// SigV4 is verified, not just parsed: wrong secrets, unknown keys and missing session tokens get the
// errors the real services return, as the SDK names them.
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';

let sandbox: TestSandbox;
const region = 'us-east-1';

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
});
afterAll(async () => {
  await sandbox?.stop();
});

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const clients = (credentials: Credentials) => ({
  kms: new KMSClient({ endpoint: sandbox.endpoint, region, credentials, maxAttempts: 1 }),
  iam: new IAMClient({ endpoint: sandbox.endpoint, region, credentials, maxAttempts: 1 }),
  sts: new STSClient({ endpoint: sandbox.endpoint, region, credentials, maxAttempts: 1 }),
});

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

describe('request signatures', () => {
  it('accepts a correctly signed request', async () => {
    const { sts } = clients(userCredentials(sandbox, 'admin'));
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:iam::111122223333:user/admin');
    expect(identity.Account).toBe('111122223333');
  });

  it('rejects a wrong secret with each service\'s signature error', async () => {
    const good = userCredentials(sandbox, 'admin');
    const bad = clients({ accessKeyId: good.accessKeyId, secretAccessKey: good.secretAccessKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
    const kmsError = await errorOf(bad.kms.send(new ListKeysCommand({})));
    expect(kmsError).toMatchObject({ name: 'InvalidSignatureException', status: 400 });
    expect(kmsError.message).toContain('The request signature we calculated does not match the signature you provided');
    expect(await errorOf(bad.iam.send(new GetUserCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await errorOf(bad.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('rejects an unknown access key', async () => {
    const unknown = clients({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    expect(await errorOf(unknown.kms.send(new ListKeysCommand({})))).toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    expect(await errorOf(unknown.iam.send(new GetUserCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await errorOf(unknown.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('needs the session token of temporary credentials', async () => {
    const admin = clients(userCredentials(sandbox, 'admin'));
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] };
    const role = await admin.iam.send(new CreateRoleCommand({ RoleName: 'SignatureRole', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const assumed = await admin.sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'sig' }));
    const temporary = assumed.Credentials!;
    expect(temporary.AccessKeyId).toMatch(/^ASIA/);
    const withToken = clients({ accessKeyId: temporary.AccessKeyId!, secretAccessKey: temporary.SecretAccessKey!, sessionToken: temporary.SessionToken! });
    expect((await withToken.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::111122223333:assumed-role/SignatureRole/sig');
    const withoutToken = clients({ accessKeyId: temporary.AccessKeyId!, secretAccessKey: temporary.SecretAccessKey! });
    expect(await errorOf(withoutToken.kms.send(new ListKeysCommand({})))).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(await errorOf(withoutToken.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId' });
  });
});
