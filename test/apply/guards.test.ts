// The guards refuse before anything is sent: lockout of the applier, loss of the account-root statement,
// documents over AWS's size limits, and documents that are not valid policies.
import { describe, expect, it } from 'vitest';
import { checkIdentityPolicyWrite, checkKeyPolicyWrite, GuardRefusal, type GuardReason } from '../../src/apply/guards.js';
import type { TargetStore } from '../../src/apply/target-store.js';

const account = '111122223333';
const keyArn = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const applier = `arn:aws:iam::${account}:user/admin`;
const root = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
const use = { Sid: 'AllowAppRoleUseOfKey', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/app` }, Action: ['kms:Decrypt'], Resource: '*' };
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement }, null, 2);
const allowAll = [{ name: 'full-access', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }];

function applierStore(policies: readonly { name: string; document: unknown }[] | undefined, arn = applier): Pick<TargetStore, 'applierArn' | 'applierPolicies'> {
  return { applierArn: async () => arn, applierPolicies: async () => policies };
}

async function refusal(run: Promise<void>): Promise<{ reason: GuardReason; message: string }> {
  try {
    await run;
  } catch (error) {
    if (error instanceof GuardRefusal) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('expected a GuardRefusal');
}

describe('key policy guards', () => {
  it('lets a fix that only adds a statement through', async () => {
    await expect(checkKeyPolicyWrite({ keyArn, current: doc(root), text: doc(root, use), store: applierStore(allowAll) })).resolves.toBeUndefined();
    await expect(checkKeyPolicyWrite({ keyArn, current: doc(root), text: doc(root, use), store: applierStore(undefined) })).resolves.toBeUndefined();
  });

  it('refuses to remove the account-root statement', async () => {
    const result = await refusal(checkKeyPolicyWrite({ keyArn, current: doc(root, use), text: doc(use, { ...use, Sid: 'Admin', Principal: { AWS: applier }, Action: 'kms:*' }), store: applierStore(allowAll) }));
    expect(result.reason).toBe('root-delegation');
    expect(result.message).toContain('Enable IAM User Permissions');
    expect(result.message).toContain('Nothing was written');
  });

  it('refuses to narrow the account-root statement, or to take its actions away with a new Deny', async () => {
    expect((await refusal(checkKeyPolicyWrite({ keyArn, current: doc(root), text: doc({ ...root, Action: ['kms:Decrypt', 'kms:PutKeyPolicy'] }), store: applierStore(allowAll) }))).reason).toBe('root-delegation');
    const denyEveryone = { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
    const result = await refusal(checkKeyPolicyWrite({ keyArn, current: doc(root), text: doc(root, denyEveryone), store: applierStore(allowAll) }));
    expect(result).toMatchObject({ reason: 'root-delegation' });
    expect(result.message).toContain('kms:Decrypt');
  });

  it('refuses a policy that no longer lets the applier call kms:PutKeyPolicy', async () => {
    // No root statement: the applier manages the key because the key policy names it.
    const admin = { Sid: 'KeyAdmin', Effect: 'Allow', Principal: { AWS: applier }, Action: 'kms:*', Resource: '*' };
    const narrowed = { ...admin, Action: ['kms:Describe*', 'kms:Get*'] };
    for (const policies of [allowAll, undefined]) {
      const result = await refusal(checkKeyPolicyWrite({ keyArn, current: doc(admin, use), text: doc(narrowed, use), store: applierStore(policies) }));
      expect(result.reason).toBe('lockout');
      expect(result.message).toContain(applier);
    }
  });

  it('refuses an explicit deny of kms:PutKeyPolicy to the applier, even with the root statement kept', async () => {
    const deny = { Sid: 'Freeze', Effect: 'Deny', Principal: { AWS: applier }, Action: 'kms:PutKeyPolicy', Resource: '*' };
    expect((await refusal(checkKeyPolicyWrite({ keyArn, current: doc(root), text: doc(root, deny), store: applierStore(allowAll) }))).reason).toBe('lockout');
  });

  it('refuses, when the applier\'s IAM policies are unknown, a policy that neither names it nor keeps the root statement', async () => {
    const other = { Sid: 'Other', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/other-admin` }, Action: 'kms:*', Resource: '*' };
    const result = await refusal(checkKeyPolicyWrite({ keyArn, current: doc(other), text: doc(other, use), store: applierStore(undefined) }));
    expect(result.reason).toBe('lockout');
    expect(result.message).toContain('could not read the IAM policies');
    // Naming the applier's role directly is enough for a role session.
    const session = `arn:aws:sts::${account}:assumed-role/deployer/ci`;
    const deployer = { ...other, Sid: 'Deployer', Principal: { AWS: `arn:aws:iam::${account}:role/deployer` } };
    await expect(checkKeyPolicyWrite({ keyArn, current: doc(deployer), text: doc(deployer, use), store: applierStore(undefined, session) })).resolves.toBeUndefined();
  });

  it('refuses a key policy over 32,768 bytes, counting UTF-8 bytes, not characters', async () => {
    const padded = (description: string) => JSON.stringify({ Version: '2012-10-17', Id: description, Statement: [root] });
    const base = padded('').length;
    const fits = padded('x'.repeat(32_768 - base));
    expect(Buffer.byteLength(fits)).toBe(32_768);
    await expect(checkKeyPolicyWrite({ keyArn, current: doc(root), text: fits, store: applierStore(allowAll) })).resolves.toBeUndefined();
    // Same character count, but each é is two bytes.
    const accented = padded('é'.repeat(100) + 'x'.repeat(32_768 - base - 100));
    expect(accented.length).toBe(32_768);
    expect((await refusal(checkKeyPolicyWrite({ keyArn, current: doc(root), text: accented, store: applierStore(allowAll) }))).reason).toBe('size');
  });

  it('refuses text that is not JSON, a document that is not a valid policy, and a statement without Principal', async () => {
    const check = (text: string) => refusal(checkKeyPolicyWrite({ keyArn, current: doc(root), text, store: applierStore(allowAll) }));
    expect((await check('{"Version": "2012-10-17", "Statement": [')).reason).toBe('invalid');
    expect((await check(doc(root, { ...use, Effect: 'Perhaps' }))).reason).toBe('invalid');
    const { Principal: _dropped, ...noPrincipal } = use;
    const result = await check(doc(root, noPrincipal));
    expect(result.reason).toMatch(/no-principal|invalid/);
    expect(result.message).toMatch(/[Pp]rincipal/);
  });
});

