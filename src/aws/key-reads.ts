// The key as KMS shows it: DescribeKey, GetKeyPolicy and ListGrants turned into KeyFacts,
// KeyPolicyFacts and GrantFacts, and ListAliases and ListResourceTags turned into the key's alias names
// and tags (for kms:ResourceAliases and aws:ResourceTag conditions). Each function is one read (all its pages).
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  paginateListAliases,
  paginateListGrants,
  paginateListResourceTags,
  type GrantListEntry,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import type { GrantFacts, KeyFacts, KeyPolicyFacts, KeyStateName, Observation } from '../engine/facts.js';
import { parseArn, regionNamedBy, type KeyRef } from '../engine/identifiers.js';
import { parsePolicy, readCall } from './aws-call.js';
import type { AwsClientSet } from './aws-session.js';

const isoDate = (date: Date | undefined): string | undefined => (date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined);

export function keyFactsFrom(metadata: KeyMetadata, fallbackRegion: string): KeyFacts {
  const arn = metadata.Arn ?? '';
  const parts = parseArn(arn);
  const deletionDate = isoDate(metadata.DeletionDate);
  return {
    arn,
    keyId: metadata.KeyId ?? '',
    accountId: metadata.AWSAccountId ?? parts?.account ?? '',
    region: parts?.region || fallbackRegion,
    state: (metadata.KeyState ?? 'Unavailable') as KeyStateName,
    enabled: metadata.Enabled ?? false,
    manager: metadata.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER',
    spec: metadata.KeySpec ?? metadata.CustomerMasterKeySpec ?? '',
    usage: metadata.KeyUsage ?? '',
    origin: metadata.Origin ?? '',
    multiRegion: metadata.MultiRegion ?? false,
    description: metadata.Description ?? '',
    ...(deletionDate !== undefined ? { deletionDate } : {}),
  };
}

/** The Region KMS is asked in for a key: the ARN's, else the Region of the call. */
export const lookupRegion = (key: KeyRef, callRegion: string): string => regionNamedBy(key) ?? callRegion;

/**
 * DescribeKey with the key as the user named it. KMS resolves a key ID or alias name in the caller's
 * own account, so "not found" for one of those may mean the key lives in another account: the message
 * says so, because that is the fix the user needs.
 */
export async function describeKey(clients: AwsClientSet, key: KeyRef, callRegion: string, callerAccount: () => Promise<string | undefined>): Promise<Observation<KeyFacts>> {
  const region = lookupRegion(key, callRegion);
  const context = { call: 'kms:DescribeKey', endpoint: clients.endpoint('kms', region) };
  const read = await readCall(context, async () => {
    const output = await clients.kms(region).send(new DescribeKeyCommand({ KeyId: key.text }));
    if (!output.KeyMetadata) throw Object.assign(new Error('DescribeKey returned no KeyMetadata'), { name: 'EmptyResponse' });
    return keyFactsFrom(output.KeyMetadata, region);
  });
  if (read.status === 'unreadable' && read.reason === 'not-found' && (key.kind === 'key-id' || key.kind === 'alias-name')) {
    const account = await callerAccount();
    const where = account ? `account ${account}` : "the caller's account";
    return {
      ...read,
      message: `${read.message} (${key.text} was looked up in ${where}, Region ${region}: key IDs and alias names always refer to the caller's own account; name a key in another account by its key ARN)`,
    };
  }
  return read;
}

/** The key policy; KMS keys have exactly one, named "default". */
export function getKeyPolicy(clients: AwsClientSet, region: string, keyId: string): Promise<Observation<KeyPolicyFacts>> {
  return readCall({ call: 'kms:GetKeyPolicy', endpoint: clients.endpoint('kms', region) }, async () => {
    const output = await clients.kms(region).send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    const text = output.Policy ?? '';
    return { text, document: parsePolicy(text) };
  });
}

function grantFactsFrom(grant: GrantListEntry): GrantFacts {
  const creationDate = isoDate(grant.CreationDate);
  const subset = grant.Constraints?.EncryptionContextSubset;
  const equals = grant.Constraints?.EncryptionContextEquals;
  return {
    grantId: grant.GrantId ?? '',
    ...(grant.Name ? { name: grant.Name } : {}),
    granteePrincipal: grant.GranteePrincipal ?? grant.GranteeServicePrincipal ?? '',
    ...(grant.RetiringPrincipal ? { retiringPrincipal: grant.RetiringPrincipal } : {}),
    operations: grant.Operations ?? [],
    ...(subset || equals
      ? { constraints: { ...(subset ? { encryptionContextSubset: subset } : {}), ...(equals ? { encryptionContextEquals: equals } : {}) } }
      : {}),
    ...(grant.IssuingAccount ? { issuingAccount: grant.IssuingAccount } : {}),
    ...(creationDate !== undefined ? { creationDate } : {}),
  };
}

/**
 * The key's grants whose grantee is `granteePrincipal` (KMS filters by exact grantee ARN), all pages
 * (100 per page, KMS's maximum, to keep round trips few). Only these can decide the principal's
 * request, so a key with thousands of grants for others costs one round trip, not one per 100 grants.
 */
export function listGrants(clients: AwsClientSet, region: string, keyId: string, granteePrincipal: string): Promise<Observation<readonly GrantFacts[]>> {
  return readCall({ call: 'kms:ListGrants', endpoint: clients.endpoint('kms', region) }, async () => {
    const grants: GrantFacts[] = [];
    for await (const page of paginateListGrants({ client: clients.kms(region), pageSize: 100 }, { KeyId: keyId, GranteePrincipal: granteePrincipal })) {
      grants.push(...(page.Grants ?? []).map(grantFactsFrom));
    }
    return grants;
  });
}

/** The alias names (alias/…) that point at the key: ListAliases with KeyId, all pages (100 per page). */
export function listKeyAliases(clients: AwsClientSet, region: string, keyId: string): Promise<Observation<readonly string[]>> {
  return readCall({ call: 'kms:ListAliases', endpoint: clients.endpoint('kms', region) }, async () => {
    const names: string[] = [];
    for await (const page of paginateListAliases({ client: clients.kms(region), pageSize: 100 }, { KeyId: keyId })) {
      for (const alias of page.Aliases ?? []) if (alias.AliasName) names.push(alias.AliasName);
    }
    return names;
  });
}

/** The key's tags as a map: ListResourceTags, all pages (50 per page, KMS's maximum). */
export function listKeyTags(clients: AwsClientSet, region: string, keyId: string): Promise<Observation<Readonly<Record<string, string>>>> {
  return readCall({ call: 'kms:ListResourceTags', endpoint: clients.endpoint('kms', region) }, async () => {
    const tags: Record<string, string> = {};
    for await (const page of paginateListResourceTags({ client: clients.kms(region), pageSize: 50 }, { KeyId: keyId })) {
      for (const tag of page.Tags ?? []) if (tag.TagKey !== undefined) tags[tag.TagKey] = tag.TagValue ?? '';
    }
    return tags;
  });
}
