// CreateKey, DescribeKey and ListKeys. CreateKey is authorized by IAM policies alone (the key does not
// exist yet), applies the default key policy unless one is given, and creates AES-256 material for
// symmetric keys of origin AWS_KMS; keys of origin EXTERNAL start in PendingImport without material.
import { randomBytes } from 'node:crypto';
import { authorize } from '../authorize.js';
import { AwsError, validationError } from '../errors.js';
import { newKeyId, nowIso } from '../ids.js';
import type { KeyState } from '../state.js';
import { defaultKeyPolicy } from './default-key-policy.js';
import { checkGrantTokens } from './grant-tokens.js';
import { grantTokensRules, InputReader, keyIdRules, markerRules } from './input.js';
import { authorizeWithoutKey, denial, useKey } from './key-access.js';
import { customerMasterKeySpecs, keyMetadata, keySpecs, keyUsages, origins, usageAllowed } from './key-metadata.js';
import { checkNewKeyPolicy, policyRules } from './key-policy-checks.js';
import type { KmsCall, KmsOperation } from './kms-call.js';
import { paginate } from './pagination.js';
import { checkTags, readTags, requestTagContext, type Tag } from './tags.js';

interface CreateKeyRequest {
  readonly policy?: string;
  readonly description: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly origin: KeyState['origin'];
  readonly multiRegion: boolean;
  readonly bypass: boolean;
  readonly tags: Tag[];
}

function readCreateKey(call: KmsCall): CreateKeyRequest {
  const input = new InputReader(call.input);
  const policy = input.string('Policy', policyRules);
  const description = input.string('Description', { min: 0, max: 8192 });
  const keyUsage = input.string('KeyUsage', { enum: keyUsages });
  const masterKeySpec = input.string('CustomerMasterKeySpec', { enum: customerMasterKeySpecs });
  const keySpec = input.string('KeySpec', { enum: keySpecs });
  const origin = input.string('Origin', { enum: origins }) as KeyState['origin'] | undefined;
  const customKeyStoreId = input.string('CustomKeyStoreId', { min: 1, max: 64 });
  const bypass = input.boolean('BypassPolicyLockoutSafetyCheck') ?? false;
  const tags = readTags(input) ?? [];
  const multiRegion = input.boolean('MultiRegion') ?? false;
  const xksKeyId = input.string('XksKeyId', { min: 1, max: 128 });
  input.check();
  if (keySpec !== undefined && masterKeySpec !== undefined) {
    throw validationError('You cannot specify both KeySpec and CustomerMasterKeySpec. CustomerMasterKeySpec is deprecated; use KeySpec.');
  }
  const spec = keySpec ?? masterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const usage = keyUsage ?? 'ENCRYPT_DECRYPT';
  if (spec === 'SM2') throw new AwsError('UnsupportedOperationException', 'KeySpec SM2 is not supported in this Region');
  if (!usageAllowed(spec, usage)) throw validationError(`KeyUsage ${usage} is not compatible with KeySpec ${spec}.`);
  if (customKeyStoreId !== undefined || xksKeyId !== undefined || origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    throw new AwsError('UnsupportedOperationException', 'The sandbox has no custom key stores; use Origin AWS_KMS or EXTERNAL.');
  }
  checkTags(tags);
  return {
    ...(policy !== undefined ? { policy } : {}),
    description: description ?? '',
    keySpec: spec,
    keyUsage: usage,
    origin: origin ?? 'AWS_KMS',
    multiRegion,
    bypass,
    tags,
  };
}

/**
 * Tagging at creation also needs kms:TagResource in an IAM policy (KMS developer guide, "Tagging
 * keys"). It is evaluated on the ARN the key will have, under the default key policy, which only
 * delegates to IAM — so the IAM policies decide, whatever policy the new key gets.
 */
async function authorizeTaggingAtCreation(call: KmsCall, arn: string, tags: readonly Tag[]): Promise<void> {
  const outcome = await authorize(call.world.state, call.caller, {
    action: 'kms:TagResource',
    resourceArn: arn,
    resourceAccount: call.caller.accountId,
    resourcePolicy: { name: 'default', document: defaultKeyPolicy(call.caller.accountId) },
    context: { 'kms:CallerAccount': call.caller.accountId, ...requestTagContext(tags) },
  });
  if (outcome.decision !== 'Allowed') throw denial(call, 'kms:TagResource', arn, outcome);
}

const createKey: KmsOperation = async (call: KmsCall) => {
  const request = readCreateKey(call);
  const accountId = call.caller.accountId;
  const keyContext = {
    'kms:KeySpec': request.keySpec,
    'kms:KeyUsage': request.keyUsage,
    'kms:KeyOrigin': request.origin,
    'kms:MultiRegion': String(request.multiRegion),
    'kms:BypassPolicyLockoutSafetyCheck': String(request.bypass),
  };
  const keyId = request.multiRegion ? `mrk-${randomBytes(16).toString('hex')}` : newKeyId();
  const arn = `arn:aws:kms:${call.region}:${accountId}:key/${keyId}`;
  await authorizeWithoutKey(call, 'kms:CreateKey', '*', { ...keyContext, ...requestTagContext(request.tags) });
  if (request.tags.length > 0) await authorizeTaggingAtCreation(call, arn, request.tags);
  const key: KeyState = {
    arn,
    keyId,
    accountId,
    region: call.region,
    description: request.description,
    keyState: request.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    keyManager: 'CUSTOMER',
    keySpec: request.keySpec,
    keyUsage: request.keyUsage,
    origin: request.origin,
    multiRegion: request.multiRegion,
    creationDate: nowIso(),
    policy: request.policy ?? JSON.stringify(defaultKeyPolicy(accountId), null, 2),
    tags: request.tags,
    grants: [],
    ...(request.keySpec === 'SYMMETRIC_DEFAULT' && request.origin === 'AWS_KMS' ? { material: randomBytes(32).toString('base64') } : {}),
  };
  if (request.policy !== undefined) await checkNewKeyPolicy(call, request.policy, key, request.bypass);
  await call.world.mutate((draft) => {
    draft.keys[arn] = key;
  });
  return { KeyMetadata: keyMetadata(key) };
};

const describeKey: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const tokens = input.stringList('GrantTokens', grantTokensRules);
  input.check();
  checkGrantTokens(call.world.state, tokens);
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:DescribeKey',
    grantOperation: 'DescribeKey',
    crossAccount: 'key-or-alias-arn',
    usableIn: 'any',
    aliasAllowed: true,
  });
  return { KeyMetadata: keyMetadata(key) };
};

const listKeys: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const limit = input.integer('Limit', { min: 1, max: 1000 });
  const marker = input.string('Marker', markerRules);
  input.check();
  await authorizeWithoutKey(call, 'kms:ListKeys', '*');
  const { accountId } = call.caller;
  const keys = Object.values(call.world.state.keys).filter((k) => k.accountId === accountId && k.region === call.region);
  const page = paginate(keys, (k) => k.keyId, `ListKeys:${accountId}:${call.region}`, limit ?? 100, marker);
  return { Keys: page.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), ...page.fields };
};

export const keyManagementOperations: Readonly<Record<string, KmsOperation>> = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
};
