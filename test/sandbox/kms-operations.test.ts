// The sandbox's KMS operations as the real AWS SDK v3 sees them over HTTP: results, error names and
// messages, DryRun outcomes, pagination, grants, and cross-account behaviour.
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyPoliciesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ListRetirableGrantsCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  paginateListGrants,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type RunningSandbox } from '../../src/sandbox/server.js';
import { SandboxWorld } from '../../src/sandbox/world.js';
import { accountA, accountB, addUser, minimalState, type TestUser } from '../helpers/minimal-state.js';
import { sendSigned } from '../helpers/signed-request.js';

const region = 'us-east-1';
let sandbox: RunningSandbox;
let world: SandboxWorld;
let adminA: TestUser;
let adminB: TestUser;
let nobody: TestUser;
let kmsA: KMSClient;
let kmsB: KMSClient;
let kmsNobody: KMSClient;

const client = (user: TestUser, path = '') => new KMSClient({ endpoint: sandbox.endpoint + path, region, credentials: user.credentials, maxAttempts: 1 });

beforeAll(async () => {
  const { state, admins } = minimalState();
  adminA = admins.a;
  adminB = admins.b;
  nobody = addUser(state, accountA, 'nobody');
  world = new SandboxWorld(state);
  sandbox = await startSandboxServer({ world, port: 0 });
  kmsA = client(adminA);
  kmsB = client(adminB);
  kmsNobody = client(nobody);
});

afterAll(async () => {
  await sandbox?.close();
});

interface Failure {
  readonly name: string;
  readonly message: string;
  readonly status?: number;
}

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

async function newKey(kms: KMSClient = kmsA, input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}): Promise<KeyMetadata> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand(input));
  return KeyMetadata!;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);
const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const rootOf = (account: string) => `arn:aws:iam::${account}:root`;
const adminStatement = (account: string) => ({ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: rootOf(account) }, Action: 'kms:*', Resource: '*' });
const denyNobody = "is not authorized to perform: kms:";

