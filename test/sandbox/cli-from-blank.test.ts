// Starting from the `blank` scenario, a trainee builds every classic KMS access situation with the real
// aws CLI alone and sees the outcome AWS documents for it (KMS developer guide, "Troubleshooting key
// access" and "Allowing users in other accounts to use a KMS key").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, type CliResult } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const accountA = '111122223333';
const accountB = '444455556666';
const plaintext = Buffer.from('hello kms').toString('base64');

type Credentials = { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };

let sandbox: TestSandbox;
let keyArn: string;
const users: Record<string, Credentials> = {};

const asAdmin = (args: string[]) => aws(sandbox, args, { profile: 'admin' });
const asAdminB = (args: string[]) => aws(sandbox, args, { profile: 'admin-b' });
const as = (credentials: Credentials, args: string[]) => aws(sandbox, args, { credentials });

function expectOk(result: CliResult): CliResult {
  expect(result.stderr, result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result;
}

function expectError(result: CliResult, code: string, operation: string): string {
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain(`An error occurred (${code}) when calling the ${operation} operation`);
  return result.stderr;
}

const encrypt = (credentials: Credentials) => as(credentials, ['kms', 'encrypt', '--key-id', keyArn, '--plaintext', plaintext]);

async function createUser(runAs: (args: string[]) => Promise<CliResult>, name: string, inlinePolicy?: object): Promise<Credentials> {
  expectOk(await runAs(['iam', 'create-user', '--user-name', name]));
  if (inlinePolicy) {
    expectOk(await runAs(['iam', 'put-user-policy', '--user-name', name, '--policy-name', 'kms', '--policy-document', JSON.stringify(inlinePolicy)]));
  }
  const key = expectOk(await runAs(['iam', 'create-access-key', '--user-name', name])).json.AccessKey;
  return { AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey };
}

const keyPolicy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const adminStatement = {
  Sid: 'KeyAdministrators',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${accountA}:user/admin` },
  Action: 'kms:*',
  Resource: '*',
};
const rootStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${accountA}:root` },
  Action: 'kms:*',
  Resource: '*',
};
const putKeyPolicy = async (...statements: object[]) =>
  expectOk(await asAdmin(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', keyPolicy(...statements)]));

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  const created = expectOk(
    await asAdmin(['kms', 'create-key', '--description', 'built with the CLI', '--policy', keyPolicy(adminStatement)]),
  );
  keyArn = created.json.KeyMetadata.Arn;
  const kmsUse = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: keyArn }] };
  users.alice = await createUser(asAdmin, 'alice', kmsUse);
  users.bob = await createUser(asAdmin, 'bob');
  users.dave = await createUser(asAdmin, 'dave');
  users.carol = await createUser(asAdminB, 'carol');
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('a key built from blank with the aws CLI', () => {
  it('ignores an IAM allow when the key policy has no root statement', async () => {
    const message = expectError(await encrypt(users.alice!), 'AccessDeniedException', 'Encrypt');
    expect(message).toContain(
      `User: arn:aws:iam::${accountA}:user/alice is not authorized to perform: kms:Encrypt on resource: ${keyArn} because no resource-based policy allows the kms:Encrypt action`,
    );
  });

  it('honours the IAM allow once the root statement delegates to IAM, and only for that user', async () => {
    await putKeyPolicy(adminStatement, rootStatement);
    expectOk(await encrypt(users.alice!));
    const denied = expectError(await encrypt(users.bob!), 'AccessDeniedException', 'Encrypt');
    expect(denied).toContain('because no identity-based policy allows the kms:Encrypt action');
  });

  it('lets an explicit deny in an IAM policy win over every allow', async () => {
    const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' }] };
    expectOk(await asAdmin(['iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'deny', '--policy-document', JSON.stringify(deny)]));
    const message = expectError(await encrypt(users.alice!), 'AccessDeniedException', 'Encrypt');
    expect(message).toContain('with an explicit deny in an identity-based policy');
    expectOk(await asAdmin(['iam', 'delete-user-policy', '--user-name', 'alice', '--policy-name', 'deny']));
    expectOk(await encrypt(users.alice!));
  });

  it('allows a principal named in the key policy without any IAM policy', async () => {
    await putKeyPolicy(adminStatement, rootStatement, {
      Sid: 'AllowBob',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountA}:user/bob` },
      Action: 'kms:Encrypt',
      Resource: '*',
    });
    expectOk(await encrypt(users.bob!));
  });

  it('needs both sides for cross-account use', async () => {
    // Only the caller's side: admin-b's IAM allows everything, the key policy does not name account B.
    const obscured = expectError(
      await asAdminB(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', plaintext]),
      'AccessDeniedException',
      'Encrypt',
    );
    expect(obscured).toContain(
      `User: arn:aws:iam::${accountB}:user/admin-b is not authorized to perform: kms:Encrypt on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`,
    );
    // Only the key's side: account B is allowed by the key policy, carol has no IAM policy.
    await putKeyPolicy(adminStatement, rootStatement, {
      Sid: 'AllowAccountB',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountB}:root` },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
    });
    expectError(await encrypt(users.carol!), 'AccessDeniedException', 'Encrypt');
    // Both sides.
    const carolPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: keyArn }] };
    expectOk(await asAdminB(['iam', 'put-user-policy', '--user-name', 'carol', '--policy-name', 'kms', '--policy-document', JSON.stringify(carolPolicy)]));
    expectOk(await encrypt(users.carol!));
    // A key ID (not an ARN) is looked up in the caller's own account.
    const keyId = keyArn.split('/')[1]!;
    expectError(await as(users.carol!, ['kms', 'encrypt', '--key-id', keyId, '--plaintext', plaintext]), 'NotFoundException', 'Encrypt');
  });

  it('lets a grant allow exactly its operations', async () => {
    expectError(await encrypt(users.dave!), 'AccessDeniedException', 'Encrypt');
    const grant = expectOk(
      await asAdmin([
        'kms', 'create-grant', '--key-id', keyArn, '--grantee-principal', `arn:aws:iam::${accountA}:user/dave`, '--operations', 'Encrypt',
      ]),
    ).json;
    expect(grant.GrantId).toMatch(/^[0-9a-f]{64}$/);
    const ciphertext = expectOk(await encrypt(users.dave!)).json.CiphertextBlob;
    expectError(await as(users.dave!, ['kms', 'decrypt', '--ciphertext-blob', ciphertext]), 'AccessDeniedException', 'Decrypt');
    expectOk(
      await asAdmin([
        'kms', 'create-grant', '--key-id', keyArn, '--grantee-principal', `arn:aws:iam::${accountA}:user/dave`, '--operations', 'Decrypt',
      ]),
    );
    const decrypted = expectOk(await as(users.dave!, ['kms', 'decrypt', '--ciphertext-blob', ciphertext])).json;
    expect(decrypted.Plaintext).toBe(plaintext);
    expect(decrypted.KeyId).toBe(keyArn);
  });

  it('refuses a disabled key with DisabledException, even to an allowed caller', async () => {
    expectOk(await asAdmin(['kms', 'disable-key', '--key-id', keyArn]));
    const message = expectError(await encrypt(users.alice!), 'DisabledException', 'Encrypt');
    expect(message).toContain(`${keyArn} is disabled.`);
    expectOk(await asAdmin(['kms', 'enable-key', '--key-id', keyArn]));
    expectOk(await encrypt(users.alice!));
  });

  it('names the role session in denials after assume-role', async () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'sts:AssumeRole' }] };
    const role = expectOk(
      await asAdmin(['iam', 'create-role', '--role-name', 'AppRole', '--path', '/service/', '--assume-role-policy-document', JSON.stringify(trust)]),
    ).json.Role;
    const session = expectOk(
      await asAdmin(['sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 's1']),
    ).json.Credentials;
    const message = expectError(await encrypt(session), 'AccessDeniedException', 'Encrypt');
    expect(message).toContain(`User: arn:aws:sts::${accountA}:assumed-role/AppRole/s1 is not authorized to perform: kms:Encrypt`);
    const identity = expectOk(await as(session, ['sts', 'get-caller-identity'])).json;
    expect(identity.Arn).toBe(`arn:aws:sts::${accountA}:assumed-role/AppRole/s1`);
    // A trust policy that does not trust the caller refuses the assumption.
    const strict = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:user/bob` }, Action: 'sts:AssumeRole' }] };
    expectOk(await asAdmin(['iam', 'update-assume-role-policy', '--role-name', 'AppRole', '--policy-document', JSON.stringify(strict)]));
    expectError(await asAdminB(['sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 's2']), 'AccessDenied', 'AssumeRole');
  });
});

describe('encryption-context conditions in a key policy, with the aws CLI', () => {
  it('allows only the context the key policy names', async () => {
    const policy = keyPolicy(adminStatement, rootStatement, {
      Sid: 'BobOnlyForReports',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountA}:user/bob` },
      Action: 'kms:Encrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'reports' } },
    });
    const key = expectOk(await asAdmin(['kms', 'create-key', '--policy', policy])).json.KeyMetadata.Arn;
    const bobEncrypts = (context: object) =>
      as(users.bob!, ['kms', 'encrypt', '--key-id', key, '--plaintext', plaintext, '--encryption-context', JSON.stringify(context)]);
    expectOk(await bobEncrypts({ purpose: 'reports' }));
    expectError(await bobEncrypts({ purpose: 'payroll' }), 'AccessDeniedException', 'Encrypt');
    expectError(await as(users.bob!, ['kms', 'encrypt', '--key-id', key, '--plaintext', plaintext]), 'AccessDeniedException', 'Encrypt');
  });
});
