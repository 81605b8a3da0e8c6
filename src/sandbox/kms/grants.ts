// CreateGrant, RevokeGrant and RetireGrant. Grants take effect at once in the sandbox (AWS's
// eventual consistency is not modelled). Who may retire a grant follows the KMS developer guide
// ("Retiring and revoking grants"): its retiring principal, its grantee when the grant allows
// RetireGrant, or a principal that policies allow kms:RetireGrant.
import { AwsError, validationError } from '../errors.js';
import { newGrantId, nowIso } from '../ids.js';
import type { GrantState, KeyState } from '../state.js';
import type { Caller } from '../caller.js';
import { checkGrantTokens, findGrantByToken, newGrantTokenFor } from './grant-tokens.js';
import { grantOperations } from './grant-listing.js';
import { grantTokensRules, InputReader, keyIdRules, principalRules } from './input.js';
import { dryRunSucceeded, mutateKey, rejectAlias, useKey } from './key-access.js';
import { enabledOnly, resolveKey } from './key-authorization.js';
import type { KmsCall, KmsOperation } from './kms-call.js';

const grantNameRules = { min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ } as const;
const always = ['CreateGrant', 'RetireGrant', 'DescribeKey'];

/** Grant operations each kind of key supports (KMS developer guide, "Grant operations"). */
function supportedOperations(key: KeyState): readonly string[] {
  switch (key.keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return key.keySpec === 'SYMMETRIC_DEFAULT'
        ? [...always, 'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext']
        : [...always, 'Decrypt', 'Encrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey'];
    case 'SIGN_VERIFY':
      return [...always, 'Sign', 'Verify', 'GetPublicKey'];
    case 'GENERATE_VERIFY_MAC':
      return [...always, 'GenerateMac', 'VerifyMac'];
    case 'KEY_AGREEMENT':
      return [...always, 'DeriveSharedSecret', 'GetPublicKey'];
    default:
      return always;
  }
}

type Constraints = NonNullable<GrantState['constraints']>;

function readConstraints(input: InputReader): Constraints | undefined {
  const structure = input.structure('Constraints');
  if (!structure) return undefined;
  const subset = input.mapOf(structure.EncryptionContextSubset);
  const equals = input.mapOf(structure.EncryptionContextEquals);
  return { ...(subset !== undefined ? { EncryptionContextSubset: subset } : {}), ...(equals !== undefined ? { EncryptionContextEquals: equals } : {}) };
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** A retried CreateGrant with the same Name and parameters returns the existing grant. */
function sameGrant(grant: GrantState, wanted: Omit<GrantState, 'grantId' | 'creationDate' | 'grantToken' | 'issuingAccount'>): boolean {
  return (
    grant.name === wanted.name &&
    grant.granteePrincipal === wanted.granteePrincipal &&
    grant.retiringPrincipal === wanted.retiringPrincipal &&
    [...grant.operations].sort().join() === [...wanted.operations].sort().join() &&
    sameMap(grant.constraints?.EncryptionContextSubset, wanted.constraints?.EncryptionContextSubset) &&
    sameMap(grant.constraints?.EncryptionContextEquals, wanted.constraints?.EncryptionContextEquals)
  );
}

const createGrant: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const grantee = input.string('GranteePrincipal', { required: true, ...principalRules });
  const retiring = input.string('RetiringPrincipal', principalRules);
  const operations = input.stringList('Operations', { required: true, min: 1, member: { enum: grantOperations } });
  const constraints = readConstraints(input);
  const tokens = input.stringList('GrantTokens', grantTokensRules);
  const name = input.string('Name', grantNameRules);
  const dryRun = input.boolean('DryRun') ?? false;
  input.check();
  rejectAlias(keyId!);
  checkGrantTokens(call.world.state, tokens);
  const constraintType = constraints?.EncryptionContextEquals ? 'EncryptionContextEquals' : constraints?.EncryptionContextSubset ? 'EncryptionContextSubset' : undefined;
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:CreateGrant',
    grantOperation: 'CreateGrant',
    crossAccount: 'key-arn',
    usableIn: enabledOnly,
    // A grant's CreateGrant permission covers only grants within it (no wider operations or constraints).
    childGrant: {
      operations: operations!,
      ...(constraints?.EncryptionContextEquals ? { encryptionContextEquals: constraints.EncryptionContextEquals } : {}),
      ...(constraints?.EncryptionContextSubset ? { encryptionContextSubset: constraints.EncryptionContextSubset } : {}),
    },
    context: {
      'kms:GrantOperations': operations!,
      'kms:GranteePrincipal': grantee!,
      ...(retiring !== undefined ? { 'kms:RetiringPrincipal': retiring } : {}),
      ...(constraintType !== undefined ? { 'kms:GrantConstraintType': constraintType } : {}),
      // Only a grant an AWS service creates on the caller's behalf is "for an AWS resource".
      ...(call.viaService !== undefined ? { 'kms:GrantIsForAWSResource': 'true' } : {}),
    },
  });
  const unsupported = operations!.filter((op) => !supportedOperations(key).includes(op));
  if (unsupported.length > 0) {
    throw validationError(`Grant operations [${unsupported.join(', ')}] are not supported for a ${key.keySpec} key with key usage ${key.keyUsage}.`);
  }
  if (dryRun) throw dryRunSucceeded();
  const wanted = {
    keyArn: key.arn,
    ...(name !== undefined ? { name } : {}),
    granteePrincipal: grantee!,
    ...(retiring !== undefined ? { retiringPrincipal: retiring } : {}),
    operations: operations!,
    ...(constraints !== undefined ? { constraints } : {}),
  };
  return mutateKey(call, key.arn, (draft) => {
    const existing = name !== undefined ? draft.grants.find((g) => sameGrant(g, wanted)) : undefined;
    if (existing) return { GrantToken: newGrantTokenFor(existing.grantId), GrantId: existing.grantId };
    const grantId = newGrantId();
    const grantToken = newGrantTokenFor(grantId);
    draft.grants.push({ ...wanted, grantId, grantToken, issuingAccount: `arn:aws:iam::${call.caller.accountId}:root`, creationDate: nowIso() });
    return { GrantToken: grantToken, GrantId: grantId };
  });
};