describe('keys', () => {
  it('creates, describes and lists keys', async () => {
    const key = await newKey(kmsA, { Description: 'orders', Tags: [{ TagKey: 'team', TagValue: 'pay' }] });
    expect(key).toMatchObject({
      AWSAccountId: accountA,
      Arn: `arn:aws:kms:${region}:${accountA}:key/${key.KeyId}`,
      Description: 'orders',
      Enabled: true,
      KeyState: 'Enabled',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      MultiRegion: false,
    });
    expect(key.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs(key.CreationDate!.getTime() - Date.now())).toBeLessThan(60_000);
    for (const id of [key.KeyId!, key.Arn!]) {
      const { KeyMetadata } = await kmsA.send(new DescribeKeyCommand({ KeyId: id }));
      expect(KeyMetadata).toEqual(key);
    }
    const { Keys, Truncated } = await kmsA.send(new ListKeysCommand({}));
    expect(Keys).toContainEqual({ KeyId: key.KeyId, KeyArn: key.Arn });
    expect(Truncated).toBe(false);
    expect((await kmsB.send(new ListKeysCommand({}))).Keys).not.toContainEqual({ KeyId: key.KeyId, KeyArn: key.Arn });
  });

  it('creates multi-Region, external and HMAC keys with their metadata', async () => {
    const mrk = await newKey(kmsA, { MultiRegion: true });
    expect(mrk.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(mrk.MultiRegion).toBe(true);
    const external = await newKey(kmsA, { Origin: 'EXTERNAL' });
    expect(external).toMatchObject({ KeyState: 'PendingImport', Enabled: false, Origin: 'EXTERNAL' });
    const hmac = await newKey(kmsA, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(hmac.MacAlgorithms).toEqual(['HMAC_SHA_256']);
    expect(await failure(newKey(kmsA, { KeySpec: 'HMAC_256' }))).toMatchObject({
      name: 'ValidationException',
      message: 'KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256.',
    });
  });

  it('names missing keys and bad parameters as KMS does', async () => {
    const missing = `arn:aws:kms:${region}:${accountA}:key/00000000-0000-0000-0000-000000000000`;
    expect(await failure(kmsA.send(new DescribeKeyCommand({ KeyId: missing })))).toMatchObject({
      name: 'NotFoundException',
      message: `Key '${missing}' does not exist`,
    });
    expect(await failure(kmsA.send(new DescribeKeyCommand({ KeyId: 'alias/none' })))).toMatchObject({
      name: 'NotFoundException',
      message: `Alias arn:aws:kms:${region}:${accountA}:alias/none is not found.`,
    });
    expect(await failure(kmsA.send(new DescribeKeyCommand({} as never)))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
    expect(await failure(kmsA.send(new ListKeysCommand({ Limit: 0 })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
  });

  it('refuses callers without permission', async () => {
    const key = await newKey();
    const error = await failure(kmsNobody.send(new DescribeKeyCommand({ KeyId: key.Arn })));
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect(error.message).toBe(
      `User: ${nobody.arn} is not authorized to perform: kms:DescribeKey on resource: ${key.Arn} because no identity-based policy allows the kms:DescribeKey action`,
    );
    expect((await failure(kmsNobody.send(new CreateKeyCommand({}))))).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${nobody.arn} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`,
    });
  });
});

describe('key policies', () => {
  it('returns the default policy and stores a new one byte for byte', async () => {
    const key = await newKey();
    const { Policy, PolicyName } = await kmsA.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
    expect(PolicyName).toBe('default');
    expect(JSON.parse(Policy!)).toMatchObject({ Statement: [{ Principal: { AWS: rootOf(accountA) }, Action: 'kms:*' }] });
    const odd = '{ "Version":"2012-10-17",\n\t"Statement" : [ {"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"' + rootOf(accountA) + '"},"Action":"kms:*","Resource":"*"} ]  }\n';
    await kmsA.send(new PutKeyPolicyCommand({ KeyId: key.Arn, PolicyName: 'default', Policy: odd }));
    expect((await kmsA.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy).toBe(odd);
    expect((await kmsA.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames).toEqual(['default']);
  });

  it('refuses a policy that would lock the caller out, unless the check is bypassed', async () => {
    const key = await newKey();
    const lockout = policy([{ Effect: 'Allow', Principal: { AWS: rootOf(accountA) }, Action: 'kms:Decrypt', Resource: '*' }]);
    expect(await failure(kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout })))).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'The new key policy will not allow you to update the key policy in the future.',
    });
    expect(await failure(newKey(kmsA, { Policy: lockout }))).toMatchObject({ name: 'MalformedPolicyDocumentException' });
    await kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    expect(await failure(kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout })))).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses malformed policies', async () => {
    const key = await newKey();
    const put = (text: string, extra: Record<string, unknown> = {}) => failure(kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: text, ...extra })));
    expect(await put('{"Version": "2012-10-17", ')).toMatchObject({ name: 'MalformedPolicyDocumentException' });
    expect(await put(policy([{ Effect: 'Maybe', Principal: '*', Action: 'kms:*', Resource: '*' }]))).toMatchObject({ name: 'MalformedPolicyDocumentException' });
    expect(await put(policy([adminStatement(accountA), { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]))).toMatchObject({
      name: 'MalformedPolicyDocumentException',
    });
    for (const principal of [`arn:aws:iam::${accountA}:user/ghost`, `arn:aws:iam::${accountA}:group/admins`, 'not-a-principal']) {
      const statement = { Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' };
      expect(await put(policy([adminStatement(accountA), statement]))).toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: 'Policy contains a statement with one or more invalid principals.',
      });
    }
    // Principals of accounts the sandbox does not model cannot be checked and are accepted.
    await kmsA.send(
      new PutKeyPolicyCommand({
        KeyId: key.KeyId,
        Policy: policy([adminStatement(accountA), { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:role/x' }, Action: 'kms:Decrypt', Resource: '*' }]),
      }),
    );
    expect(await put(JSON.stringify({ Version: '2012-10-17', Statement: [adminStatement(accountA)], Padding: 'x'.repeat(33_000) }))).toMatchObject({
      name: 'LimitExceededException',
    });
    expect(await put(policy([adminStatement(accountA)]), { PolicyName: 'other' })).toMatchObject({ name: 'NotFoundException' });
    expect(await failure(kmsA.send(new GetKeyPolicyCommand({ KeyId: 'alias/anything' })))).toMatchObject({
      name: 'InvalidArnException',
      message: 'Key Aliases are not supported for this operation.',
    });
  });
});

describe('aliases', () => {
  it('creates, lists, re-points and deletes aliases', async () => {
    const key = await newKey();
    const other = await newKey();
    await kmsA.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: key.KeyId }));
    expect((await kmsA.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }))).KeyMetadata?.Arn).toBe(key.Arn);
    const aliasArn = `arn:aws:kms:${region}:${accountA}:alias/orders`;
    const listed = await kmsA.send(new ListAliasesCommand({ KeyId: key.KeyId }));
    expect(listed.Aliases).toEqual([expect.objectContaining({ AliasName: 'alias/orders', AliasArn: aliasArn, TargetKeyId: key.KeyId })]);
    expect(listed.Aliases?.[0]?.CreationDate).toBeInstanceOf(Date);
    expect(await failure(kmsA.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: other.KeyId })))).toMatchObject({
      name: 'AlreadyExistsException',
      message: `An alias with the name ${aliasArn} already exists`,
    });
    expect(await failure(kmsA.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: key.KeyId })))).toMatchObject({
      name: 'InvalidAliasNameException',
    });
    expect(await failure(kmsA.send(new CreateAliasCommand({ AliasName: 'orders', TargetKeyId: key.KeyId })))).toMatchObject({
      name: 'ValidationException',
    });
    await kmsA.send(new UpdateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: other.Arn }));
    expect((await kmsA.send(new DescribeKeyCommand({ KeyId: aliasArn }))).KeyMetadata?.KeyId).toBe(other.KeyId);
    expect(await failure(kmsNobody.send(new CreateAliasCommand({ AliasName: 'alias/mine', TargetKeyId: key.KeyId })))).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${nobody.arn} is not authorized to perform: kms:CreateAlias on resource: arn:aws:kms:${region}:${accountA}:alias/mine because no identity-based policy allows the kms:CreateAlias action`,
    });
    await kmsA.send(new DeleteAliasCommand({ AliasName: 'alias/orders' }));
    expect(await failure(kmsA.send(new DeleteAliasCommand({ AliasName: 'alias/orders' })))).toMatchObject({
      name: 'NotFoundException',
      message: `Alias ${aliasArn} is not found.`,
    });
  });

  it('paginates ListAliases', async () => {
    const key = await newKey();
    for (let i = 0; i < 5; i++) await kmsA.send(new CreateAliasCommand({ AliasName: `alias/page-${i}`, TargetKeyId: key.KeyId }));
    const first = await kmsA.send(new ListAliasesCommand({ KeyId: key.Arn, Limit: 3 }));
    expect(first).toMatchObject({ Truncated: true });
    const second = await kmsA.send(new ListAliasesCommand({ KeyId: key.Arn, Limit: 3, Marker: first.NextMarker }));
    expect(second.Truncated).toBe(false);
    expect([...first.Aliases!, ...second.Aliases!].map((a) => a.AliasName)).toEqual([0, 1, 2, 3, 4].map((i) => `alias/page-${i}`));
    expect(await failure(kmsA.send(new ListAliasesCommand({ Marker: 'garbage' })))).toMatchObject({ name: 'InvalidMarkerException' });
  });
});

describe('key state', () => {
  it('disables, enables, schedules and cancels deletion', async () => {
    const key = await newKey();
    await kmsA.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect(await failure(kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') })))).toMatchObject({
      name: 'DisabledException',
      message: `${key.Arn} is disabled.`,
    });
    await kmsA.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') }));

    const scheduled = await kmsA.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    const days = (scheduled.DeletionDate!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    const described = (await kmsA.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    expect(described).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, PendingDeletionWindowInDays: 7 });
    expect(described.DeletionDate).toBeInstanceOf(Date);
    for (const command of [new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('x') }), new EnableKeyCommand({ KeyId: key.KeyId })]) {
      expect(await failure(kmsA.send(command as never))).toMatchObject({ name: 'KMSInvalidStateException', message: `${key.Arn} is pending deletion.` });
    }
    expect(await failure(kmsA.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] })))).toMatchObject({
      name: 'KMSInvalidStateException',
    });
    // Reading works in every state.
    await kmsA.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));

    expect(await kmsA.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }))).toMatchObject({ KeyId: key.Arn });
    const cancelled = (await kmsA.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    expect(cancelled.KeyState).toBe('Disabled');
    expect(cancelled.DeletionDate).toBeUndefined();
    expect(await failure(kmsA.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })))).toMatchObject({
      name: 'KMSInvalidStateException',
      message: `${key.Arn} is not pending deletion.`,
    });
  });

  it('defaults the waiting period to 30 days and validates it', async () => {
    const key = await newKey();
    expect((await kmsA.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }))).PendingWindowInDays).toBe(30);
    const other = await newKey();
    expect(await failure(kmsA.send(new ScheduleKeyDeletionCommand({ KeyId: other.KeyId, PendingWindowInDays: 6 })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7",
    });
  });

  it('keeps keys pending import from encrypting', async () => {
    const external = await newKey(kmsA, { Origin: 'EXTERNAL' });
    expect(await failure(kmsA.send(new EncryptCommand({ KeyId: external.KeyId, Plaintext: bytes('x') })))).toMatchObject({
      name: 'KMSInvalidStateException',
      message: `${external.Arn} is pending import.`,
    });
  });
});

