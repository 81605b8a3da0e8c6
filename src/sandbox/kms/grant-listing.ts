// ListGrants and ListRetirableGrants, and the grant structure both return. Grants are listed in
// creation order; Limit is 1–100 (default 50) as documented, larger values up to the model's 1000 are capped.
import type { GrantState, KeyState } from '../state.js';
import { InputReader, keyIdRules, markerRules, principalRules } from './input.js';
import { authorizeWithoutKey, epochSeconds, useKey } from './key-access.js';
import type { KmsCall, KmsOperation } from './kms-call.js';
import { paginate } from './pagination.js';

/** Grant operations a grant may allow (the KMS GrantOperation enum). */
export const grantOperations = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
] as const;

/** KMS shows the issuing account as its root ARN; a bare account ID from a scenario is shown that way too. */
const issuingAccountArn = (value: string) => (/^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value);

export function grantView(grant: GrantState): Record<string, unknown> {
  return {
    KeyId: grant.keyArn,
    GrantId: grant.grantId,
    ...(grant.name !== undefined ? { Name: grant.name } : {}),
    CreationDate: epochSeconds(grant.creationDate),
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal !== undefined ? { RetiringPrincipal: grant.retiringPrincipal } : {}),
    IssuingAccount: issuingAccountArn(grant.issuingAccount),
    Operations: grant.operations,
    ...(grant.constraints !== undefined ? { Constraints: grant.constraints } : {}),
  };
}

const creationOrder = (grant: GrantState) => `${grant.creationDate}|${grant.grantId}`;
const pageSize = (limit: number | undefined) => Math.min(limit ?? 50, 100);

const listGrants: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const limit = input.integer('Limit', { min: 1, max: 1000 });
  const marker = input.string('Marker', markerRules);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const grantId = input.string('GrantId', { min: 1, max: 128 });
  const grantee = input.string('GranteePrincipal', principalRules);
  input.check();
  const { key } = await useKey(call, { keyId: keyId!, action: 'kms:ListGrants', crossAccount: 'key-arn', usableIn: 'any' });
  const grants = key.grants.filter((g) => (grantId === undefined || g.grantId === grantId) && (grantee === undefined || g.granteePrincipal === grantee));
  const page = paginate(grants, creationOrder, `ListGrants:${key.arn}:${grantId ?? ''}:${grantee ?? ''}`, pageSize(limit), marker);
  return { Grants: page.items.map(grantView), ...page.fields };
};

const listRetirableGrants: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const limit = input.integer('Limit', { min: 1, max: 1000 });
  const marker = input.string('Marker', markerRules);
  const retiring = input.string('RetiringPrincipal', { required: true, ...principalRules });
  input.check();
  await authorizeWithoutKey(call, 'kms:ListRetirableGrants', '*');
  const { accountId } = call.caller;
  const principalAccount = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(retiring!)?.[1] ?? retiring;
  // Grants of this Region whose key or retiring principal belongs to the caller's account.
  const visible = (key: KeyState) => key.region === call.region && (key.accountId === accountId || principalAccount === accountId);
  const grants = Object.values(call.world.state.keys)
    .filter(visible)
    .flatMap((key) => key.grants.filter((g) => g.retiringPrincipal === retiring));
  const page = paginate(grants, creationOrder, `ListRetirableGrants:${accountId}:${call.region}:${retiring}`, pageSize(limit), marker);
  return { Grants: page.items.map(grantView), ...page.fields };
};

export const grantListingOperations: Readonly<Record<string, KmsOperation>> = {
  ListGrants: listGrants,
  ListRetirableGrants: listRetirableGrants,
};
