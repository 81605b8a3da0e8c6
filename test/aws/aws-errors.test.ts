// Classification by err.name, with errors built the way the SDK builds them (SDK-AND-SAFETY §3.1):
// KMS's access denial is a bare KMSServiceException, IAM's NoSuchEntity is modelled, AccessDenied is not.
import { IAMServiceException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { KMSInvalidStateException, KMSServiceException, NotFoundException } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { AwsCallError, classifyAwsError, classifyCredentialError, isStopping, redactSecrets } from '../../src/aws/aws-errors.js';
import { readCall } from '../../src/aws/aws-call.js';

const metadata = { httpStatusCode: 400, requestId: 'req-1' };
const kmsError = (name: string, message = 'm') => new KMSServiceException({ name, $fault: 'client', $metadata: metadata, message });
const iamError = (name: string, message = 'm') => new IAMServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 403 }, message });
const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, $metadata: {} });

describe('classifyAwsError', () => {
  it.each([
    [kmsError('AccessDeniedException'), 'access-denied'],
    [iamError('AccessDenied'), 'access-denied'],
    [new NotFoundException({ message: 'Key not found', $metadata: metadata }), 'not-found'],
    [new NoSuchEntityException({ message: 'The role with name X cannot be found.', $metadata: metadata }), 'not-found'],
    [new KMSInvalidStateException({ message: 'pending deletion', $metadata: metadata }), 'key-state'],
    [kmsError('DisabledException'), 'key-state'],
    [kmsError('ThrottlingException'), 'throttled'],
    [iamError('Throttling', 'Rate exceeded'), 'throttled'],
    [kmsError('UnrecognizedClientException'), 'credentials'],
    [iamError('InvalidClientTokenId'), 'credentials'],
    [iamError('ExpiredToken'), 'credentials'],
    [kmsError('ValidationException'), 'validation'],
    [iamError('InvalidInput'), 'validation'],
    [iamError('InvalidAction', 'Could not find operation X'), 'other'],
    [networkError('ECONNREFUSED'), 'network'],
    [networkError('ENOTFOUND'), 'network'],
    [Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' }), 'network'],
    ['a thrown string', 'other'],
  ])('%s is %s', (error, kind) => {
    const classified = classifyAwsError(error, { call: 'kms:DescribeKey', endpoint: 'http://127.0.0.1:1' });
    expect(classified).toBeInstanceOf(AwsCallError);
    expect(classified.kind).toBe(kind);
    expect(classified.call).toBe('kms:DescribeKey');
  });

  it('keeps the code, status and request ID but not the SDK object', () => {
    const classified = classifyAwsError(kmsError('AccessDeniedException', 'User: x is not authorized'), { call: 'kms:GetKeyPolicy' });
    expect(classified).toMatchObject({ code: 'AccessDeniedException', httpStatusCode: 400, requestId: 'req-1', message: 'User: x is not authorized' });
    expect(Object.keys(classified)).not.toContain('$response');
    expect(classified.cause).toBeUndefined();
  });

  it('names the endpoint of a network failure', () => {
    const classified = classifyAwsError(networkError('ECONNREFUSED'), { call: 'sts:GetCallerIdentity', endpoint: 'http://127.0.0.1:1' });
    expect(classified.code).toBe('ECONNREFUSED');
    expect(classified.message).toContain('http://127.0.0.1:1');
    expect(isStopping(classified)).toBe(true);
  });

  it('passes an AwsCallError through unchanged', () => {
    const original = new AwsCallError({ kind: 'credentials', code: 'X', call: 'credentials', message: 'm' });
    expect(classifyAwsError(original, { call: 'kms:DescribeKey' })).toBe(original);
  });
});

describe('an endpoint that does not answer like AWS', () => {
  /** What the SDK throws for an HTML page: its deserializer's error, with the hint about $response. */
  const deserialization = (name: string, first: string, status: number) =>
    Object.assign(new Error(`${first}\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`), {
      name,
      $metadata: { httpStatusCode: status },
      $response: { body: '<html>' },
    });

  it.each([
    ['JSON protocol (KMS)', deserialization('SyntaxError', `Unexpected token '<', "<html><bod"... is not valid JSON`, 200), /HTTP 200, not the JSON AWS sends: Unexpected token '<'/],
    ['query protocol (IAM, STS)', deserialization('Error', '@aws-sdk XML parse error: unexpected content.', 500), /HTTP 500, not the XML AWS sends/],
    ['an HTTP error with no AWS error in it', Object.assign(new Error('Unknown'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }), /HTTP 404 with no AWS error and no request ID/],
    ['an empty answer', Object.assign(new Error('DescribeKey returned no KeyMetadata'), { name: 'EmptyResponse' }), /DescribeKey returned no KeyMetadata/],
  ])('%s: a stopping error in one line, without the $response hint', (_what, error, detail) => {
    const classified = classifyAwsError(error, { call: 'kms:DescribeKey', endpoint: 'http://127.0.0.1:8080' });
    expect(classified.kind).toBe('non-aws');
    expect(isStopping(classified)).toBe(true);
    expect(classified.message).toMatch(/^http:\/\/127\.0\.0\.1:8080 does not answer like AWS \(kms:DescribeKey: /);
    expect(classified.message).toMatch(detail);
    expect(classified.message).not.toContain('$response');
    expect(classified.message).not.toContain('\n');
  });

  it('an AWS error with a request ID is still AWS', () => {
    const classified = classifyAwsError(Object.assign(new Error('Unknown'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500, requestId: 'r-1' } }), { call: 'kms:DescribeKey' });
    expect(classified.kind).toBe('other');
  });

  it('while getting credentials (a role profile assumed through the endpoint) too', () => {
    const classified = classifyCredentialError(deserialization('Error', '@aws-sdk XML parse error: unexpected content.', 200), { profile: 'AppRole', endpoint: 'http://127.0.0.1:8080' });
    expect(classified).toMatchObject({ kind: 'non-aws', call: 'credentials' });
    expect(classified.message).toMatch(/^http:\/\/127\.0\.0\.1:8080 does not answer like AWS \(getting credentials for profile 'AppRole': /);
  });
});

describe('classifyCredentialError', () => {
  it('turns "no provider found" into a sentence that says what to do', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const classified = classifyCredentialError(error, { profile: undefined });
    expect(classified).toMatchObject({ kind: 'credentials', code: 'NoCredentials', call: 'credentials' });
    expect(classified.message).toMatch(/--profile/);
  });

  it('reports a role that cannot be assumed as a credentials problem of that profile', () => {
    const classified = classifyCredentialError(iamError('AccessDenied', 'not authorized to perform: sts:AssumeRole'), { profile: 'AppRole' });
    expect(classified).toMatchObject({ kind: 'credentials', code: 'AccessDenied' });
    expect(classified.message).toContain("profile 'AppRole'");
  });

  it('keeps an unreachable STS a network failure, naming the endpoint', () => {
    const classified = classifyCredentialError(networkError('ECONNREFUSED'), { profile: 'AppRole', endpoint: 'http://127.0.0.1:1' });
    expect(classified.kind).toBe('network');
    expect(classified.message).toContain('http://127.0.0.1:1');
  });
});

describe('readCall', () => {
  it('turns a refusal into an unreadable observation', async () => {
    const read = await readCall({ call: 'kms:GetKeyPolicy' }, () => Promise.reject(kmsError('AccessDeniedException', 'denied')));
    expect(read).toEqual({ status: 'unreadable', reason: 'access-denied', call: 'kms:GetKeyPolicy', message: 'denied' });
  });

  it('keeps the code of an unusual failure in the message', async () => {
    const read = await readCall({ call: 'iam:ListGroupsForUser' }, () => Promise.reject(iamError('InvalidAction', 'Could not find operation')));
    expect(read).toMatchObject({ status: 'unreadable', reason: 'error', message: 'InvalidAction: Could not find operation' });
  });

  it('rejects for credential and network failures', async () => {
    await expect(readCall({ call: 'kms:DescribeKey' }, () => Promise.reject(kmsError('UnrecognizedClientException')))).rejects.toMatchObject({ kind: 'credentials' });
    await expect(readCall({ call: 'kms:DescribeKey' }, () => Promise.reject(networkError('ECONNRESET')))).rejects.toMatchObject({ kind: 'network' });
  });
});

describe('redactSecrets', () => {
  it('hides access key IDs and secret settings', () => {
    const text = redactSecrets('key AKIAIOSFODNN7EXAMPLE with aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(text).not.toContain('IOSFODNN7EXAMPLE');
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(text).toContain('AKIAIOSF');
  });

  it('applies to every AwsCallError message', () => {
    const error = new AwsCallError({ kind: 'other', code: 'X', call: 'c', message: 'sessionToken: abc123secret' });
    expect(error.message).toBe('sessionToken: [redacted]');
  });
});
