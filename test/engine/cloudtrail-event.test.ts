// CloudTrail events as input: one record, a trail file's Records, or lookup-events output, read into
// what the diagnosis needs. The records follow the shape of AWS's documented KMS log entries.
import { describe, expect, it } from 'vitest';
import { answersFromError } from '../../src/engine/error-prefill.js';
import { parsedErrorFromCloudTrail, pickedCloudTrailEvent, readCloudTrailEvents, readPastedError } from '../../src/engine/cloudtrail-event.js';

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/fb837266-fee2-4efc-a86a-4dde75ace1c2';

/** An S3 upload refused by KMS, as the key owner's trail records it (a forward access session from S3). */
const deniedUpload = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLE:invoice-run',
    arn: 'arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run',
    accountId: '111122223333',
    sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/UploaderRole', accountId: '111122223333', userName: 'UploaderRole' } },
    invokedBy: 's3.amazonaws.com',
  },
  eventTime: '2026-12-01T22:10:05Z',
  eventSource: 'kms.amazonaws.com',
  eventName: 'GenerateDataKey',
  awsRegion: 'us-east-1',
  sourceIPAddress: 's3.amazonaws.com',
  userAgent: 's3.amazonaws.com',
  errorCode: 'AccessDenied',
  errorMessage:
    'User: arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:111122223333:key/fb837266-fee2-4efc-a86a-4dde75ace1c2 because no identity-based policy allows the kms:GenerateDataKey action',
  requestParameters: { keyId: keyArn, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::acme-invoices-prod/2024/06/invoice-10482.pdf' }, keySpec: 'AES_256' },
  responseElements: null,
  requestID: 'req-1',
  eventID: 'evt-1',
  readOnly: true,
  resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: keyArn }],
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111122223333',
  vpcEndpointId: 'vpce-1a2b3c4d',
  eventCategory: 'Management',
};

const succeeded = { ...deniedUpload, eventTime: '2026-12-01T23:00:00Z', eventName: 'Decrypt', errorCode: undefined, errorMessage: undefined, eventID: 'evt-2' };

describe('CloudTrail events as input', () => {
  it('reads one record: principal, operation through the calling service, key, encryption context, VPC endpoint', () => {
    const parsed = readPastedError(JSON.stringify(deniedUpload, null, 2))!;
    expect(parsed).toMatchObject({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      principal: 'arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run',
      keyArn,
      action: 'kms:GenerateDataKey',
      policyType: 'identity-based',
      region: 'us-east-1',
      missing: [],
    });
    // S3 called KMS for the role: the operation is the S3 upload, so kms:ViaService is set as it was.
    expect(parsed.operation).toBe('s3:PutObject');
    expect(parsed.cloudTrail).toMatchObject({ invokedBy: 's3.amazonaws.com', vpcEndpointId: 'vpce-1a2b3c4d' });
    expect(answersFromError(parsed)).toEqual({
      key: keyArn,
      operation: 's3:PutObject',
      principal: 'arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run',
      encryptionContext: JSON.stringify({ 'aws:s3:arn': 'arn:aws:s3:::acme-invoices-prod/2024/06/invoice-10482.pdf' }),
    });
  });

  it('in a Records array (a trail file) picks the most recent refused KMS call, skipping other services and successes', () => {
    const other = { ...deniedUpload, eventSource: 's3.amazonaws.com', eventName: 'PutObject', eventTime: '2026-12-02T00:00:00Z' };
    const text = JSON.stringify({ Records: [deniedUpload, succeeded, other] });
    expect(readCloudTrailEvents(text)).toHaveLength(2);
    expect(pickedCloudTrailEvent(text)).toMatchObject({ operation: 'GenerateDataKey', errorCode: 'AccessDenied' });
  });

  it('reads aws cloudtrail lookup-events output (CloudTrailEvent as a JSON string)', () => {
    const text = JSON.stringify({ Events: [{ EventId: 'evt-1', EventName: 'GenerateDataKey', CloudTrailEvent: JSON.stringify(deniedUpload) }] });
    expect(parsedErrorFromCloudTrail(text)).toMatchObject({ keyArn, principal: 'arn:aws:sts::111122223333:assumed-role/UploaderRole/invoice-run' });
  });

  it('a key-state refusal keeps its kind; a record naming no key says the key is missing', () => {
    const disabled = { ...deniedUpload, userIdentity: { ...deniedUpload.userIdentity, invokedBy: undefined }, eventName: 'Encrypt', errorCode: 'DisabledException', errorMessage: `${keyArn} is disabled.` };
    expect(readPastedError(JSON.stringify(disabled))).toMatchObject({ kind: 'key-disabled', operation: 'Encrypt' });
    const noKey = { ...deniedUpload, requestParameters: {}, resources: [] };
    expect(readPastedError(JSON.stringify(noKey))!.missing).toContain('key');
  });

  it('JSON that is not CloudTrail is not read as an event; a plain error message still is read as one', () => {
    expect(readCloudTrailEvents('{"hello": 1}')).toBeUndefined();
    expect(parsedErrorFromCloudTrail('not json')).toBeUndefined();
    expect(readPastedError(deniedUpload.errorMessage)).toMatchObject({ kind: 'access-denied', keyArn });
  });
});
