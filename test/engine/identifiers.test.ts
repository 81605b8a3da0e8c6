// The one parser of AWS names: every form a user may type for a key or a principal, in every partition,
// and what it must refuse. Shapes from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// and https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id.
import { describe, expect, it } from 'vitest';
import {
  accountNamedBy,
  accountOfArn,
  accountRelation,
  aliasNamedBy,
  entityOf,
  isCrossAccount,
  keyArnFrom,
  keyArnOf,
  parseArn,
  parseDiagnosablePrincipal,
  parseKeyRef,
  parsePrincipalRef,
  regionNamedBy,
} from '../../src/engine/identifiers.js';

const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const mrkId = 'mrk-1234abcd12ab34cd56ef1234567890ab';

describe('parseKeyRef', () => {
  it('reads a key ID and a multi-Region key ID', () => {
    expect(parseKeyRef(keyId)).toEqual({ kind: 'key-id', text: keyId, keyId });
    expect(parseKeyRef(mrkId)).toEqual({ kind: 'key-id', text: mrkId, keyId: mrkId });
  });

  it('reads an alias name, including one with slashes (alias/aws/s3)', () => {
    expect(parseKeyRef('alias/orders-data')).toEqual({ kind: 'alias-name', text: 'alias/orders-data', aliasName: 'alias/orders-data' });
    expect(parseKeyRef('alias/aws/s3')).toMatchObject({ kind: 'alias-name', aliasName: 'alias/aws/s3' });
  });

  it('reads a key ARN: partition, Region, account and key ID', () => {
    const arn = `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`;
    expect(parseKeyRef(arn)).toEqual({ kind: 'key-arn', text: arn, partition: 'aws', region: 'eu-west-1', account: '111122223333', keyId });
    expect(parseKeyRef(`arn:aws:kms:us-east-1:111122223333:key/${mrkId}`)).toMatchObject({ kind: 'key-arn', keyId: mrkId });
  });

  it('reads an alias ARN', () => {
    const arn = 'arn:aws:kms:us-east-2:444455556666:alias/shared';
    expect(parseKeyRef(arn)).toEqual({ kind: 'alias-arn', text: arn, partition: 'aws', region: 'us-east-2', account: '444455556666', aliasName: 'alias/shared' });
  });

  it('reads ARNs of the China and GovCloud partitions', () => {
    expect(parseKeyRef(`arn:aws-cn:kms:cn-north-1:111122223333:key/${keyId}`)).toMatchObject({ kind: 'key-arn', partition: 'aws-cn', region: 'cn-north-1' });
    expect(parseKeyRef('arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/app')).toMatchObject({ kind: 'alias-arn', partition: 'aws-us-gov', region: 'us-gov-west-1' });
  });

  it('ignores blanks around the input (a pasted value) and keeps the trimmed text', () => {
    expect(parseKeyRef(`  ${keyId}\n`)).toEqual({ kind: 'key-id', text: keyId, keyId });
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'orders'],
    ['a key ID in capitals', keyId.toUpperCase()],
    ['a truncated key ID', keyId.slice(0, -1)],
    ['alias/ alone', 'alias/'],
    ['an alias with a space', 'alias/my key'],
    ['a key ARN without an account', `arn:aws:kms:us-east-1::key/${keyId}`],
    ['a key ARN with an 11-digit account', `arn:aws:kms:us-east-1:11112222333:key/${keyId}`],
    ['a key ARN without a Region', `arn:aws:kms::111122223333:key/${keyId}`],
    ['a key ARN with a masked ID', 'arn:aws:kms:us-east-1:111122223333:key/*****'],
    ['an ARN of another service', 'arn:aws:s3:::bucket/key'],
    ['an unknown partition', `arn:gcp:kms:us-east-1:111122223333:key/${keyId}`],
    ['an IAM role ARN', 'arn:aws:iam::111122223333:role/App'],
  ])('refuses %s', (_, text) => {
    expect(parseKeyRef(text)).toBeUndefined();
  });

  it('says what each form names by itself: the Region and account of an ARN, the alias of an alias', () => {
    const keyArn = parseKeyRef(`arn:aws:kms:eu-west-1:111122223333:key/${keyId}`)!;
    const aliasArn = parseKeyRef('arn:aws:kms:eu-west-1:111122223333:alias/app')!;
    const aliasName = parseKeyRef('alias/app')!;
    const id = parseKeyRef(keyId)!;
    expect([keyArn, aliasArn, aliasName, id].map(regionNamedBy)).toEqual(['eu-west-1', 'eu-west-1', undefined, undefined]);
    expect([keyArn, aliasArn, aliasName, id].map(accountNamedBy)).toEqual(['111122223333', '111122223333', undefined, undefined]);
    expect([keyArn, aliasArn, aliasName, id].map(aliasNamedBy)).toEqual([undefined, 'alias/app', 'alias/app', undefined]);
    // Only a key ARN names the key exactly; an alias may point anywhere.
    expect([keyArn, aliasArn, aliasName, id].map((k) => keyArnOf(k)?.text)).toEqual([keyArn.text, undefined, undefined, undefined]);
  });
});

