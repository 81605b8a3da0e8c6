// Every built-in root-cause scenario, end to end with the real aws CLI: the training call fails with the
// error AWS gives, a correct manual fix made with the CLI makes the same call succeed, and the
// scenario's unrelated principal is still denied.
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingState } from '../../src/sandbox/state.js';
import { aws, type CliResult } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const asAdmin = (args: string[]) => aws(sandbox!, args, { profile: 'admin' });

function ok(result: CliResult): CliResult {
  expect(result.stderr, result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return result;
}

function training(): TrainingState {
  const t = sandbox!.world.state.training;
  if (!t) throw new Error('scenario has no training section');
  return t;
}

function keyArnOf(alias: string): string {
  const state = sandbox!.world.state;
  const found = Object.values(state.aliases).find((a) => a.aliasName === alias)!;
  return `arn:aws:kms:${found.region}:${found.accountId}:key/${found.targetKeyId}`;
}

/** Runs the scenario's loop: denied → fix → allowed, unrelated principal still denied. */
async function provesFix(scenario: string, expectedMessage: string | RegExp, fix: () => Promise<void>): Promise<void> {
  sandbox = await startTestSandbox(scenario);
  const t = training();
  const ciphertext = t.call.ciphertext;
  if (t.call.operation === 'Decrypt') expect(ciphertext).toBeDefined();
  const inTrouble = await cliIdentity(sandbox, sandbox.world.state, t.principal);
  const before = await runTrainingCall(sandbox, t.call, inTrouble);
  expect(before.exitCode).not.toBe(0);
  expect(before.stderr).toContain(`An error occurred (${t.expectedError})`);
  expect(before.stderr).toMatch(expectedMessage);

  await fix();

  ok(await runTrainingCall(sandbox, t.call, inTrouble));
  const unrelated = await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!);
  const other = await runTrainingCall(sandbox, t.call, unrelated);
  expect(other.exitCode).not.toBe(0);
  expect(other.stderr).toContain('An error occurred (AccessDeniedException)');
}

async function addKeyPolicyStatement(keyId: string, statement: object): Promise<void> {
  const current = JSON.parse(ok(await asAdmin(['kms', 'get-key-policy', '--key-id', keyId, '--policy-name', 'default'])).json.Policy);
  current.Statement.push(statement);
  ok(await asAdmin(['kms', 'put-key-policy', '--key-id', keyId, '--policy-name', 'default', '--policy', JSON.stringify(current)]));
}

async function addInlinePolicy(roleName: string, policyName: string, statement: object): Promise<void> {
  const document = { Version: '2012-10-17', Statement: [statement] };
  ok(await asAdmin(['iam', 'put-role-policy', '--role-name', roleName, '--policy-name', policyName, '--policy-document', JSON.stringify(document)]));
}

