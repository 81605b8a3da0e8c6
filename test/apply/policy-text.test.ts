import { describe, expect, it } from 'vitest';
import { describeDocumentChange, documentsEquivalent } from '../../src/apply/policy-text.js';

const root = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement }, null, 2);

describe('policy documents compared as policies', () => {
  it('ignores whitespace, key order, single values versus lists and member order', () => {
    const a = doc(root, { Sid: 'Use', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::111122223333:role/b', 'arn:aws:iam::111122223333:role/a'] }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' });
    const b = JSON.stringify({
      Statement: [
        { Resource: ['*'], Action: ['kms:Encrypt', 'kms:Decrypt'], Principal: { AWS: ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b'] }, Effect: 'Allow', Sid: 'Use' },
        { ...root, Action: ['kms:*'] },
      ],
      Version: '2012-10-17',
    });
    expect(documentsEquivalent(a, b)).toBe(true);
  });

  it('sees one changed action, one condition value, and the difference between no document and one', () => {
    expect(documentsEquivalent(doc(root), doc({ ...root, Action: 'kms:Decrypt' }))).toBe(false);
    const conditioned = (value: string) => doc({ ...root, Condition: { StringEquals: { 'kms:ViaService': value } } });
    expect(documentsEquivalent(conditioned('s3.us-east-1.amazonaws.com'), conditioned('ec2.us-east-1.amazonaws.com'))).toBe(false);
    expect(documentsEquivalent('', doc(root))).toBe(false);
    expect(documentsEquivalent('', '')).toBe(true);
  });

  it('names what changed, statement by statement', () => {
    const before = doc(root, { Sid: 'Old', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/x' }, Action: 'kms:Decrypt', Resource: '*' });
    const after = doc({ ...root, Action: 'kms:Decrypt' }, { Sid: 'AllowX', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/x' }, Action: 'kms:Encrypt', Resource: '*' });
    expect(describeDocumentChange(before, after)).toBe('statement Root was changed; statement AllowX was added; statement Old was removed');
    expect(describeDocumentChange('', after)).toMatch(/exists now/);
    expect(describeDocumentChange(before, '')).toBe('it no longer exists');
  });
});
