// NotPrincipal, NotAction, NotResource and the …IfExists operators, checked against AWS's documentation
// (IAM user guide: "AWS JSON policy elements: NotPrincipal", "NotAction", "NotResource", "Condition
// operators … IfExists"). The evaluation module must follow AWS; where the wrapped simulator differs,
// the difference is handled or recorded in one place: src/engine/policy-evaluation.ts.
import { describe, expect, it } from 'vitest';
import { evaluatePolicies, type EvaluationRequest } from '../../src/engine/policy-evaluation.js';

const account = '111122223333';
const keyArn = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const otherKeyArn = `arn:aws:kms:us-east-1:${account}:key/99999999-12ab-34cd-56ef-1234567890ab`;
const roleArn = `arn:aws:iam::${account}:role/App`;
const sessionArn = `arn:aws:sts::${account}:assumed-role/App/s1`;
const root = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allowKms = { name: 'kms', document: policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) };

function request(overrides: Partial<EvaluationRequest>): EvaluationRequest {
  return {
    principalArn: sessionArn,
    action: 'kms:Decrypt',
    resourceArn: keyArn,
    resourceAccount: account,
    context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account },
    identityPolicies: [allowKms],
    ...overrides,
  };
}

const decision = async (overrides: Partial<EvaluationRequest>) => (await evaluatePolicies(request(overrides))).decision;

describe('NotPrincipal with Deny (key policy)', () => {
  const denyAllBut = (...principals: string[]) => ({ name: 'default', document: policy(root, { Effect: 'Deny', NotPrincipal: { AWS: principals }, Action: 'kms:Decrypt', Resource: '*' }) });

  it('denies every principal not named', async () => {
    expect(await decision({ resourcePolicy: denyAllBut(`arn:aws:iam::${account}:user/someone-else`) })).toBe('ExplicitlyDenied');
  });

  it('does not deny the role session named by its session ARN (with its role and account, as the guide advises)', async () => {
    expect(await decision({ resourcePolicy: denyAllBut(sessionArn, roleArn, `arn:aws:iam::${account}:root`) })).toBe('Allowed');
  });
});

describe('NotPrincipal with Deny and a permissions boundary', () => {
  // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
  // permissions boundary policy attached, regardless of the values specified in the NotPrincipal element."
  it('denies a principal with a boundary even when NotPrincipal names it', async () => {
    const resourcePolicy = { name: 'default', document: policy(root, { Effect: 'Deny', NotPrincipal: { AWS: [sessionArn, roleArn, `arn:aws:iam::${account}:root`] }, Action: 'kms:Decrypt', Resource: '*' }) };
    const permissionsBoundary = { name: 'boundary', document: policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) };
    expect(await decision({ resourcePolicy, permissionsBoundary })).toBe('ExplicitlyDenied');
  });
});

describe('NotAction and NotResource', () => {
  it('an Allow with NotAction allows every other action, not the excluded one', async () => {
    const identity = [{ name: 'all-but-delete', document: policy({ Effect: 'Allow', NotAction: 'kms:ScheduleKeyDeletion', Resource: '*' }) }];
    const resourcePolicy = { name: 'default', document: policy(root) };
    expect(await decision({ identityPolicies: identity, resourcePolicy })).toBe('Allowed');
    expect(await decision({ identityPolicies: identity, resourcePolicy, action: 'kms:ScheduleKeyDeletion' })).toBe('ImplicitlyDenied');
  });

  it('a Deny with NotAction denies every action but the listed ones', async () => {
    const resourcePolicy = { name: 'default', document: policy(root, { Effect: 'Deny', Principal: '*', NotAction: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }) };
    expect(await decision({ resourcePolicy })).toBe('Allowed');
    expect(await decision({ resourcePolicy, action: 'kms:Encrypt' })).toBe('ExplicitlyDenied');
  });

  it('a Deny with NotResource denies every key but the named one', async () => {
    const identity = [allowKms, { name: 'only-this-key', document: policy({ Effect: 'Deny', Action: 'kms:*', NotResource: keyArn }) }];
    const resourcePolicy = { name: 'default', document: policy(root) };
    expect(await decision({ identityPolicies: identity, resourcePolicy })).toBe('Allowed');
    expect(await decision({ identityPolicies: identity, resourcePolicy, resourceArn: otherKeyArn })).toBe('ExplicitlyDenied');
  });
});

describe('…IfExists operators', () => {
  const guarded = (operator: string, effect: 'Allow' | 'Deny') => ({
    name: 'default',
    document: policy(root, { Effect: effect, Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { [operator]: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }),
  });

  // "If the key is not present, evaluate the condition element as true" (IAM user guide, condition operators).
  it('StringNotEqualsIfExists: a missing key counts as true, so the Deny applies; the named value passes', async () => {
    expect(await decision({ resourcePolicy: guarded('StringNotEqualsIfExists', 'Deny') })).toBe('ExplicitlyDenied');
    const context = { 'aws:PrincipalArn': roleArn, 'aws:SourceVpce': 'vpce-1a2b3c4d' };
    expect(await decision({ resourcePolicy: guarded('StringNotEqualsIfExists', 'Deny'), context })).toBe('Allowed');
  });

  it('StringNotEquals without IfExists: a missing key does trigger the Deny (the data-perimeter trap)', async () => {
    expect(await decision({ resourcePolicy: guarded('StringNotEquals', 'Deny') })).toBe('ExplicitlyDenied');
  });

  it('StringEqualsIfExists in an Allow matches a missing key', async () => {
    const resourcePolicy = {
      name: 'default',
      document: policy({ Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }),
    };
    expect(await decision({ resourcePolicy, identityPolicies: [] })).toBe('Allowed');
    const context = { 'aws:PrincipalArn': roleArn, 'aws:SourceVpce': 'vpce-other' };
    expect(await decision({ resourcePolicy, identityPolicies: [], context })).toBe('ImplicitlyDenied');
  });
});
