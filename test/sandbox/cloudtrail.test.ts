// The sandbox's CloudTrail: the scenario's failing call, made with the real aws CLI as the principal in
// trouble through S3's endpoint path, is recorded as a CloudTrail event with its error; LookupEvents
// (real SDK) serves it with CloudTrail's 2 requests/second limit; and `check --from-cloudtrail` picks it
// and reaches the scenario's cause.
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('missing-kms-actions');
  const target = { endpoint: sandbox.endpoint, configFile: sandbox.configFile, credentialsFile: sandbox.credentialsFile };
  const training = sandbox.world.state.training!;
  const refused = await runTrainingCall(target, training.call, await cliIdentity(target, sandbox.world.state, training.principal));
  expect(refused.stderr).toContain('AccessDeniedException');
});
afterAll(async () => {
  await sandbox?.stop();
});

const client = () =>
  new CloudTrailClient({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: userCredentials(sandbox, 'admin'), maxAttempts: 1 });

describe('the sandbox CloudTrail', () => {
  it('records the refused KMS call as a CloudTrail event, and LookupEvents returns it', async () => {
    const trail = client();
    const output = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }] }));
    trail.destroy();
    const records = (output.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!));
    const denied = records.find((r) => r.errorCode === 'AccessDenied');
    expect(denied).toMatchObject({
      eventSource: 'kms.amazonaws.com',
      eventName: 'GenerateDataKey',
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
      userIdentity: { type: 'AssumedRole', invokedBy: 's3.amazonaws.com', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/UploaderRole' } } },
      requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::acme-invoices-prod/2024/06/invoice-10482.pdf' } },
      resources: [{ type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-east-1:111122223333:key/fb837266-fee2-4efc-a86a-4dde75ace1c2' }],
    });
    expect(denied.errorMessage).toMatch(/is not authorized to perform: kms:GenerateDataKey/);
  });

  it('refuses a third LookupEvents within a second: ThrottlingException, Rate exceeded', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const trail = client();
    const results = await Promise.allSettled([0, 1, 2].map(() => trail.send(new LookupEventsCommand({ MaxResults: 1 }))));
    trail.destroy();
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.reason).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });

  it('check --from-cloudtrail diagnoses the most recent refused call and names its cause', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const result = await runKmsDoctor(['check', '--json', '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--from-cloudtrail', '--since', '1h'], cliEnv(sandbox));
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.principal).toMatch(/^arn:aws:sts::111122223333:assumed-role\/UploaderRole\//);
    expect(json.causes[0].code).toBe('identity-policy-missing-actions');
  });

  it('check --from-cloudtrail with a principal that has no refusal says so in one line, exit code 3', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const result = await runKmsDoctor(
      ['check', '--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--from-cloudtrail', '--principal', 'arn:aws:iam::111122223333:user/auditor'],
      cliEnv(sandbox),
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/CloudTrail has no refused KMS call in us-east-1 since .* for arn:aws:iam::111122223333:user\/auditor/)]);
  });
});