describe('identity policy guards', () => {
  const statement = (resource: string) => ({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: resource });
  const sized = (characters: number) => {
    const empty = JSON.stringify({ Version: '2012-10-17', Statement: [statement('')] });
    return JSON.stringify({ Version: '2012-10-17', Statement: [statement('x'.repeat(characters - empty.length))] });
  };

  it('applies IAM\'s limits, whitespace excluded: user 2,048, role 10,240 with its other inline policies, managed 6,144', async () => {
    const user = { kind: 'user', name: 'alice' } as const;
    const role = { kind: 'role', name: 'app' } as const;
    const managed = { kind: 'managed-policy', arn: `arn:aws:iam::${account}:policy/kms` } as const;
    await expect(checkIdentityPolicyWrite({ owner: user, policyName: 'p', text: sized(2_048) })).resolves.toBeUndefined();
    expect((await refusal(checkIdentityPolicyWrite({ owner: user, policyName: 'p', text: sized(2_049) }))).reason).toBe('size');
    // Whitespace does not count.
    await expect(checkIdentityPolicyWrite({ owner: user, policyName: 'p', text: JSON.stringify(JSON.parse(sized(2_048)), null, 8) })).resolves.toBeUndefined();
    await expect(checkIdentityPolicyWrite({ owner: role, policyName: 'p', text: sized(10_240) })).resolves.toBeUndefined();
    const crowded = await refusal(checkIdentityPolicyWrite({ owner: role, policyName: 'p', text: sized(6_000), otherInlineDocuments: [sized(5_000)] }));
    expect(crowded.reason).toBe('size');
    expect(crowded.message).toContain('11000');
    await expect(checkIdentityPolicyWrite({ owner: managed, policyName: 'kms', text: sized(6_144) })).resolves.toBeUndefined();
    expect((await refusal(checkIdentityPolicyWrite({ owner: managed, policyName: 'kms', text: sized(6_145) }))).reason).toBe('size');
  });

  it('refuses invalid JSON and invalid policies', async () => {
    const owner = { kind: 'role', name: 'app' } as const;
    expect((await refusal(checkIdentityPolicyWrite({ owner, policyName: 'p', text: 'not json' }))).reason).toBe('invalid');
    expect((await refusal(checkIdentityPolicyWrite({ owner, policyName: 'p', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Actions: 'kms:*', Resource: '*' }] }) }))).reason).toBe('invalid');
  });
});