describe('encryption', () => {
  let key: KeyMetadata;
  let other: KeyMetadata;
  beforeAll(async () => {
    key = await newKey();
    other = await newKey();
    await kmsA.send(new CreateAliasCommand({ AliasName: 'alias/crypto', TargetKeyId: key.KeyId }));
  });

  it('round-trips with an encryption context, with or without KeyId', async () => {
    const context = { tenant: 'acme', purpose: 'test' };
    const encrypted = await kmsA.send(new EncryptCommand({ KeyId: 'alias/crypto', Plaintext: bytes('secret'), EncryptionContext: context }));
    expect(encrypted).toMatchObject({ KeyId: key.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const reordered = { purpose: 'test', tenant: 'acme' };
    const withoutKeyId = await kmsA.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: reordered }));
    expect(text(withoutKeyId.Plaintext)).toBe('secret');
    expect(withoutKeyId.KeyId).toBe(key.Arn);
    const withKeyId = await kmsA.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context, KeyId: key.Arn }));
    expect(text(withKeyId.Plaintext)).toBe('secret');
  });

  it('refuses a different context, another key and garbage', async () => {
    const { CiphertextBlob } = await kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('secret'), EncryptionContext: { a: '1' } }));
    for (const context of [{ a: '2' }, {}, { a: '1', b: '2' }] as Record<string, string>[]) {
      expect((await failure(kmsA.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })))).name).toBe('InvalidCiphertextException');
    }
    expect(await failure(kmsA.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { a: '1' }, KeyId: other.KeyId })))).toMatchObject({
      name: 'IncorrectKeyException',
      message: 'The key ID in the request does not identify a CMK that can perform this operation.',
    });
    // KMS sends this error without a message; the SDK then reports "UnknownError".
    expect(await failure(kmsA.send(new DecryptCommand({ CiphertextBlob: bytes('not a ciphertext at all') })))).toMatchObject({
      name: 'InvalidCiphertextException',
      message: 'UnknownError',
    });
    const tampered = new Uint8Array(CiphertextBlob!);
    tampered[tampered.length - 1]! ^= 1;
    expect((await failure(kmsA.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: { a: '1' } })))).name).toBe(
      'InvalidCiphertextException',
    );
  });

  it('enforces the plaintext limits', async () => {
    expect(await failure(kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(4097) })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    });
  });

  it('generates data keys', async () => {
    const generated = await kmsA.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { k: 'v' } }));
    expect(generated.Plaintext).toHaveLength(32);
    const decrypted = await kmsA.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { k: 'v' } }));
    expect(decrypted.Plaintext).toEqual(generated.Plaintext);
    const withoutPlaintext = await kmsA.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 7 }));
    expect(withoutPlaintext).not.toHaveProperty('Plaintext');
    expect((await kmsA.send(new DecryptCommand({ CiphertextBlob: withoutPlaintext.CiphertextBlob }))).Plaintext).toHaveLength(7);
    expect(await failure(kmsA.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_128', NumberOfBytes: 16 })))).toMatchObject({
      name: 'ValidationException',
      message: 'Please specify either number of bytes or key spec.',
    });
  });

  it('refuses keys of the wrong type', async () => {
    const hmac = await newKey(kmsA, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(await failure(kmsA.send(new EncryptCommand({ KeyId: hmac.KeyId, Plaintext: bytes('x') })))).toMatchObject({
      name: 'InvalidKeyUsageException',
      message: `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.`,
    });
    const rsa = await newKey(kmsA, { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    expect(await failure(kmsA.send(new GenerateDataKeyCommand({ KeyId: rsa.KeyId, KeySpec: 'AES_256' })))).toMatchObject({
      name: 'InvalidKeyUsageException',
      message: 'You cannot generate a data key with an asymmetric CMK',
    });
  });

  it('re-encrypts under another key', async () => {
    const { CiphertextBlob } = await kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('moving'), EncryptionContext: { a: '1' } }));
    const moved = await kmsA.send(
      new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { a: '1' }, DestinationKeyId: other.Arn, DestinationEncryptionContext: { b: '2' } }),
    );
    expect(moved).toMatchObject({ SourceKeyId: key.Arn, KeyId: other.Arn });
    const decrypted = await kmsA.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { b: '2' } }));
    expect(text(decrypted.Plaintext)).toBe('moving');
    expect(decrypted.KeyId).toBe(other.Arn);
  });
});

