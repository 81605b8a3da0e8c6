// The evaluation module: KMS's rules as AWS applies them, including the encryption-context conditions
// the wrapped simulator drops on its own in strict mode.
import { describe, expect, it } from 'vitest';
import { evaluatePolicies, InvalidPolicyError, validatePolicyDocument, type EvaluationRequest } from '../../src/engine/policy-evaluation.js';

const account = '111122223333';
const keyArn = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const roleArn = `arn:aws:iam::${account}:role/App`;
const root = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

function request(overrides: Partial<EvaluationRequest>): EvaluationRequest {
  return {
    principalArn: `arn:aws:sts::${account}:assumed-role/App/s1`,
    action: 'kms:Decrypt',
    resourceArn: keyArn,
    resourceAccount: account,
    context: { 'aws:PrincipalArn': roleArn },
    identityPolicies: [],
    ...overrides,
  };
}

const contextAllow = (operator: string, value: string) =>
  policy(root, {
    Sid: 'S3Only',
    Effect: 'Allow',
    Principal: { AWS: roleArn },
    Action: 'kms:Decrypt',
    Resource: '*',
    Condition: { [operator]: { 'kms:EncryptionContext:aws:s3:arn': value } },
  });

describe('encryption-context conditions', () => {
  it('allows when the request carries the required context value', async () => {
    const outcome = await evaluatePolicies(
      request({
        resourcePolicy: { name: 'default', document: contextAllow('StringEquals', 'arn:aws:s3:::good') },
        context: { 'aws:PrincipalArn': roleArn, 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::good' },
      }),
    );
    expect(outcome.decision).toBe('Allowed');
    expect(outcome.ignoredContextKeys).toEqual([]);
    expect(outcome.layers['key-policy']?.allowStatements.map((s) => s.statementId)).toContain('S3Only');
  });

  it('does not allow with another value, or without the context', async () => {
    const contexts: Record<string, string>[] = [{ 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other' }, {}];
    for (const context of contexts) {
      const outcome = await evaluatePolicies(
        request({ resourcePolicy: { name: 'default', document: contextAllow('StringEquals', 'arn:aws:s3:::good') }, context: { 'aws:PrincipalArn': roleArn, ...context } }),
      );
      expect(outcome.decision).toBe('ImplicitlyDenied');
    }
  });

  it('matches context key names case-insensitively and honours wildcards and IfExists', async () => {
    const like = await evaluatePolicies(
      request({
        resourcePolicy: { name: 'default', document: contextAllow('StringLike', 'arn:aws:s3:::good/*') },
        context: { 'aws:PrincipalArn': roleArn, 'kms:EncryptionContext:AWS:S3:ARN': 'arn:aws:s3:::good/object.pdf' },
      }),
    );
    expect(like.decision).toBe('Allowed');
    const ifExists = await evaluatePolicies(
      request({ resourcePolicy: { name: 'default', document: contextAllow('StringEqualsIfExists', 'arn:aws:s3:::good') }, context: { 'aws:PrincipalArn': roleArn } }),
    );
    expect(ifExists.decision).toBe('Allowed');
  });

  it('applies an explicit deny on a context value and names its statement', async () => {
    const document = policy(
      { ...root, Principal: { AWS: roleArn } },
      { Sid: 'NoPayroll', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:department': 'payroll' } } },
    );
    const denied = await evaluatePolicies(
      request({ resourcePolicy: { name: 'default', document }, context: { 'aws:PrincipalArn': roleArn, 'kms:EncryptionContext:department': 'payroll' } }),
    );
    expect(denied.decision).toBe('ExplicitlyDenied');
    expect(denied.denials[0]).toMatchObject({ layer: 'key-policy', explicit: true, statementId: 'NoPayroll', statementIndex: 1 });
    const allowed = await evaluatePolicies(
      request({ resourcePolicy: { name: 'default', document }, context: { 'aws:PrincipalArn': roleArn, 'kms:EncryptionContext:department': 'sales' } }),
    );
    expect(allowed.decision).toBe('Allowed');
  });
});

describe('KMS key-policy rules', () => {
  const identityAllow = { name: 'app', document: policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }) };

  it('ignores an IAM allow unless the key policy delegates to the account', async () => {
    const withoutRoot = await evaluatePolicies(
      request({ identityPolicies: [identityAllow], resourcePolicy: { name: 'default', document: policy({ ...root, Principal: { AWS: `arn:aws:iam::${account}:user/admin` } }) } }),
    );
    expect(withoutRoot.decision).toBe('ImplicitlyDenied');
    expect(withoutRoot.denials.map((d) => d.layer)).toContain('key-policy');
    const withRoot = await evaluatePolicies(request({ identityPolicies: [identityAllow], resourcePolicy: { name: 'default', document: policy(root) } }));
    expect(withRoot.decision).toBe('Allowed');
  });

  it('reports a permissions boundary that does not allow the action', async () => {
    const outcome = await evaluatePolicies(
      request({
        identityPolicies: [identityAllow],
        resourcePolicy: { name: 'default', document: policy(root) },
        permissionsBoundary: { name: 'arn:aws:iam::111122223333:policy/NoKms', document: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) },
      }),
    );
    expect(outcome.decision).toBe('ImplicitlyDenied');
    expect(outcome.denials.map((d) => d.layer)).toEqual(['permissions-boundary']);
  });

  it('reports a session policy that does not allow the action', async () => {
    const outcome = await evaluatePolicies(
      request({
        identityPolicies: [identityAllow],
        resourcePolicy: { name: 'default', document: policy(root) },
        sessionPolicy: { name: 'session policy', document: policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) },
      }),
    );
    expect(outcome.decision).toBe('ImplicitlyDenied');
    expect(outcome.denials.map((d) => d.layer)).toContain('session-policy');
  });

  it('rejects invalid documents with the policy name', async () => {
    await expect(evaluatePolicies(request({ identityPolicies: [{ name: 'broken', document: { Statement: [{ Effect: 'Maybe' }] } }] }))).rejects.toThrow(
      InvalidPolicyError,
    );
    expect(await validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }, 'identity')).toEqual([]);
    expect((await validatePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Sometimes', Action: 'kms:Decrypt', Resource: '*' }] }, 'identity')).length).toBeGreaterThan(0);
  });
});
