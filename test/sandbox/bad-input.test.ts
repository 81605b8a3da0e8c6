// Whatever a client sends, the sandbox answers like AWS: an AWS-shaped error, never a crash, an HTML
// page or a hung connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { sendSigned } from '../helpers/signed-request.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
});
afterAll(async () => {
  await sandbox?.stop();
});

const kms = (operation: string, body: string | Buffer) =>
  sendSigned(sandbox.endpoint, userCredentials(sandbox, 'admin'), {
    service: 'kms',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${operation}` },
    body,
  });
const query = (service: 'iam' | 'sts', body: string) =>
  sendSigned(sandbox.endpoint, userCredentials(sandbox, 'admin'), {
    service,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });

function kmsError(response: { status: number; body: string }): { __type: string; message?: string } {
  return JSON.parse(response.body) as { __type: string; message?: string };
}

describe('KMS bad input', () => {
  it('answers malformed JSON with a serialization error', async () => {
    const response = await kms('ListKeys', '{"Limit": ');
    expect(response.status).toBe(400);
    expect(kmsError(response).__type).toBe('SerializationException');
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const response = await kms('MakeCoffee', '{}');
    expect(response.status).toBe(400);
    expect(kmsError(response).__type).toBe('UnknownOperationException');
  });

  it('answers a missing parameter with ValidationException and a wrongly typed one with SerializationException', async () => {
    expect(kmsError(await kms('DescribeKey', '{}')).__type).toBe('ValidationException');
    // A value of the wrong JSON type fails deserialization before validation, as in AWS's JSON protocols.
    expect(kmsError(await kms('DescribeKey', '{"KeyId": 42}')).__type).toBe('SerializationException');
    expect(kmsError(await kms('Encrypt', '{"KeyId": "alias/x", "Plaintext": ["not", "a", "blob"]}')).__type).toBe('SerializationException');
  });

  it('answers unknown keys and malformed ARNs with NotFoundException', async () => {
    const unknown = kmsError(await kms('DescribeKey', JSON.stringify({ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })));
    expect(unknown).toEqual({
      __type: 'NotFoundException',
      message: "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist",
    });
    expect(kmsError(await kms('DescribeKey', JSON.stringify({ KeyId: 'arn:aws:kms:nowhere' }))).__type).toBe('NotFoundException');
    expect(kmsError(await kms('DescribeKey', JSON.stringify({ KeyId: 'alias/missing' }))).__type).toBe('NotFoundException');
  });

  it('refuses an oversized body without reading it all into a crash', async () => {
    const response = await kms('Encrypt', Buffer.alloc(2 * 1024 * 1024, 'a'));
    expect(response.status).toBe(413);
    expect(kmsError(response).__type).toBe('ValidationException');
  });
});

describe('IAM and STS bad input', () => {
  it('answers an unknown action with InvalidAction in an ErrorResponse', async () => {
    const response = await query('iam', 'Action=MakeCoffee&Version=2010-05-08');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<ErrorResponse');
    expect(response.body).toContain('<Code>InvalidAction</Code>');
  });

  it('answers a missing entity with NoSuchEntity', async () => {
    const response = await query('iam', 'Action=GetRole&Version=2010-05-08&RoleName=Nobody');
    expect(response.status).toBe(404);
    expect(response.body).toContain('<Code>NoSuchEntity</Code>');
  });

  it('answers a malformed policy with MalformedPolicyDocument', async () => {
    await query('iam', 'Action=CreateUser&Version=2010-05-08&UserName=eve');
    const response = await query(
      'iam',
      `Action=PutUserPolicy&Version=2010-05-08&UserName=eve&PolicyName=p&PolicyDocument=${encodeURIComponent('{"Statement": [')}`,
    );
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>MalformedPolicyDocument</Code>');
  });

  it('answers garbage form bodies with an AWS-shaped error', async () => {
    const response = await query('sts', '%%%&&&==');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.body).toContain('<ErrorResponse');
  });
});
