// `check --error` with a CloudTrail event instead of an error message: the real CLI process, the real
// SDK against the sandbox. The record alone names the principal, the operation (through S3), the key
// and the encryption context, and the diagnosis reaches the scenario's cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('missing-kms-actions');
});
afterAll(async () => {
  await sandbox?.stop();
});

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/fb837266-fee2-4efc-a86a-4dde75ace1c2';
const record = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    arn: 'arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run',
    accountId: '111122223333',
    sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/UploaderRole', accountId: '111122223333', userName: 'UploaderRole' } },
    invokedBy: 's3.amazonaws.com',
  },
  eventTime: '2026-12-01T22:10:05Z',
  eventSource: 'kms.amazonaws.com',
  eventName: 'GenerateDataKey',
  awsRegion: 'us-east-1',
  errorCode: 'AccessDenied',
  errorMessage: `User: arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn} because no identity-based policy allows the kms:GenerateDataKey action`,
  requestParameters: { keyId: keyArn, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::acme-invoices-prod/2024/06/invoice-10482.pdf' }, keySpec: 'AES_256' },
  resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: keyArn }],
  recipientAccountId: '111122223333',
};

async function check(errorText: string) {
  const result = await runKmsDoctor(['check', '--json', '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--error', errorText], cliEnv(sandbox));
  return { ...result, json: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
}

describe('check --error with a CloudTrail event', () => {
  it('one record: principal, S3 upload, key and context come from it, and the cause is found', async () => {
    const { exitCode, json, stderr } = await check(JSON.stringify(record, null, 2));
    expect(stderr).toBe('');
    expect(exitCode).toBe(1);
    expect(json).toMatchObject({ verdict: 'denied', principal: 'arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run', key: keyArn });
    expect(json.causes.map((c: { code: string }) => c.code)).toContain('identity-policy-missing-actions');
    expect(json.requiredActions).toContain('kms:GenerateDataKey');
  });

  it('a Records array (a trail file) works the same', async () => {
    const { exitCode, json } = await check(JSON.stringify({ Records: [{ ...record, eventName: 'Decrypt', errorCode: undefined, errorMessage: undefined, eventTime: '2026-12-01T21:00:00Z' }, record] }));
    expect(exitCode).toBe(1);
    expect(json.causes[0].code).toBe('identity-policy-missing-actions');
  });
});
