// Policies may hold only printable characters up to U+00FF (KMS and IAM API references). A JSON escape
// such as \u001b or \u009b passes the raw-text pattern but smuggles a terminal control sequence into a
// Sid that kms-doctor and the aws CLI later print; the sandbox refuses it where it enters: KMS key
// policies, IAM policies and scenario files. Driven with the real aws CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/sandbox/scenario.js';
import { aws, type CliResult } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const accountA = '111122223333';
let sandbox: TestSandbox;
let keyArn: string;
const directory = mkdtempSync(join(tmpdir(), 'kms-doctor-policy-characters-'));

const asAdmin = (args: string[]) => aws(sandbox, args, { profile: 'admin' });

/** A key policy text whose admin statement has this Sid, written as JSON source (escapes stay escapes). */
const keyPolicyWithSid = (sidSource: string) =>
  `{"Version":"2012-10-17","Statement":[{"Sid":"${sidSource}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${accountA}:user/admin"},"Action":"kms:*","Resource":"*"}]}`;

function expectError(result: CliResult, code: string, operation: string): string {
  expect(result.exitCode, result.stdout).not.toBe(0);
  expect(result.stderr).toContain(`An error occurred (${code}) when calling the ${operation} operation`);
  return result.stderr;
}

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  const created = await asAdmin(['kms', 'create-key', '--policy', keyPolicyWithSid('Key admins')]);
  expect(created.exitCode, created.stderr).toBe(0);
  keyArn = created.json.KeyMetadata.Arn;
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('KMS key policies', () => {
  it('refuses an escape sequence hidden in a Sid (the audit\'s reproduction), and keeps the old policy', async () => {
    const before = (await asAdmin(['kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default'])).json.Policy;
    const stderr = expectError(
      await asAdmin(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', keyPolicyWithSid('\\u001b[2J\\u001b[31mowned')]),
      'MalformedPolicyDocumentException',
      'PutKeyPolicy',
    );
    expect(stderr).toContain('U+001B in Statement[0].Sid');
    expect(stderr).not.toContain('\u001b');
    const after = (await asAdmin(['kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default'])).json.Policy;
    expect(after).toBe(before);
  });

  it('refuses the one-byte CSI (U+009B) in CreateKey too', async () => {
    const stderr = expectError(await asAdmin(['kms', 'create-key', '--policy', keyPolicyWithSid('\\u009b31m')]), 'MalformedPolicyDocumentException', 'CreateKey');
    expect(stderr).toContain('U+009B');
  });

  it('accepts printable Latin-1 (an accented Sid, spaces)', async () => {
    const result = await asAdmin(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', keyPolicyWithSid('Clés de l\\u00e9quipe')]);
    expect(result.exitCode, result.stderr).toBe(0);
  });
});

describe('IAM policies', () => {
  it('refuses a control character in an inline policy with MalformedPolicyDocument', async () => {
    const policy = '{"Version":"2012-10-17","Statement":[{"Sid":"A\\u0007","Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}';
    const stderr = expectError(
      await asAdmin(['iam', 'put-user-policy', '--user-name', 'admin', '--policy-name', 'bell', '--policy-document', policy]),
      'MalformedPolicyDocument',
      'PutUserPolicy',
    );
    expect(stderr).toContain('U+0007');
    const listed = await asAdmin(['iam', 'list-user-policies', '--user-name', 'admin']);
    expect(listed.json.PolicyNames).not.toContain('bell');
  });
});

describe('scenario files', () => {
  it('refuse a policy with a control character, naming the field', async () => {
    const file = join(directory, 'escape.json');
    const escapeSid = { Version: '2012-10-17', Statement: [{ Sid: '\u001b]0;title\u0007', Effect: 'Allow', Action: '*', Resource: '*' }] };
    writeFileSync(file, JSON.stringify({ accounts: [{ id: accountA }], users: [{ name: 'admin', account: accountA, inlinePolicies: { admin: escapeSid } }] }));
    await expect(loadScenario(file)).rejects.toThrow(`${file}: users[0].inlinePolicies.admin.Statement[0].Sid: holds U+001B`);
  });
});
