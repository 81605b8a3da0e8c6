// The `keys` section: customer and AWS managed KMS keys with their aliases and grants. What the file
// leaves out is filled in as KMS would: a key ID, the default key policy, usage from the key spec,
// key material for symmetric keys, a deletion date for keys pending deletion.
import { randomBytes } from 'node:crypto';
import { newGrantId, newGrantToken, newKeyId } from '../ids.js';
import { awsManagedKeyDescription, awsManagedKeyPolicy, awsManagedKeyServices, defaultKeyPolicy } from '../kms/default-key-policy.js';
import { grantOperations } from '../kms/grant-listing.js';
import { origins as keyOrigins, keySpecs, keyUsages, usagesOfSpec } from '../kms/key-metadata.js';
import type { GrantState, KeyState, KeyStateName } from '../state.js';
import { fieldPath, type JsonReader } from './json-reader.js';
import { readGrantPrincipal, readResourcePolicy } from './principal-references.js';
import type { ScenarioDraft } from './scenario-draft.js';

const keyStateNames = [
  'Creating',
  'Enabled',
  'Disabled',
  'PendingDeletion',
  'PendingImport',
  'PendingReplicaDeletion',
  'Unavailable',
  'Updating',
] as const satisfies readonly KeyStateName[];

const keyFields = [
  'account',
  'region',
  'keyId',
  'description',
  'state',
  'manager',
  'service',
  'spec',
  'usage',
  'origin',
  'multiRegion',
  'pendingWindowInDays',
  'aliases',
  'policy',
  'grants',
  'tags',
];

const formats = {
  keyId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  multiRegionKeyId: /^mrk-[0-9a-f]{32}$/,
  aliasName: /^alias\/[a-zA-Z0-9/_-]{1,250}$/,
  grantName: /^[a-zA-Z0-9:/_-]{1,256}$/,
};

