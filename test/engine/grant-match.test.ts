// The one grant rule the diagnosis and the sandbox share (src/engine/grant-match.ts).
import { describe, expect, it } from 'vitest';
import { childGrantWithinParent, grantAllows, grantOperationFor } from '../../src/engine/grant-match.js';

const role = 'arn:aws:iam::111122223333:role/AppRole';
const session = 'arn:aws:sts::111122223333:assumed-role/AppRole/s1';

describe('grantAllows', () => {
  const grant = { operations: ['Decrypt', 'Encrypt'], granteePrincipal: role };

  it('needs the operation and the grantee (by role or session ARN)', () => {
    expect(grantAllows(grant, { operation: 'Decrypt', principalArns: [role, session] })).toBe(true);
    expect(grantAllows({ ...grant, granteePrincipal: session }, { operation: 'Decrypt', principalArns: [role, session] })).toBe(true);
    expect(grantAllows(grant, { operation: 'Sign', principalArns: [role] })).toBe(false);
    expect(grantAllows(grant, { operation: 'Decrypt', principalArns: ['arn:aws:iam::111122223333:role/Other'] })).toBe(false);
  });

  it('EncryptionContextEquals wants exactly that context, in any order; Subset at least those pairs', () => {
    const equals = { ...grant, encryptionContextEquals: { a: '1', b: '2' } };
    expect(grantAllows(equals, { operation: 'Decrypt', principalArns: [role], encryptionContext: { b: '2', a: '1' } })).toBe(true);
    expect(grantAllows(equals, { operation: 'Decrypt', principalArns: [role], encryptionContext: { a: '1', b: '2', c: '3' } })).toBe(false);
    expect(grantAllows(equals, { operation: 'Decrypt', principalArns: [role] })).toBe(false);
    const subset = { ...grant, encryptionContextSubset: { a: '1' } };
    expect(grantAllows(subset, { operation: 'Decrypt', principalArns: [role], encryptionContext: { a: '1', c: '3' } })).toBe(true);
    expect(grantAllows(subset, { operation: 'Decrypt', principalArns: [role], encryptionContext: { a: '2' } })).toBe(false);
  });

  it('does not apply constraints to DescribeKey, and bounds a CreateGrant by the child grant it asks for', () => {
    const parent = { operations: ['Decrypt', 'DescribeKey', 'CreateGrant'], granteePrincipal: role, encryptionContextEquals: { a: '1' } };
    expect(grantAllows(parent, { operation: 'DescribeKey', principalArns: [role] })).toBe(true);
    const asking = (childGrant: Parameters<typeof childGrantWithinParent>[1]) => grantAllows(parent, { operation: 'CreateGrant', principalArns: [role], childGrant });
    expect(asking({ operations: ['Decrypt'], encryptionContextEquals: { a: '1' } })).toBe(true);
    expect(asking({ operations: ['Decrypt', 'Encrypt'], encryptionContextEquals: { a: '1' } })).toBe(false);
    expect(asking({ operations: ['Decrypt'] })).toBe(false);
    // A diagnosis that does not know the child: a child as strict as the parent would be allowed.
    expect(grantAllows(parent, { operation: 'CreateGrant', principalArns: [role] })).toBe(true);
    const subsetParent = { operations: ['Decrypt', 'CreateGrant'], granteePrincipal: role, encryptionContextSubset: { a: '1' } };
    expect(childGrantWithinParent(subsetParent, { operations: ['Decrypt'], encryptionContextEquals: { a: '1', b: '2' } })).toBe(true);
    expect(childGrantWithinParent(subsetParent, { operations: ['Decrypt'], encryptionContextSubset: { b: '2' } })).toBe(false);
  });

  it('maps IAM actions to grant operations, case-insensitively; management actions have none', () => {
    expect(grantOperationFor('kms:decrypt')).toBe('Decrypt');
    expect(grantOperationFor('kms:GenerateDataKeyWithoutPlaintext')).toBe('GenerateDataKeyWithoutPlaintext');
    expect(grantOperationFor('kms:PutKeyPolicy')).toBeUndefined();
  });
});