describe('parsePrincipalRef', () => {
  it('reads a user and a role, with and without a path', () => {
    expect(parsePrincipalRef('arn:aws:iam::111122223333:user/admin')).toEqual({ kind: 'user', arn: 'arn:aws:iam::111122223333:user/admin', partition: 'aws', account: '111122223333', name: 'admin', path: '/' });
    expect(parsePrincipalRef('arn:aws:iam::111122223333:role/teams/payments/PaymentsRole')).toMatchObject({ kind: 'role', name: 'PaymentsRole', path: '/teams/payments/' });
  });

  it('reads a role session (assumed-role) ARN; its role is known without its path', () => {
    const arn = 'arn:aws:sts::111122223333:assumed-role/AppRole/kms-doctor@example.com';
    const session = parsePrincipalRef(arn);
    expect(session).toEqual({ kind: 'assumed-role', arn, partition: 'aws', account: '111122223333', roleName: 'AppRole', sessionName: 'kms-doctor@example.com' });
    expect(entityOf(parseDiagnosablePrincipal(arn)!)).toEqual({ kind: 'role', name: 'AppRole', arn: 'arn:aws:iam::111122223333:role/AppRole' });
  });

  it('keeps the partition, so the role a session stands for is in the same partition', () => {
    const session = parseDiagnosablePrincipal('arn:aws-cn:sts::111122223333:assumed-role/App/s1')!;
    expect(entityOf(session).arn).toBe('arn:aws-cn:iam::111122223333:role/App');
    expect(parsePrincipalRef('arn:aws-us-gov:iam::111122223333:user/ops')).toMatchObject({ kind: 'user', partition: 'aws-us-gov' });
  });

  it('reads the account root, a federated user and a service principal, which have no IAM policies to diagnose', () => {
    expect(parsePrincipalRef('arn:aws:iam::111122223333:root')).toEqual({ kind: 'root', arn: 'arn:aws:iam::111122223333:root', partition: 'aws', account: '111122223333' });
    expect(parsePrincipalRef('arn:aws:sts::111122223333:federated-user/bob')).toMatchObject({ kind: 'federated-user', account: '111122223333', name: 'bob' });
    expect(parsePrincipalRef('kms.amazonaws.com')).toEqual({ kind: 'service', arn: 'kms.amazonaws.com', service: 'kms.amazonaws.com' });
    for (const text of ['arn:aws:iam::111122223333:root', 'arn:aws:sts::111122223333:federated-user/bob', 'kms.amazonaws.com']) {
      expect(parseDiagnosablePrincipal(text)).toBeUndefined();
    }
  });

  it.each([
    ['an empty string', ''],
    ['a role name alone', 'AppRole'],
    ['a role ARN without an account', 'arn:aws:iam:::role/App'],
    ['a role ARN with a Region', 'arn:aws:iam:us-east-1:111122223333:role/App'],
    ['a role ARN without a name', 'arn:aws:iam::111122223333:role/'],
    ['a session ARN without a session name', 'arn:aws:sts::111122223333:assumed-role/App'],
    ['a session ARN with a space', 'arn:aws:sts::111122223333:assumed-role/App/my session'],
    ['a group ARN', 'arn:aws:iam::111122223333:group/Admins'],
    ['a key ARN', `arn:aws:kms:us-east-1:111122223333:key/${keyId}`],
  ])('refuses %s', (_, text) => {
    expect(parsePrincipalRef(text)).toBeUndefined();
  });
});

describe('any ARN', () => {
  it('splits into partition, service, Region, account and resource', () => {
    expect(parseArn('arn:aws:iam::aws:policy/AdministratorAccess')).toMatchObject({ service: 'iam', region: '', account: 'aws', resource: 'policy/AdministratorAccess' });
    expect(parseArn('arn:aws:s3:::bucket/key')).toMatchObject({ service: 's3', account: '', resource: 'bucket/key' });
    expect(parseArn('not:an:arn')).toBeUndefined();
  });

  it('gives the twelve-digit account, and nothing for an AWS managed policy or a bucket', () => {
    expect(accountOfArn('arn:aws-cn:iam::111122223333:role/App')).toBe('111122223333');
    expect(accountOfArn('arn:aws:iam::aws:policy/AdministratorAccess')).toBeUndefined();
    expect(accountOfArn('arn:aws:s3:::bucket')).toBeUndefined();
    expect(accountOfArn(undefined)).toBeUndefined();
  });

  it('builds a key ARN in the partition of its Region', () => {
    expect(keyArnFrom('cn-northwest-1', '111122223333', keyId)).toBe(`arn:aws-cn:kms:cn-northwest-1:111122223333:key/${keyId}`);
    expect(keyArnFrom('us-gov-east-1', '111122223333', keyId)).toBe(`arn:aws-us-gov:kms:us-gov-east-1:111122223333:key/${keyId}`);
    expect(parseKeyRef(keyArnFrom('eu-west-1', '111122223333', keyId))).toMatchObject({ kind: 'key-arn', partition: 'aws' });
  });
});

describe('same or cross account', () => {
  it('is same or cross only when both accounts are known', () => {
    expect(accountRelation('111122223333', '111122223333')).toBe('same');
    expect(accountRelation('111122223333', '444455556666')).toBe('cross');
    expect(accountRelation(undefined, '444455556666')).toBeUndefined();
    expect(accountRelation('111122223333', undefined)).toBeUndefined();
    expect(isCrossAccount(undefined, '444455556666')).toBe(false);
    expect(isCrossAccount('111122223333', '444455556666')).toBe(true);
  });
});
