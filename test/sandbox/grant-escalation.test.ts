// A principal whose CreateGrant permission comes from a grant can create only grants within that grant
// (KMS developer guide, "Granting CreateGrant permission"): some or all of its operations, and
// constraints at least as strict. Driven with the real aws CLI, from the blank scenario; the key policy
// gives the users nothing, so everything they can do comes from grants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, type CliResult } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const accountA = '111122223333';
const accountB = '444455556666';
const plaintext = Buffer.from('payroll').toString('base64');

type Credentials = { AccessKeyId: string; SecretAccessKey: string };

let sandbox: TestSandbox;
let keyArn: string;
const users: Record<string, Credentials> = {};

const asAdmin = (args: string[]) => aws(sandbox, args, { profile: 'admin' });
const asAdminB = (args: string[]) => aws(sandbox, args, { profile: 'admin-b' });
const as = (user: string, args: string[]) => aws(sandbox, args, { credentials: users[user]! });
const userArn = (name: string, account = accountA) => `arn:aws:iam::${account}:user/${name}`;

function expectOk(result: CliResult): CliResult {
  expect(result.stderr, result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result;
}

function expectDenied(result: CliResult, operation: string): void {
  expect(result.exitCode, result.stdout).not.toBe(0);
  expect(result.stderr).toContain(`An error occurred (AccessDeniedException) when calling the ${operation} operation`);
}

async function createUser(runAs: (args: string[]) => Promise<CliResult>, name: string): Promise<Credentials> {
  expectOk(await runAs(['iam', 'create-user', '--user-name', name]));
  const key = expectOk(await runAs(['iam', 'create-access-key', '--user-name', name])).json.AccessKey;
  return { AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey };
}

/** A grant on the key; `constraints` in the CLI's shorthand, e.g. EncryptionContextEquals={Department=IT}. */
const grantArgs = (grantee: string, operations: string[], constraints?: string) => [
  'kms', 'create-grant', '--key-id', keyArn, '--grantee-principal', grantee, '--operations', ...operations,
  ...(constraints ? ['--constraints', constraints] : []),
];

const encryptAsAdmin = async (context?: string) =>
  expectOk(await asAdmin(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', plaintext, ...(context ? ['--encryption-context', context] : [])])).json
    .CiphertextBlob as string;

const decryptAs = (user: string, ciphertext: string, context?: string) =>
  as(user, ['kms', 'decrypt', '--key-id', keyArn, '--ciphertext-blob', ciphertext, ...(context ? ['--encryption-context', context] : [])]);

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'KeyAdministrators', Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'kms:*', Resource: '*' }],
  };
  keyArn = expectOk(await asAdmin(['kms', 'create-key', '--policy', JSON.stringify(policy)])).json.KeyMetadata.Arn;
  for (const name of ['nobody', 'eve', 'mallory', 'other']) users[name] = await createUser(asAdmin, name);
  users.carol = await createUser(asAdminB, 'carol');
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('a grant with CreateGrant', () => {
  it('cannot mint a grant for operations it does not have (the audit\'s reproduction)', async () => {
    expectOk(await asAdmin(grantArgs(userArn('nobody'), ['Encrypt', 'CreateGrant'])));
    const ciphertext = await encryptAsAdmin();

    expectDenied(await as('nobody', grantArgs(userArn('nobody'), ['Decrypt', 'GenerateDataKey', 'ReEncryptFrom'])), 'CreateGrant');
    expectDenied(await decryptAs('nobody', ciphertext), 'Decrypt');
    // Nor hand Decrypt to a user of another account.
    expectDenied(await as('nobody', grantArgs(userArn('carol', accountB), ['Decrypt'])), 'CreateGrant');
    // One forbidden operation among allowed ones is enough to refuse.
    expectDenied(await as('nobody', grantArgs(userArn('other'), ['Encrypt', 'Decrypt'])), 'CreateGrant');
  });

  it('can pass on some or all of its own operations', async () => {
    expectOk(await as('nobody', grantArgs(userArn('other'), ['Encrypt'])));
    expectOk(await as('nobody', grantArgs(userArn('other'), ['Encrypt', 'CreateGrant'])));
    expectOk(await as('other', ['kms', 'encrypt', '--key-id', keyArn, '--plaintext', plaintext]));
  });
});

describe('a grant with an EncryptionContextEquals constraint', () => {
  const equalsIT = 'EncryptionContextEquals={Department=IT}';

  beforeAll(async () => {
    expectOk(await asAdmin(grantArgs(userArn('eve'), ['Decrypt', 'DescribeKey', 'CreateGrant'], equalsIT)));
  });

  it('lets its grantee create a child grant with the same constraint, which then works', async () => {
    expectOk(await as('eve', grantArgs(userArn('other'), ['Decrypt'], equalsIT)));
    const ciphertext = await encryptAsAdmin('Department=IT');
    expectOk(await decryptAs('other', ciphertext, 'Department=IT'));
  });

  it('refuses a child grant without the constraint, with another context, or loosened to a subset', async () => {
    expectDenied(await as('eve', grantArgs(userArn('other'), ['Decrypt'])), 'CreateGrant');
    expectDenied(await as('eve', grantArgs(userArn('other'), ['Decrypt'], 'EncryptionContextEquals={Department=HR}')), 'CreateGrant');
    expectDenied(await as('eve', grantArgs(userArn('other'), ['Decrypt'], 'EncryptionContextSubset={Department=IT}')), 'CreateGrant');
  });

  it('does not constrain DescribeKey, which has no encryption context', async () => {
    const described = expectOk(await as('eve', ['kms', 'describe-key', '--key-id', keyArn]));
    expect(described.json.KeyMetadata.Arn).toBe(keyArn);
  });
});

describe('a grant with an EncryptionContextSubset constraint', () => {
  beforeAll(async () => {
    expectOk(await asAdmin(grantArgs(userArn('mallory'), ['Decrypt', 'CreateGrant'], 'EncryptionContextSubset={Department=IT}')));
  });

  it('allows child grants that keep its pairs: more pairs, or an exact context', async () => {
    expectOk(await as('mallory', grantArgs(userArn('other'), ['Decrypt'], 'EncryptionContextSubset={Department=IT,Team=Payroll}')));
    expectOk(await as('mallory', grantArgs(userArn('other'), ['Decrypt'], 'EncryptionContextEquals={Department=IT,Team=Payroll}')));
  });

  it('refuses child grants that drop its pairs or the constraint', async () => {
    expectDenied(await as('mallory', grantArgs(userArn('other'), ['Decrypt'], 'EncryptionContextSubset={Team=Payroll}')), 'CreateGrant');
    expectDenied(await as('mallory', grantArgs(userArn('other'), ['Decrypt'])), 'CreateGrant');
  });
});