describe('DryRun', () => {
  let key: KeyMetadata;
  let blob: Uint8Array;
  beforeAll(async () => {
    key = await newKey();
    blob = (await kmsA.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: bytes('dry') }))).CiphertextBlob!;
  });

  const calls = () => ({
    Encrypt: (kms: KMSClient) => kms.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('x'), DryRun: true })),
    Decrypt: (kms: KMSClient) => kms.send(new DecryptCommand({ CiphertextBlob: blob, DryRun: true })),
    'Decrypt IGNORE_CIPHERTEXT': (kms: KMSClient) => kms.send(new DecryptCommand({ KeyId: key.Arn, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    GenerateDataKey: (kms: KMSClient) => kms.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: 'AES_256', DryRun: true })),
    GenerateDataKeyWithoutPlaintext: (kms: KMSClient) =>
      kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.Arn, KeySpec: 'AES_256', DryRun: true })),
    ReEncrypt: (kms: KMSClient) => kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: key.Arn, DryRun: true })),
    CreateGrant: (kms: KMSClient) =>
      kms.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: nobody.arn, Operations: ['Decrypt'], DryRun: true })),
  });

  it('answers DryRunOperationException (HTTP 412) when the call would succeed', async () => {
    for (const [operation, call] of Object.entries(calls())) {
      expect({ operation, ...(await failure(call(kmsA))) }).toEqual({
        operation,
        name: 'DryRunOperationException',
        message: 'The request would have succeeded, but the DryRun option is set.',
        status: 412,
      });
    }
    expect((await kmsA.send(new ListGrantsCommand({ KeyId: key.Arn }))).Grants).toEqual([]);
  });

  it('answers AccessDeniedException when the caller lacks permission', async () => {
    for (const [operation, call] of Object.entries(calls())) {
      const error = await failure(call(kmsNobody));
      expect({ operation, name: error.name }).toEqual({ operation, name: 'AccessDeniedException' });
      expect(error.message).toContain(`User: ${nobody.arn} ${denyNobody}`);
    }
  });

  it('still validates the ciphertext unless told to ignore it', async () => {
    expect((await failure(kmsA.send(new DecryptCommand({ CiphertextBlob: bytes('garbage'), DryRun: true })))).name).toBe('InvalidCiphertextException');
    expect(await failure(kmsA.send(new DecryptCommand({ DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })))).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
  });

  it('names the ciphertext, not the key, when Decrypt without KeyId is denied', async () => {
    const error = await failure(kmsNobody.send(new DecryptCommand({ CiphertextBlob: blob })));
    expect(error.message).toBe(
      `User: ${nobody.arn} is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action`,
    );
  });
});

