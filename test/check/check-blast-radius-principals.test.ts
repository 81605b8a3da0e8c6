// The blast radius probes the account's real roles and users, each with its own policies, built with
// the real aws CLI as a user would: a key-policy change that would let a real second role decrypt names
// that role by its ARN in fixes[].newlyAllows; a role without KMS permissions is not named; when IAM
// refuses the listing, the blast radius falls back to the stand-in and the report says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, type CliOptions } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

const accountA = '111122223333';
let sandbox: TestSandbox;
let keyArn: string;
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const rootStatement = { Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'kms:*', Resource: '*' };
const noDecrypt = { Sid: 'NoDecryptWithoutFinance', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Resource: '*', Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'Finance' } } };
const roleArn = (name: string) => `arn:aws:iam::${accountA}:role/${name}`;
const userArn = (name: string) => `arn:aws:iam::${accountA}:user/${name}`;
type Credentials = { AccessKeyId: string; SecretAccessKey: string };

async function ok(args: string[], options: CliOptions = { profile: 'admin' }) {
  const result = await aws(sandbox, args, options);
  expect(result.stderr, args.join(' ')).toBe('');
  return result.json;
}

async function check(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runKmsDoctor(['check', '--json', '--endpoint-url', sandbox.endpoint, ...args], { ...cliEnv(sandbox), ...env });
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

const trust = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'sts:AssumeRole' });
const checkArgs = ['--principal', userArn('analyst'), '--key', '', '--operation', 'Decrypt', '--encryption-context', '{"Department":"Marketing"}'];
const argsFor = () => checkArgs.map((a) => (a === '' ? keyArn : a));

/** The alternative that narrows the Deny for everyone: the change whose blast radius reaches other principals. */
const narrowing = (json: { fixes: { alternatives?: { title: string; newlyAllows: { probe: string; principal: string; action: string }[] }[] }[] }) =>
  json.fixes[0]!.alternatives!.find((a) => /^Narrow the Deny/.test(a.title))!;

let lister: Credentials;

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  keyArn = (await ok(['kms', 'create-key', '--policy', policy(rootStatement, noDecrypt)])).KeyMetadata.Arn as string;
  await ok(['iam', 'create-user', '--user-name', 'analyst']);
  await ok(['iam', 'put-user-policy', '--user-name', 'analyst', '--policy-name', 'kms', '--policy-document', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })]);
  // A real second role whose own IAM policy allows decrypting, and one with no KMS permissions at all.
  await ok(['iam', 'create-role', '--role-name', 'reporting', '--assume-role-policy-document', trust]);
  await ok(['iam', 'put-role-policy', '--role-name', 'reporting', '--policy-name', 'kms', '--policy-document', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })]);
  await ok(['iam', 'create-role', '--role-name', 'no-kms', '--assume-role-policy-document', trust]);
  await ok(['iam', 'put-role-policy', '--role-name', 'no-kms', '--policy-name', 's3', '--policy-document', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })]);
  // A diagnosing user who may read everything but not list the account's roles.
  await ok(['iam', 'create-user', '--user-name', 'no-lister']);
  const readOnly = policy({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'iam:SimulatePrincipalPolicy', 'kms:Describe*', 'kms:Get*', 'kms:List*', 'organizations:Describe*'], Resource: '*' }, { Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*' });
  await ok(['iam', 'put-user-policy', '--user-name', 'no-lister', '--policy-name', 'read', '--policy-document', readOnly]);
  lister = (await ok(['iam', 'create-access-key', '--user-name', 'no-lister'])).AccessKey;
}, 240_000);
afterAll(async () => {
  await sandbox?.stop();
});

describe('the blast radius of a key-policy change', () => {
  it('names the real role it would let in by its ARN, and not the role without KMS permissions', async () => {
    const { exitCode, json } = await check(['--profile', 'admin', ...argsFor()]);
    expect(exitCode).toBe(1);
    const others = narrowing(json).newlyAllows.filter((n) => n.probe === 'other-principal');
    expect(others).toContainEqual(expect.objectContaining({ principal: roleArn('reporting'), action: 'kms:Decrypt' }));
    expect(others.map((n) => n.principal)).not.toContain(roleArn('no-kms'));
    // No stand-in for the account whose principals were read; the diagnosed principal is not its own probe.
    expect(others.map((n) => n.principal)).not.toContain(roleArn('kms-doctor-probe-other-principal'));
    expect(others.map((n) => n.principal)).not.toContain(userArn('analyst'));
    expect(json.notes.join('\n')).toMatch(/The blast radius probed \d+ other roles and users of account 111122223333 with their own IAM policies\./);

    // The claim holds in the sandbox: with the Deny narrowed as proposed, reporting decrypts and no-kms does not.
    const blob = (await ok(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', 'c2VjcmV0', '--encryption-context', 'Department=Marketing'])).CiphertextBlob as string;
    await ok(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', policy(rootStatement, { ...noDecrypt, Action: ['kms:ReEncryptFrom'] })]);
    const as = async (role: string) => {
      const credentials = (await ok(['sts', 'assume-role', '--role-arn', roleArn(role), '--role-session-name', 'probe'])).Credentials;
      return aws(sandbox, ['kms', 'decrypt', '--ciphertext-blob', blob, '--encryption-context', 'Department=Marketing'], { credentials });
    };
    expect((await as('reporting')).stderr).toBe('');
    expect((await as('no-kms')).stderr).toContain('An error occurred (AccessDeniedException)');
    await ok(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', policy(rootStatement, noDecrypt)]);
  }, 240_000);

  it('falls back to the stand-in, and says why, when IAM refuses to list the roles', async () => {
    const env = { AWS_ACCESS_KEY_ID: lister.AccessKeyId, AWS_SECRET_ACCESS_KEY: lister.SecretAccessKey, AWS_REGION: 'us-east-1' };
    const { json } = await check(argsFor(), env);
    const others = narrowing(json).newlyAllows.filter((n) => n.probe === 'other-principal');
    expect(others.map((n) => n.principal)).toContain(roleArn('kms-doctor-probe-other-principal'));
    expect(others.map((n) => n.principal)).not.toContain(roleArn('reporting'));
    expect(json.notes.join('\n')).toMatch(/could not list the roles and users of account 111122223333 \(iam:ListRoles was refused: .*not authorized to perform: iam:ListRoles.*\); it probed a stand-in/);
  }, 240_000);
});