function grantNotFound(grantId: string): AwsError {
  return /^[0-9a-f]{64}$/.test(grantId)
    ? new AwsError('NotFoundException', `Grant ID ${grantId} not found`)
    : new AwsError('InvalidGrantIdException', `Invalid grant ID ${grantId}`);
}

function findGrant(key: KeyState, grantId: string): GrantState {
  const grant = key.grants.find((g) => g.grantId === grantId);
  if (!grant) throw grantNotFound(grantId);
  return grant;
}

function removeGrant(call: KmsCall, keyArn: string, grantId: string): Promise<void> {
  return mutateKey(call, keyArn, (draft) => {
    findGrant(draft, grantId);
    draft.grants = draft.grants.filter((g) => g.grantId !== grantId);
  });
}

const revokeGrant: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const grantId = input.string('GrantId', { required: true, min: 1, max: 128 });
  const dryRun = input.boolean('DryRun') ?? false;
  input.check();
  const { key } = await useKey(call, { keyId: keyId!, action: 'kms:RevokeGrant', crossAccount: 'key-arn', usableIn: 'any' });
  findGrant(key, grantId!);
  if (dryRun) throw dryRunSucceeded();
  await removeGrant(call, key.arn, grantId!);
  return {};
};

const isCaller = (principal: string | undefined, caller: Caller) => principal !== undefined && (principal === caller.principalArn || principal === caller.arn);

const retireGrant: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const token = input.string('GrantToken', { min: 1, max: 8192 });
  const keyId = input.string('KeyId', keyIdRules);
  const grantId = input.string('GrantId', { min: 1, max: 128 });
  const dryRun = input.boolean('DryRun') ?? false;
  input.check();
  const state = call.world.state;
  let target: { key: KeyState; grant: GrantState };
  if (token !== undefined) {
    const found = findGrantByToken(state, token);
    if (!found) {
      checkGrantTokens(state, [token]);
      throw new AwsError('NotFoundException', 'The grant this token refers to no longer exists.');
    }
    target = found;
  } else {
    if (keyId === undefined || grantId === undefined) throw validationError('Grant token OR (grant ID, key ID) must be specified');
    rejectAlias(keyId);
    const { key } = resolveKey(state, call, keyId, 'key-arn');
    target = { key, grant: findGrant(key, grantId) };
  }
  const { key, grant } = target;
  const byGrant = isCaller(grant.retiringPrincipal, call.caller) || (isCaller(grant.granteePrincipal, call.caller) && grant.operations.includes('RetireGrant'));
  if (!byGrant) await useKey(call, { keyId: key.arn, action: 'kms:RetireGrant', crossAccount: 'key-arn', usableIn: 'any' });
  if (dryRun) throw dryRunSucceeded();
  await removeGrant(call, key.arn, grant.grantId);
  return {};
};

export const grantOperationsByName: Readonly<Record<string, KmsOperation>> = {
  CreateGrant: createGrant,
  RevokeGrant: revokeGrant,
  RetireGrant: retireGrant,
};