describe('grants', () => {
  it('lets a grantee use exactly the granted operations, within its constraints', async () => {
    const key = await newKey();
    const { GrantId, GrantToken } = await kmsA.send(
      new CreateGrantCommand({
        KeyId: key.Arn,
        GranteePrincipal: nobody.arn,
        RetiringPrincipal: adminA.arn,
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextEquals: { app: 'billing' } },
        Name: 'billing',
      }),
    );
    expect(GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(GrantToken).toBeTruthy();
    const { CiphertextBlob } = await kmsNobody.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('g'), EncryptionContext: { app: 'billing' } }));
    expect(text((await kmsNobody.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { app: 'billing' } }))).Plaintext)).toBe('g');
    expect((await failure(kmsNobody.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('g') })))).name).toBe('AccessDeniedException');
    expect((await failure(kmsNobody.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: 'AES_256', EncryptionContext: { app: 'billing' } }))))
      .name).toBe('AccessDeniedException');

    // Retrying with the same Name and parameters returns the same grant.
    const again = await kmsA.send(
      new CreateGrantCommand({
        KeyId: key.Arn,
        GranteePrincipal: nobody.arn,
        RetiringPrincipal: adminA.arn,
        Operations: ['Decrypt', 'Encrypt'],
        Constraints: { EncryptionContextEquals: { app: 'billing' } },
        Name: 'billing',
      }),
    );
    expect(again.GrantId).toBe(GrantId);
    const listed = await kmsA.send(new ListGrantsCommand({ KeyId: key.Arn }));
    expect(listed.Grants).toEqual([
      expect.objectContaining({
        KeyId: key.Arn,
        GrantId,
        Name: 'billing',
        GranteePrincipal: nobody.arn,
        RetiringPrincipal: adminA.arn,
        IssuingAccount: rootOf(accountA),
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextEquals: { app: 'billing' } },
      }),
    ]);
    const retirable = await kmsA.send(new ListRetirableGrantsCommand({ RetiringPrincipal: adminA.arn }));
    expect(retirable.Grants?.map((g) => g.GrantId)).toContain(GrantId);

    await kmsA.send(new RetireGrantCommand({ GrantToken: again.GrantToken }));
    expect((await kmsA.send(new ListGrantsCommand({ KeyId: key.Arn }))).Grants).toEqual([]);
    expect((await failure(kmsNobody.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('g'), EncryptionContext: { app: 'billing' } })))).name).toBe(
      'AccessDeniedException',
    );
  });

  it('validates grant operations and refuses retirement by strangers', async () => {
    const key = await newKey();
    expect(await failure(kmsA.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: nobody.arn, Operations: ['Fly' as never] })))).toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value '[Fly]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [Decrypt,"),
    });
    expect((await failure(kmsA.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: nobody.arn, Operations: ['Sign'] })))).name).toBe(
      'ValidationException',
    );
    const { GrantId } = await kmsA.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: adminB.arn, Operations: ['Decrypt'] }));
    expect((await failure(kmsNobody.send(new RetireGrantCommand({ KeyId: key.Arn, GrantId })))).name).toBe('AccessDeniedException');
    expect((await failure(kmsA.send(new RevokeGrantCommand({ KeyId: key.Arn, GrantId, DryRun: true })))).name).toBe('DryRunOperationException');
    await kmsA.send(new RevokeGrantCommand({ KeyId: key.Arn, GrantId }));
    expect((await failure(kmsA.send(new RevokeGrantCommand({ KeyId: key.Arn, GrantId })))).name).toBe('NotFoundException');
    await kmsA.send(new DisableKeyCommand({ KeyId: key.Arn }));
    expect((await failure(kmsA.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: nobody.arn, Operations: ['Decrypt'] })))).name).toBe(
      'DisabledException',
    );
  });

  it('paginates over more than 100 grants', async () => {
    const key = await newKey();
    const created = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const { GrantId } = await kmsA.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: nobody.arn, Operations: ['Decrypt'] }));
      created.add(GrantId!);
    }
    const first = await kmsA.send(new ListGrantsCommand({ KeyId: key.Arn }));
    expect(first.Grants).toHaveLength(50);
    expect(first.Truncated).toBe(true);
    const capped = await kmsA.send(new ListGrantsCommand({ KeyId: key.Arn, Limit: 500 }));
    expect(capped.Grants).toHaveLength(100);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListGrants({ client: kmsA, pageSize: 45 }, { KeyId: key.Arn })) {
      pages += 1;
      seen.push(...page.Grants!.map((g) => g.GrantId!));
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen)).toEqual(created);
    expect((await failure(kmsA.send(new ListGrantsCommand({ KeyId: key.Arn, Marker: 'bogus' })))).name).toBe('InvalidMarkerException');
    expect((await kmsA.send(new ListGrantsCommand({ KeyId: key.Arn, GrantId: seen[7] }))).Grants?.map((g) => g.GrantId)).toEqual([seen[7]]);
  });

  it('sets kms:GrantIsForAWSResource only for calls through an AWS service', async () => {
    const key = await newKey(kmsA, {
      Policy: policy([
        adminStatement(accountA),
        {
          Effect: 'Allow',
          Principal: { AWS: nobody.arn },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
      ]),
    });
    const request = { KeyId: key.Arn, GranteePrincipal: nobody.arn, Operations: ['Decrypt' as const] };
    expect((await failure(kmsNobody.send(new CreateGrantCommand(request)))).name).toBe('AccessDeniedException');
    const viaEc2 = client(nobody, '/via/ec2.us-east-1.amazonaws.com');
    expect((await viaEc2.send(new CreateGrantCommand(request))).GrantId).toBeTruthy();
  });
});