describe('built-in scenarios with the aws CLI', () => {
  it('no-iam-delegation: naming the role in the key policy fixes Decrypt', async () => {
    await provesFix('no-iam-delegation', /because no resource-based policy allows the kms:Decrypt action/, async () => {
      await addKeyPolicyStatement(keyArnOf('alias/orders-data'), {
        Sid: 'AllowAppRoleUse',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/AppRole' },
        Action: ['kms:Decrypt', 'kms:Encrypt'],
        Resource: '*',
      });
    });
  });

  it('missing-kms-actions: allowing kms:GenerateDataKey on the key fixes the S3 upload', async () => {
    await provesFix('missing-kms-actions', /because no identity-based policy allows the kms:GenerateDataKey action/, async () => {
      await addInlinePolicy('UploaderRole', 'AllowInvoiceUploads', {
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: keyArnOf('alias/invoices-s3'),
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      });
    });
  });

  it('cross-account-one-side: the key policy naming the partner role completes both sides', async () => {
    await provesFix(
      'cross-account-one-side',
      /on this resource because the resource does not exist in this Region, no resource-based policies allow access/,
      async () => {
        await addKeyPolicyStatement(keyArnOf('alias/shared-exports'), {
          Sid: 'AllowPartnerRoleDecrypt',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:role/PartnerRole' },
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: '*',
        });
      },
    );
  });

  it('key-disabled: enable-key fixes Encrypt', async () => {
    await provesFix('key-disabled', /is disabled\./, async () => {
      ok(await asAdmin(['kms', 'enable-key', '--key-id', keyArnOf('alias/batch-exports')]));
    });
  });

  it('key-pending-deletion: cancel-key-deletion leaves the key disabled; enable-key then fixes it', async () => {
    await provesFix('key-pending-deletion', /is pending deletion\./, async () => {
      const keyArn = keyArnOf('alias/payroll-records');
      ok(await asAdmin(['kms', 'cancel-key-deletion', '--key-id', keyArn]));
      expect(ok(await asAdmin(['kms', 'describe-key', '--key-id', keyArn])).json.KeyMetadata.KeyState).toBe('Disabled');
      ok(await asAdmin(['kms', 'enable-key', '--key-id', keyArn]));
    });
  });

  it('ebs-grant-denied: kms:CreateGrant for AWS resources lets EC2 create the grant, and only EC2', async () => {
    await provesFix('ebs-grant-denied', /because no identity-based policy allows the kms:CreateGrant action/, async () => {
      await addInlinePolicy('EbsOperatorRole', 'AllowEbsGrants', {
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: keyArnOf('alias/ebs-volumes'),
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      });
    });
    // The same grant requested directly, not through EC2, is still refused.
    const t = training();
    const role = await cliIdentity(sandbox!, sandbox!.world.state, t.principal);
    const { viaService: _throughEc2, ...directCall } = t.call;
    const direct = await runTrainingCall(sandbox!, directCall, role);
    expect(direct.stderr).toContain('An error occurred (AccessDeniedException) when calling the CreateGrant operation');
  });
  it('contractor-guardrail: detaching the guardrail Deny from report-builder fixes Decrypt; the contractor stays denied', async () => {
    await provesFix('contractor-guardrail', /with an explicit deny in an identity-based policy/, async () => {
      ok(await asAdmin(['iam', 'detach-user-policy', '--user-name', 'report-builder', '--policy-arn', 'arn:aws:iam::111122223333:policy/ContractorGuardrail']));
    });
  });

  it('grant-context-mismatch: a grant for the new context fixes GenerateDataKey; the old grant still refuses other contexts', async () => {
    await provesFix('grant-context-mismatch', /because no identity-based policy allows the kms:GenerateDataKey action/, async () => {
      ok(await asAdmin([
        'kms', 'create-grant', '--key-id', keyArnOf('alias/ledger-archive'),
        '--grantee-principal', 'arn:aws:iam::111122223333:user/ledger-worker',
        '--operations', 'GenerateDataKey', 'Decrypt',
        '--constraints', JSON.stringify({ EncryptionContextEquals: { ledger: 'fy2026' } }),
      ]));
    });
    // The grants stay constrained: any other context is still refused.
    const t = training();
    const worker = await cliIdentity(sandbox!, sandbox!.world.state, t.principal);
    const other = await runTrainingCall(sandbox!, { ...t.call, encryptionContext: { ledger: 'fy2027' } }, worker);
    expect(other.stderr).toContain('An error occurred (AccessDeniedException)');
  });

  it('aws-managed-key-direct: the AWS managed key refuses direct use and a new key policy; through S3 the same call works, not for the intern', async () => {
    sandbox = await startTestSandbox('aws-managed-key-direct');
    const t = training();
    const script = await cliIdentity(sandbox, sandbox.world.state, t.principal);
    const direct = await runTrainingCall(sandbox, t.call, script);
    expect(direct.stderr).toContain('An error occurred (AccessDeniedException)');
    expect(direct.stderr).toMatch(/because no resource-based policy allows the kms:Encrypt action/);
    // Nobody can change an AWS managed key's policy, not even the account's administrator.
    const keyArn = keyArnOf('alias/aws/s3');
    const policy = JSON.parse(ok(await asAdmin(['kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default'])).json.Policy);
    const put = await asAdmin(['kms', 'put-key-policy', '--key-id', keyArn, '--policy-name', 'default', '--policy', JSON.stringify(policy)]);
    expect(put.exitCode).not.toBe(0);
    // Through S3, as the buckets use it, the same call succeeds; the intern's IAM Deny still refuses it.
    const throughS3 = { ...t.call, viaService: 's3.us-east-1.amazonaws.com' };
    ok(await runTrainingCall(sandbox, throughS3, script));
    const intern = await runTrainingCall(sandbox, throughS3, await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!));
    expect(intern.stderr).toContain('An error occurred (AccessDeniedException)');
  });
});