export function readKey(draft: ScenarioDraft, item: unknown, path: string): void {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(item, path, [], keyFields);
  const account = draft.accountOf(entry, path);
  const region = entry.region === undefined ? draft.defaultRegion : reader.region(entry.region, fieldPath(path, 'region'));
  const manager = entry.manager === undefined ? 'CUSTOMER' : reader.oneOf(entry.manager, fieldPath(path, 'manager'), ['CUSTOMER', 'AWS'] as const);
  if (manager === 'AWS') {
    // The key ID may be pinned (AWS picks a random one, as for any key), so a scenario can name the key by its ARN.
    for (const field of ['policy', 'aliases', 'spec', 'usage', 'origin', 'multiRegion', 'pendingWindowInDays'] as const) {
      if (entry[field] !== undefined) reader.fail(fieldPath(path, field), 'cannot be set for an AWS managed key: AWS chooses it');
    }
  }
  const multiRegion = entry.multiRegion === undefined ? false : reader.boolean(entry.multiRegion, fieldPath(path, 'multiRegion'));
  const keyIdPath = fieldPath(path, 'keyId');
  const keyId =
    entry.keyId === undefined
      ? multiRegion
        ? `mrk-${randomBytes(16).toString('hex')}`
        : newKeyId()
      : multiRegion
        ? reader.string(entry.keyId, keyIdPath, { pattern: formats.multiRegionKeyId, hint: 'a multi-Region key ID (mrk- and 32 lowercase hex digits)' })
        : reader.string(entry.keyId, keyIdPath, { pattern: formats.keyId, hint: 'a key ID (a lowercase UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab)' });
  const arn = `arn:aws:kms:${region}:${account.id}:key/${keyId}`;
  if (draft.keys[arn]) reader.fail(keyIdPath, `another key already has the ID ${keyId} in account ${account.id}, ${region}`);
  const spec = entry.spec === undefined ? 'SYMMETRIC_DEFAULT' : reader.oneOf(entry.spec, fieldPath(path, 'spec'), keySpecs);
  // One list of specs and their usages, shared with CreateKey (kms/key-metadata.ts).
  const allowedUsages = usagesOfSpec(spec);
  const usage = entry.usage === undefined ? allowedUsages[0]! : reader.oneOf(entry.usage, fieldPath(path, 'usage'), keyUsages);
  if (!allowedUsages.includes(usage)) reader.fail(fieldPath(path, 'usage'), `a ${spec} key cannot have usage ${usage} (allowed: ${allowedUsages.join(', ')})`);
  const origin = entry.origin === undefined ? 'AWS_KMS' : reader.oneOf(entry.origin, fieldPath(path, 'origin'), keyOrigins);
  const statePath = fieldPath(path, 'state');
  const keyState = entry.state === undefined ? (origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled') : reader.oneOf(entry.state, statePath, keyStateNames);
  if (keyState === 'PendingImport' && origin !== 'EXTERNAL') reader.fail(statePath, 'only a key with origin EXTERNAL can be PendingImport');
  if (keyState === 'PendingReplicaDeletion' && !multiRegion) reader.fail(statePath, 'only a multi-Region key can be PendingReplicaDeletion');
  if (manager === 'AWS' && keyState !== 'Enabled') reader.fail(statePath, 'an AWS managed key is always Enabled');
  const pendingDeletion = keyState === 'PendingDeletion' || keyState === 'PendingReplicaDeletion';
  const pendingWindowPath = fieldPath(path, 'pendingWindowInDays');
  if (entry.pendingWindowInDays !== undefined && !pendingDeletion) {
    reader.fail(pendingWindowPath, 'applies only to a key whose state is PendingDeletion or PendingReplicaDeletion');
  }
  const pendingWindowInDays = !pendingDeletion
    ? undefined
    : entry.pendingWindowInDays === undefined
      ? 30
      : reader.integer(entry.pendingWindowInDays, pendingWindowPath, 7, 30);

  let service: string | undefined;
  let policy: string;
  if (manager === 'AWS') {
    if (entry.service === undefined) reader.fail(fieldPath(path, 'service'), `is required for an AWS managed key (one of ${awsManagedKeyServices.join(', ')})`);
    service = reader.oneOf(entry.service, fieldPath(path, 'service'), awsManagedKeyServices);
    policy = JSON.stringify(awsManagedKeyPolicy(account.id, service, region), null, 2);
  } else {
    if (entry.service !== undefined) reader.fail(fieldPath(path, 'service'), 'applies only to AWS managed keys ("manager": "AWS")');
    policy =
      entry.policy === undefined
        ? JSON.stringify(defaultKeyPolicy(account.id), null, 2)
        : readResourcePolicy(draft, entry.policy, fieldPath(path, 'policy'));
  }

  // Material exists for symmetric encryption keys, except imported-material keys still waiting for it.
  const hasMaterial = spec === 'SYMMETRIC_DEFAULT' && keyState !== 'PendingImport';
  const key: KeyState = {
    arn,
    keyId,
    accountId: account.id,
    region,
    description:
      entry.description !== undefined ? reader.string(entry.description, fieldPath(path, 'description')) : service ? awsManagedKeyDescription(service) : '',
    keyState,
    keyManager: manager,
    keySpec: spec,
    keyUsage: usage,
    origin,
    multiRegion,
    creationDate: draft.created,
    ...(pendingWindowInDays !== undefined ? { pendingWindowInDays, deletionDate: isoSeconds(Date.now() + pendingWindowInDays * 86_400_000) } : {}),
    policy,
    tags: Object.entries(draft.tagsOf(entry, path)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    grants: [],
    ...(hasMaterial ? { material: randomBytes(32).toString('base64') } : {}),
  };
  draft.keys[arn] = key;

  if (service) {
    addAlias(draft, `alias/aws/${service}`, key, fieldPath(path, 'service'));
  } else if (entry.aliases !== undefined) {
    const aliasesPath = fieldPath(path, 'aliases');
    reader.stringArray(entry.aliases, aliasesPath).forEach((aliasName, index) => {
      const aliasPath = fieldPath(aliasesPath, index);
      reader.string(aliasName, aliasPath, { pattern: formats.aliasName, hint: 'an alias name such as alias/orders-data' });
      if (aliasName.startsWith('alias/aws/')) reader.fail(aliasPath, 'alias/aws/ names are reserved for AWS managed keys');
      addAlias(draft, aliasName, key, aliasPath);
    });
  }
  if (entry.grants !== undefined) key.grants = reader.array(entry.grants, fieldPath(path, 'grants'), (grant, grantPath) => readGrant(draft, grant, grantPath, key));
}

function addAlias(draft: ScenarioDraft, aliasName: string, key: KeyState, path: string): void {
  const aliasArn = `arn:aws:kms:${key.region}:${key.accountId}:${aliasName}`;
  if (draft.aliases[aliasArn]) draft.reader.fail(path, `${aliasName} already names another key in account ${key.accountId}, ${key.region}`);
  draft.aliases[aliasArn] = {
    aliasName,
    aliasArn,
    targetKeyId: key.keyId,
    accountId: key.accountId,
    region: key.region,
    creationDate: draft.created,
    lastUpdatedDate: draft.created,
  };
}

function readGrant(draft: ScenarioDraft, item: unknown, path: string, key: KeyState): GrantState {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(item, path, ['granteePrincipal', 'operations'], ['name', 'retiringPrincipal', 'constraints', 'notEffectiveForSeconds']);
  let constraints: GrantState['constraints'];
  if (entry.constraints !== undefined) {
    const constraintsPath = fieldPath(path, 'constraints');
    const raw = reader.object(entry.constraints, constraintsPath, [], ['EncryptionContextSubset', 'EncryptionContextEquals']);
    const kinds = (['EncryptionContextSubset', 'EncryptionContextEquals'] as const).filter((kind) => raw[kind] !== undefined);
    if (kinds.length !== 1) reader.fail(constraintsPath, 'must hold exactly one of EncryptionContextSubset or EncryptionContextEquals');
    constraints = { [kinds[0]!]: reader.stringMap(raw[kinds[0]!], fieldPath(constraintsPath, kinds[0]!)) };
  }
  return {
    grantId: newGrantId(),
    keyArn: key.arn,
    ...(entry.name !== undefined ? { name: reader.string(entry.name, fieldPath(path, 'name'), { pattern: formats.grantName, hint: 'a grant name' }) } : {}),
    granteePrincipal: readGrantPrincipal(draft, entry.granteePrincipal, fieldPath(path, 'granteePrincipal')),
    ...(entry.retiringPrincipal !== undefined ? { retiringPrincipal: readGrantPrincipal(draft, entry.retiringPrincipal, fieldPath(path, 'retiringPrincipal')) } : {}),
    issuingAccount: `arn:aws:iam::${key.accountId}:root`,
    operations: reader.stringArray(entry.operations, fieldPath(path, 'operations'), grantOperations, { nonEmpty: true }),
    ...(constraints ? { constraints } : {}),
    // A grant still propagating was made as the scenario starts; the others a day before, with the world.
    creationDate: entry.notEffectiveForSeconds !== undefined ? draft.loaded : draft.created,
    grantToken: newGrantToken(),
    ...(entry.notEffectiveForSeconds !== undefined
      ? { effectiveAt: isoSeconds(Date.parse(draft.loaded) + 1000 * reader.integer(entry.notEffectiveForSeconds, fieldPath(path, 'notEffectiveForSeconds'), 1, maxPropagationSeconds)) }
      : {}),
  };
}

/**
 * A new grant is usually in effect everywhere within five minutes (KMS developer guide, "Eventual
 * consistency"; CreateGrant: "usually less than five minutes"): a scenario may hold one back that long.
 */
const maxPropagationSeconds = 300;

/** A date as KMS shows it: ISO 8601 to the second. */
const isoSeconds = (epochMs: number): string => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