describe('tags', () => {
  it('tags, lists and untags keys', async () => {
    const key = await newKey(kmsA, { Tags: [{ TagKey: 'b', TagValue: '2' }] });
    await kmsA.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '3' }] }));
    expect((await kmsA.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([
      { TagKey: 'a', TagValue: '1' },
      { TagKey: 'b', TagValue: '3' },
    ]);
    await kmsA.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['a', 'missing'] }));
    expect((await kmsA.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([{ TagKey: 'b', TagValue: '3' }]);
    expect((await failure(kmsA.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })))).name).toBe('TagException');
  });
});

describe('cross-account use', () => {
  it('needs the key policy to allow the other account, and the key ARN', async () => {
    const key = await newKey();
    const obscured = (action: string, on = 'on this resource') =>
      `User: ${adminB.arn} is not authorized to perform: ${action} ${on} because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`;
    expect(await failure(kmsB.send(new DescribeKeyCommand({ KeyId: key.Arn })))).toMatchObject({
      name: 'AccessDeniedException',
      message: obscured('kms:DescribeKey'),
    });
    const { CiphertextBlob } = await kmsA.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('shared') }));
    expect(await failure(kmsB.send(new DecryptCommand({ CiphertextBlob })))).toMatchObject({
      name: 'AccessDeniedException',
      message: obscured('kms:Decrypt', 'on the resource associated with this ciphertext'),
    });

    const share = { Effect: 'Allow', Principal: { AWS: rootOf(accountB) }, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'], Resource: '*' };
    await kmsA.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy([adminStatement(accountA), share]) }));
    expect((await kmsB.send(new DescribeKeyCommand({ KeyId: key.Arn }))).KeyMetadata?.AWSAccountId).toBe(accountA);
    expect(text((await kmsB.send(new DecryptCommand({ CiphertextBlob }))).Plaintext)).toBe('shared');
    expect((await kmsB.send(new CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: adminB.arn, Operations: ['Decrypt'] }))).GrantId).toBeTruthy();

    // Key IDs and alias names are looked up in the caller's own account; management is never cross-account.
    expect((await failure(kmsB.send(new DescribeKeyCommand({ KeyId: key.KeyId })))).name).toBe('NotFoundException');
    expect((await failure(kmsB.send(new GetKeyPolicyCommand({ KeyId: key.Arn })))).name).toBe('NotFoundException');
    expect((await failure(kmsB.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes('x') })))).name).toBe('AccessDeniedException');
  });
});

