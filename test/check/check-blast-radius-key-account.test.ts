// The blast radius when the key is in another account than the credentials (issue 8): a change that
// reaches everyone (narrowing a Deny on Principal "*") can newly allow the key account's own roles, so
// they are listed with --key-profile's credentials. (Without --key-profile no key-policy change is
// proposed at all: KMS returns a key policy only to its own account; the note for an account without
// credentials is tested at the engine level, test/engine/blast-radius-stake.test.ts.)
// A change that names only the diagnosed principal lists no one (issue 12: the reads follow the change).
// Built on cross-account-one-side with the real aws CLI: the partner's admins may read the key policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, type CliOptions } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

const keyAccount = '111122223333';
const partner = '444455556666';
const keyArn = `arn:aws:kms:us-east-1:${keyAccount}:key/56e21f24-7d3f-4d54-9a4b-686456f054a3`;
const partnerRole = `arn:aws:iam::${partner}:role/PartnerRole`;
const reporting = `arn:aws:iam::${keyAccount}:role/Reporting`;
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
let sandbox: TestSandbox;

type NewlyAllowed = { probe: string; principal: string; action: string };
type Fix = { title: string; newlyAllows: NewlyAllowed[]; alternatives?: Fix[] };

async function ok(args: string[], options: CliOptions = { profile: 'admin' }) {
  const result = await aws(sandbox, args, options);
  expect(result.stderr, args.join(' ')).toBe('');
  return result.json;
}

async function check(...extra: string[]) {
  const args = ['check', '--json', '--endpoint-url', sandbox.endpoint, '--profile', 'admin-b', ...extra];
  const result = await runKmsDoctor([...args, '--key', keyArn, '--operation', 'Decrypt', '--principal', partnerRole, '--encryption-context', '{"Department":"Marketing"}'], cliEnv(sandbox));
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(1);
  return JSON.parse(result.stdout) as { fixes: Fix[]; notes: string[] };
}

const allFixes = (fixes: Fix[]) => fixes.flatMap((f) => [f, ...(f.alternatives ?? [])]);
const narrowing = (fixes: Fix[]) => allFixes(fixes).find((f) => /^Narrow the Deny/.test(f.title))!;
const exception = (fixes: Fix[]) => allFixes(fixes).find((f) => f.title.startsWith(`Except ${partnerRole} from the Deny`))!;
const others = (fix: Fix) => fix.newlyAllows.filter((n) => n.probe === 'other-principal');

beforeAll(async () => {
  sandbox = await startTestSandbox('cross-account-one-side');
  // The partner account's IAM decides for its principals; a Deny on everyone guards the exports' context.
  const keyPolicy = policy(
    { Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${keyAccount}:root` }, Action: 'kms:*', Resource: '*' },
    { Sid: 'PartnerReads', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${partner}:root` }, Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:ListGrants', 'kms:Decrypt'], Resource: '*' },
    { Sid: 'FinanceOnly', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Resource: '*', Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'Finance' } } },
  );
  await ok(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', keyPolicy]);
  // A role of the key's account whose own IAM allows decrypting: only the Deny keeps it out.
  await ok(['iam', 'create-role', '--role-name', 'Reporting', '--assume-role-policy-document', policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${keyAccount}:root` }, Action: 'sts:AssumeRole' })]);
  await ok(['iam', 'put-role-policy', '--role-name', 'Reporting', '--policy-name', 'kms', '--policy-document', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })]);
}, 240_000);
afterAll(async () => {
  await sandbox?.stop();
});

describe('the blast radius across accounts', () => {
  it("lists the key account's roles with --key-profile: narrowing the Deny lets its Reporting role decrypt", async () => {
    const json = await check('--key-profile', 'admin');
    const reached = others(narrowing(json.fixes));
    expect(reached).toContainEqual(expect.objectContaining({ principal: reporting, action: 'kms:Decrypt' }));
    expect(reached.map((n) => n.principal)).not.toContain(`arn:aws:iam::${keyAccount}:role/kms-doctor-probe-other-principal`);
    // The partner account's own roles were listed with the credentials' profile; BillingRole's IAM allows only its own keys.
    expect(reached.map((n) => n.principal)).not.toContain(`arn:aws:iam::${partner}:role/BillingRole`);
    expect(json.notes.join('\n')).toMatch(new RegExp(`probed \\d+ other roles and users of account ${keyAccount} with their own IAM policies`));
    expect(json.notes.join('\n')).toMatch(new RegExp(`probed \\d+ other roles and users of account ${partner} with their own IAM policies`));
    // The exception for PartnerRole's ARN reaches no one else: nothing is listed for it.
    expect(others(exception(json.fixes))).toEqual([]);
  }, 120_000);
});
