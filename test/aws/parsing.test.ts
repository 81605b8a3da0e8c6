// The pure parts of src/aws: how a principal's IAM entity is named (the ARN forms themselves are
// test/engine/identifiers.test.ts's), IAM's URL-encoded documents, and
// the request context handed to IAM's simulator.
import { describe, expect, it } from 'vitest';
import { decodePolicyText } from '../../src/aws/aws-call.js';
import { parsePrincipalArn } from '../../src/aws/principal-reads.js';
import { simulationContext } from '../../src/aws/simulation.js';
import { findOperation } from '../../src/engine/operations.js';
import { keyRef } from '../helpers/parsed-input.js';

describe('parsePrincipalArn', () => {
  it('maps a role session to its role, keeping the session ARN', () => {
    expect(parsePrincipalArn('arn:aws:sts::111122223333:assumed-role/AppRole/kms-doctor')).toEqual({
      arn: 'arn:aws:sts::111122223333:assumed-role/AppRole/kms-doctor',
      kind: 'role',
      name: 'AppRole',
      accountId: '111122223333',
      // Grants may name the role rather than the session: ListGrants is asked for both.
      sessionRoleArn: 'arn:aws:iam::111122223333:role/AppRole',
    });
  });

  it('reads users and roles with paths', () => {
    expect(parsePrincipalArn('arn:aws:iam::111122223333:role/teams/payments/PaymentsRole')).toMatchObject({ kind: 'role', name: 'PaymentsRole' });
    expect(parsePrincipalArn('arn:aws:iam::111122223333:user/admin')).toMatchObject({ kind: 'user', name: 'admin' });
  });

  it('says why the root user and federated users have no IAM policies to read', () => {
    expect(parsePrincipalArn('arn:aws:iam::111122223333:root')).toEqual({ unsupported: expect.stringMatching(/root user/) });
    expect(parsePrincipalArn('arn:aws:sts::111122223333:federated-user/bob')).toEqual({ unsupported: expect.stringMatching(/federated/) });
    expect(parsePrincipalArn('not an arn')).toHaveProperty('unsupported');
  });
});

describe('decodePolicyText', () => {
  it('URL-decodes what IAM returns and leaves JSON alone', () => {
    const document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Sid":"a b%"}]}';
    expect(decodePolicyText(encodeURIComponent(document))).toBe(document);
    expect(decodePolicyText(document)).toBe(document);
    expect(decodePolicyText('%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('simulationContext', () => {
  it('gives the encryption context, the service and the caller account', () => {
    const request = { operation: findOperation('s3:PutObject')!, key: keyRef('alias/k'), region: 'us-east-1', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/k' } };
    expect(simulationContext(request, 'eu-west-1', '444455556666')).toEqual([
      { ContextKeyName: 'kms:CallerAccount', ContextKeyValues: ['444455556666'], ContextKeyType: 'string' },
      { ContextKeyName: 'kms:EncryptionContext:aws:s3:arn', ContextKeyValues: ['arn:aws:s3:::b/k'], ContextKeyType: 'string' },
      { ContextKeyName: 'kms:EncryptionContextKeys', ContextKeyValues: ['aws:s3:arn'], ContextKeyType: 'stringList' },
      { ContextKeyName: 'kms:ViaService', ContextKeyValues: ['s3.eu-west-1.amazonaws.com'], ContextKeyType: 'string' },
    ]);
  });

  it('says a service-created grant is for an AWS resource', () => {
    const request = { operation: findOperation('ec2:CopySnapshot')!, key: keyRef('alias/k'), region: 'us-east-1' };
    expect(simulationContext(request, 'us-east-1', '111122223333')).toContainEqual({ ContextKeyName: 'kms:GrantIsForAWSResource', ContextKeyValues: ['true'], ContextKeyType: 'boolean' });
    expect(simulationContext({ ...request, operation: findOperation('CreateGrant')! }, 'us-east-1', '111122223333').map((e) => e.ContextKeyName)).toEqual(['kms:CallerAccount']);
  });
});