describe('protocol', () => {
  const raw = (target: string, body: string) =>
    sendSigned(sandbox.endpoint, adminA.credentials, {
      service: 'kms',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${target}` },
      body,
    });

  it('answers unknown operations, malformed JSON and wrong types with AWS-shaped errors', async () => {
    const unknown = await raw('LaunchRockets', '{}');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ __type: 'UnknownOperationException' });
    const malformed = await raw('ListKeys', '{"Limit": ');
    expect(JSON.parse(malformed.body)).toMatchObject({ __type: 'SerializationException' });
    for (const body of ['{"KeyId": ["a"]}', '{"KeyId": 12}', '{"KeyId": {"a": 1}}']) {
      const wrong = await raw('DescribeKey', body);
      expect({ body, type: JSON.parse(wrong.body).__type, status: wrong.status }).toEqual({ body, type: 'SerializationException', status: 400 });
    }
    const key = await newKey();
    for (const body of [
      { KeyId: key.KeyId, GranteePrincipal: nobody.arn, Operations: 'Decrypt' },
      { KeyId: key.KeyId, GranteePrincipal: nobody.arn, Operations: ['Decrypt'], Constraints: [] },
      { KeyId: key.KeyId, GranteePrincipal: nobody.arn, Operations: [1] },
    ]) {
      const wrong = await raw('CreateGrant', JSON.stringify(body));
      expect(JSON.parse(wrong.body).__type).toBe('SerializationException');
    }
    const badBlob = await raw('Decrypt', '{"CiphertextBlob": "***"}');
    expect(JSON.parse(badBlob.body).__type).toBe('SerializationException');
    const nullKey = await raw('Encrypt', JSON.stringify({ KeyId: null, Plaintext: 'eA==' }));
    expect(JSON.parse(nullKey.body)).toEqual({
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    });
    expect(world.state.revision).toBeGreaterThan(0);
  });
});
