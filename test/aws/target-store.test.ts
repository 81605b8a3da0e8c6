// The SDK TargetStore against a real sandbox built from `blank`: every method's round trip, KMS calls
// routed to the key ARN's Region and (with --key-profile) the key's account, IAM calls in the
// caller's account, refusals as AwsCallError, and KMS's lockout safety check never bypassed.
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../src/aws/aws-errors.js';
import { createAwsSession, type AwsSession, type AwsSessionOptions } from '../../src/aws/aws-session.js';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { createTargetStore } from '../../src/aws/target-store.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { userSession } from './aws-test-helpers.js';

const accountA = '111122223333';
const accountB = '444455556666';
const adminArn = `arn:aws:iam::${accountA}:user/admin`;
const adminBArn = `arn:aws:iam::${accountB}:user/admin-b`;

let sandbox: TestSandbox;
let kmsA: KMSClient;
let kmsB: KMSClient;
let iamA: IAMClient;
const sessions: AwsSession[] = [];

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const rootOf = (account: string) => ({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' });

async function session(profile: string, options: Partial<AwsSessionOptions> = {}): Promise<AwsSession> {
  const created = await createAwsSession({
    profile,
    endpointUrl: sandbox.endpoint,
    env: { AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile, AWS_EC2_METADATA_DISABLED: 'true' },
    ...options,
  });
  sessions.push(created);
  return created;
}

async function newKey(kms: KMSClient = kmsA, description = 'target-store test'): Promise<string> {
  return (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata!.Arn!;
}

/** The AwsCallError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<AwsCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsCallError);
  return error as AwsCallError;
}

const calls = (records: readonly AwsCallRecord[], name: string) => records.filter((r) => r.call === name);

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  const region = 'us-east-1';
  kmsA = new KMSClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin') });
  kmsB = new KMSClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin-b') });
  iamA = new IAMClient({ endpoint: sandbox.endpoint, region, credentials: userCredentials(sandbox, 'admin') });
});
afterAll(async () => {
  for (const s of sessions) s.destroy();
  kmsA?.destroy();
  kmsB?.destroy();
  iamA?.destroy();
  await sandbox?.stop();
});

describe('the SDK target store, same account', () => {
  it("gives the caller's ARN, asking STS once", async () => {
    const records: AwsCallRecord[] = [];
    const store = createTargetStore(await session('admin', { onCall: (r) => records.push(r) }));
    expect(await store.applierArn()).toBe(adminArn);
    expect(await store.applierArn()).toBe(adminArn);
    expect(calls(records, 'sts:GetCallerIdentity')).toHaveLength(1);
  });

  it('reads back a key policy byte for byte, without asking STS when there is no key profile', async () => {
    const records: AwsCallRecord[] = [];
    const store = createTargetStore(await session('admin', { onCall: (r) => records.push(r) }));
    const keyArn = await newKey();
    const text = `{\n  "Version" : "2012-10-17",\n\t"Statement": [ {"Sid":"Root",  "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${accountA}:root"}, "Action": "kms:*", "Resource": "*"} ]  \n}\n`;
    await store.putKeyPolicy(keyArn, text);
    expect(await store.readKeyPolicy(keyArn)).toBe(text);
    expect(records.map((r) => r.call)).toEqual(['kms:PutKeyPolicy', 'kms:GetKeyPolicy']);
  });

  it('sends KMS calls to the Region of the key ARN', async () => {
    const records: AwsCallRecord[] = [];
    const store = createTargetStore(await session('admin', { onCall: (r) => records.push(r) }));
    const west = new KMSClient({ endpoint: sandbox.endpoint, region: 'us-west-2', credentials: userCredentials(sandbox, 'admin') });
    const keyArn = await newKey(west);
    west.destroy();
    expect(keyArn).toContain(':kms:us-west-2:');
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Enabled' });
    expect(records).toMatchObject([{ call: 'kms:DescribeKey', region: 'us-west-2' }]);
  });

  it('never bypasses the lockout safety check: KMS refuses a policy that would lock the applier out', async () => {
    const s = await session('admin');
    const store = createTargetStore(s);
    const keyArn = await newKey();
    const before = await store.readKeyPolicy(keyArn);
    const sentInputs: Record<string, unknown>[] = [];
    s.kms('us-east-1').middlewareStack.add(
      (next) => async (args) => {
        sentInputs.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'targetStoreTestSpy' },
    );
    const lockout = policy(rootOf(accountB));
    const error = await failure(store.putKeyPolicy(keyArn, lockout));
    expect(error).toMatchObject({ kind: 'validation', code: 'MalformedPolicyDocumentException', call: 'kms:PutKeyPolicy', httpStatusCode: 400 });
    expect(error.message).toMatch(/will not allow you to update the key policy/);
    expect(sentInputs).toHaveLength(1);
    expect(sentInputs[0]).not.toHaveProperty('BypassPolicyLockoutSafetyCheck');
    expect(await store.readKeyPolicy(keyArn)).toBe(before);
  });

  it('walks a key through disable, enable, schedule deletion and cancel', async () => {
    const store = createTargetStore(await session('admin'));
    const keyArn = await newKey();
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Enabled' });
    await store.disableKey(keyArn);
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Disabled' });
    await store.enableKey(keyArn);
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Enabled' });

    const scheduledAt = Date.now();
    await store.scheduleKeyDeletion(keyArn, 7);
    const pending = await store.readKeyState(keyArn);
    expect(pending).toMatchObject({ state: 'PendingDeletion', pendingWindowInDays: 7 });
    const days = (Date.parse(pending.deletionDate!) - scheduledAt) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    // A key pending deletion cannot be enabled: KMS's key-state error, named after the call.
    expect(await failure(store.enableKey(keyArn))).toMatchObject({ kind: 'key-state', code: 'KMSInvalidStateException', call: 'kms:EnableKey' });

    await store.cancelKeyDeletion(keyArn);
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Disabled' });
    await store.enableKey(keyArn);
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Enabled' });
  });

  it('creates and revokes a grant', async () => {
    const store = createTargetStore(await session('admin'));
    const keyArn = await newKey();
    const { grantId } = await store.createGrant(keyArn, adminBArn, ['Decrypt', 'Encrypt'], 'target-store-grant');
    const listed = (await kmsA.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants ?? [];
    expect(listed).toMatchObject([{ GrantId: grantId, Name: 'target-store-grant', GranteePrincipal: adminBArn, Operations: ['Decrypt', 'Encrypt'] }]);
    await store.revokeGrant(keyArn, grantId);
    expect((await kmsA.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants ?? []).toEqual([]);
    expect(await failure(store.revokeGrant(keyArn, grantId))).toMatchObject({ kind: 'not-found', call: 'kms:RevokeGrant' });
  });

  it('creates, reads and deletes inline policies of users and roles; an absent one reads as undefined', async () => {
    const store = createTargetStore(await session('admin'));
    await iamA.send(new CreateUserCommand({ UserName: 'inline-user' }));
    await iamA.send(
      new CreateRoleCommand({
        RoleName: 'inline-role',
        AssumeRolePolicyDocument: policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'sts:AssumeRole' }),
      }),
    );
    // Spaces, slashes, colons and a plus: IAM returns the document URL-encoded, the store decodes it.
    const document = `{ "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "arn:aws:kms:us-east-1:${accountA}:key/*", "Condition": {"StringEquals": {"kms:EncryptionContext:app": "a b+c/d"}}}] }`;
    for (const [kind, name] of [['user', 'inline-user'], ['role', 'inline-role']] as const) {
      expect(await store.readInlinePolicy(kind, name, 'kms-fix')).toBeUndefined();
      await store.putInlinePolicy(kind, name, 'kms-fix', document);
      expect(await store.readInlinePolicy(kind, name, 'kms-fix')).toBe(document);
      await store.deleteInlinePolicy(kind, name, 'kms-fix');
      expect(await store.readInlinePolicy(kind, name, 'kms-fix')).toBeUndefined();
      const noun = kind === 'user' ? 'User' : 'Role';
      expect(await failure(store.deleteInlinePolicy(kind, name, 'kms-fix'))).toMatchObject({ kind: 'not-found', code: 'NoSuchEntityException', call: `iam:Delete${noun}Policy` });
    }
  });

  it('lists, reads, creates, promotes and deletes managed policy versions', async () => {
    const store = createTargetStore(await session('admin'));
    const v1 = policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' });
    const v2 = `{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"} ]}`;
    const policyArn = (await iamA.send(new CreatePolicyCommand({ PolicyName: 'versioned', PolicyDocument: v1 }))).Policy!.Arn!;

    const isoDate = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(await store.listPolicyVersions(policyArn)).toEqual([{ versionId: 'v1', isDefault: true, createDate: isoDate }]);
    expect(await store.readPolicyVersion(policyArn, 'v1')).toBe(v1);

    expect(await store.createPolicyVersion(policyArn, v2, false)).toBe('v2');
    expect(await store.readPolicyVersion(policyArn, 'v2')).toBe(v2);
    expect(await store.listPolicyVersions(policyArn)).toEqual([
      { versionId: 'v2', isDefault: false, createDate: isoDate },
      { versionId: 'v1', isDefault: true, createDate: isoDate },
    ]);

    await store.setDefaultPolicyVersion(policyArn, 'v2');
    expect((await store.listPolicyVersions(policyArn)).map((v) => [v.versionId, v.isDefault])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
    // The default version cannot be deleted (DeleteConflict, the SDK's DeleteConflictException), the others can.
    expect(await failure(store.deletePolicyVersion(policyArn, 'v2'))).toMatchObject({ code: 'DeleteConflictException', call: 'iam:DeletePolicyVersion' });
    await store.deletePolicyVersion(policyArn, 'v1');
    expect((await store.listPolicyVersions(policyArn)).map((v) => v.versionId)).toEqual(['v2']);

    expect(await store.createPolicyVersion(policyArn, v1, true)).toBe('v3');
    expect((await store.listPolicyVersions(policyArn)).map((v) => [v.versionId, v.isDefault])).toEqual([
      ['v3', true],
      ['v2', false],
    ]);
  });

  it("reads the applier's inline and attached managed policies (default versions)", async () => {
    const store = createTargetStore(await session('admin'));
    const v1 = policy({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*' });
    const v2 = policy({ Effect: 'Allow', Action: 'kms:ListAliases', Resource: '*' });
    const policyArn = (await iamA.send(new CreatePolicyCommand({ PolicyName: 'admin-extra', PolicyDocument: v1 }))).Policy!.Arn!;
    await store.createPolicyVersion(policyArn, v2, true);
    await iamA.send(new AttachUserPolicyCommand({ UserName: 'admin', PolicyArn: policyArn }));
    const policies = await store.applierPolicies();
    expect(policies).toEqual([
      { name: 'full-access', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      { name: policyArn, document: JSON.parse(v2) },
    ]);
  });

  it('rejects a key ARN it cannot route, without calling AWS', async () => {
    const records: AwsCallRecord[] = [];
    const store = createTargetStore(await session('admin', { onCall: (r) => records.push(r) }));
    expect(await failure(store.readKeyPolicy('alias/orders'))).toMatchObject({ kind: 'validation', call: 'kms:GetKeyPolicy' });
    expect(records).toEqual([]);
  });
});

describe('the SDK target store, across accounts', () => {
  it("uses the key profile for a key in another account, the caller's own clients otherwise", async () => {
    const records: AwsCallRecord[] = [];
    const store = createTargetStore(await session('admin-b', { keyProfile: 'admin', onCall: (r) => records.push(r) }));
    const keyArn = await newKey(kmsA);
    const ownKeyArn = await newKey(kmsB);
    expect(keyArn).toContain(`:${accountA}:key/`);
    expect(ownKeyArn).toContain(`:${accountB}:key/`);

    // Key policies and key states can only be read and changed from the key's own account (the
    // sandbox, like KMS, answers NotFoundException otherwise), so each success proves the routing.
    const original = await store.readKeyPolicy(keyArn);
    expect(JSON.parse(original)).toMatchObject({ Statement: [{ Principal: { AWS: `arn:aws:iam::${accountA}:root` } }] });
    const updated = policy(rootOf(accountA), { Sid: 'PartnerDecrypt', Effect: 'Allow', Principal: { AWS: adminBArn }, Action: 'kms:Decrypt', Resource: '*' });
    await store.putKeyPolicy(keyArn, updated);
    expect(await store.readKeyPolicy(keyArn)).toBe(updated);
    await store.disableKey(keyArn);
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Disabled' });
    await store.enableKey(keyArn);
    const { grantId } = await store.createGrant(keyArn, adminBArn, ['Decrypt']);
    const grants = (await kmsA.send(new ListGrantsCommand({ KeyId: keyArn }))).Grants ?? [];
    expect(grants).toMatchObject([{ GrantId: grantId, IssuingAccount: `arn:aws:iam::${accountA}:root` }]);
    await store.revokeGrant(keyArn, grantId);

    // A key in the caller's own account goes through the caller's clients, not the key profile's.
    expect(JSON.parse(await store.readKeyPolicy(ownKeyArn))).toMatchObject({ Statement: [{ Principal: { AWS: `arn:aws:iam::${accountB}:root` } }] });
    await store.disableKey(ownKeyArn);
    expect(await store.readKeyState(ownKeyArn)).toEqual({ state: 'Disabled' });

    // The caller's account was learnt once, and the applier is the caller, not the key profile.
    expect(await store.applierArn()).toBe(adminBArn);
    expect(calls(records, 'sts:GetCallerIdentity')).toHaveLength(1);
  });

  it("writes IAM in the caller's account, whatever the key profile", async () => {
    const store = createTargetStore(await session('admin-b', { keyProfile: 'admin' }));
    const document = policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-east-1:${accountA}:key/*` });
    await store.putInlinePolicy('user', 'admin-b', 'partner-decrypt', document);
    expect(await store.readInlinePolicy('user', 'admin-b', 'partner-decrypt')).toBe(document);
    expect(sandbox.world.state.accounts[accountB]!.users['admin-b']!.inlinePolicies['partner-decrypt']).toBe(document);
    expect(sandbox.world.state.accounts[accountA]!.users['admin-b']).toBeUndefined();
    await store.deleteInlinePolicy('user', 'admin-b', 'partner-decrypt');
    expect(sandbox.world.state.accounts[accountB]!.users['admin-b']!.inlinePolicies['partner-decrypt']).toBeUndefined();
    expect((await store.applierPolicies())?.map((p) => p.name)).toEqual(['full-access']);
  });

  it('without a key profile, a key policy in another account cannot be read', async () => {
    const store = createTargetStore(await session('admin-b'));
    const keyArn = await newKey(kmsA);
    expect(await failure(store.readKeyPolicy(keyArn))).toMatchObject({ kind: 'not-found', code: 'NotFoundException', call: 'kms:GetKeyPolicy' });
  });
});

describe('the SDK target store, refused', () => {
  let keyArn: string;
  beforeAll(async () => {
    keyArn = await newKey();
    const readOnly = policy({ Effect: 'Allow', Action: ['kms:GetKeyPolicy', 'kms:DescribeKey', 'iam:Get*', 'iam:List*'], Resource: '*' });
    for (const [name, document] of [
      ['viewer', readOnly],
      ['blind', policy({ Effect: 'Allow', Action: ['kms:GetKeyPolicy', 'kms:DescribeKey'], Resource: '*' })],
    ] as const) {
      await iamA.send(new CreateUserCommand({ UserName: name }));
      await iamA.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'read-only', PolicyDocument: document }));
      await iamA.send(new CreateAccessKeyCommand({ UserName: name }));
    }
  });

  const asUser = async (name: string) => {
    const s = await userSession(sandbox, name);
    sessions.push(s);
    return createTargetStore(s);
  };

  it('rejects refused writes with AwsCallError kind access-denied, named after the call', async () => {
    const store = await asUser('viewer');
    const current = await store.readKeyPolicy(keyArn);
    expect(await failure(store.putKeyPolicy(keyArn, current))).toMatchObject({ kind: 'access-denied', code: 'AccessDeniedException', call: 'kms:PutKeyPolicy' });
    expect(await failure(store.disableKey(keyArn))).toMatchObject({ kind: 'access-denied', call: 'kms:DisableKey' });
    expect(await failure(store.createGrant(keyArn, adminArn, ['Decrypt']))).toMatchObject({ kind: 'access-denied', call: 'kms:CreateGrant' });
    const document = policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
    expect(await failure(store.putInlinePolicy('user', 'viewer', 'escalate', document))).toMatchObject({ kind: 'access-denied', code: 'AccessDenied', call: 'iam:PutUserPolicy' });
    expect(await store.readKeyState(keyArn)).toEqual({ state: 'Enabled' });
  });

  it("reads the applier's policies when it may, and gives undefined when a read is refused", async () => {
    const viewer = await asUser('viewer');
    expect((await viewer.applierPolicies())?.map((p) => p.name)).toEqual(['read-only']);
    expect(await viewer.applierArn()).toBe(`arn:aws:iam::${accountA}:user/viewer`);
    const blind = await asUser('blind');
    expect(await blind.applierPolicies()).toBeUndefined();
    // A refused read of one inline policy is an error, not "absent".
    expect(await failure(blind.readInlinePolicy('user', 'blind', 'read-only'))).toMatchObject({ kind: 'access-denied', call: 'iam:GetUserPolicy' });
  });
});
