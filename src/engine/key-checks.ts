// The key before any policy: was the identifier one KMS can resolve for this caller (Region, account,
// identifier form), does its state let the operation run, and is it an AWS managed key used from
// another account. Each of these refuses the call whatever the policies say.
import type { Cause, CauseCode, CauseLayer, Evidence } from './cause.js';
import { list, type Scope } from './diagnosis-scope.js';
import type { KeyFacts } from './facts.js';
import { accountNamedBy, aliasNamedBy, isCrossAccount, regionNamedBy } from './identifiers.js';

/** Actions a key in another account accepts, and with which identifiers (KMS-DENIALS XA-2, XA-3). */
const crossAccountByArnOrAlias = new Set(
  [
    'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
    'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'Sign', 'Verify', 'GenerateMac', 'VerifyMac',
    'GetPublicKey', 'DeriveSharedSecret', 'DescribeKey',
  ].map((a) => `kms:${a.toLowerCase()}`),
);
const crossAccountByKeyArnOnly = new Set(
  ['CreateGrant', 'ListGrants', 'RevokeGrant', 'RetireGrant', 'GetKeyRotationStatus'].map((a) => `kms:${a.toLowerCase()}`),
);

/** Actions KMS refuses unless the key is Enabled (the sandbox's enabledOnly; KMS developer guide "Key states"). */
const enabledOnly = new Set(
  [...crossAccountByArnOrAlias, 'kms:creategrant'].filter((a) => a !== 'kms:describekey'),
);
const notPendingDeletion = new Set(['kms:schedulekeydeletion', 'kms:createalias', 'kms:updatealias', 'kms:tagresource', 'kms:untagresource']);
const enableDisable = new Set(['kms:enablekey', 'kms:disablekey']);

function usableInState(action: string, state: KeyFacts['state']): boolean {
  const a = action.toLowerCase();
  if (enabledOnly.has(a)) return state === 'Enabled';
  if (enableDisable.has(a)) return state === 'Enabled' || state === 'Disabled' || state === 'Unavailable';
  if (notPendingDeletion.has(a)) return state !== 'PendingDeletion' && state !== 'PendingReplicaDeletion';
  return true;
}

export function keyNotFoundCause(scope: Scope): Cause | undefined {
  const { facts, key, subject } = scope;
  const reference = facts.request.key;
  const { region } = facts.request;
  const keyInput = reference.text;
  const actions = scope.actions;
  const input: Evidence = { what: 'Key identifier used', value: keyInput, source: 'request' };
  const make = (summary: string, evidence: Evidence[], code: CauseCode = 'key-not-found', layer: CauseLayer = 'key-identifier'): Cause => ({
    code,
    layer,
    summary,
    actions,
    evidence: [input, ...evidence],
  });
  const callRegion: Evidence = { what: 'Region of the call', value: region, source: 'request' };

  const arnRegion = regionNamedBy(reference);
  if (arnRegion !== undefined && arnRegion !== region) {
    return make(
      `The key ARN names Region ${arnRegion}, but the call is made in ${region}; KMS keys exist in one Region only, so KMS answers that the key does not exist.`,
      [{ what: 'Region in the ARN', value: arnRegion }, callRegion],
      'wrong-region',
      'request',
    );
  }
  if (key !== undefined && key.region !== region) {
    return make(
      `The key is in Region ${key.region}, but the call is made in ${region}; KMS keys exist in one Region only, so KMS answers that the key does not exist.`,
      [{ what: 'Region of the key', value: key.region, source: 'kms:DescribeKey' }, callRegion],
      'wrong-region',
      'request',
    );
  }
  const callerAccount = subject?.accountId;
  const ownerAccount = key?.accountId ?? accountNamedBy(reference);
  const crossAccount = isCrossAccount(callerAccount, ownerAccount);
  if (crossAccount && (reference.kind === 'alias-name' || reference.kind === 'key-id')) {
    const what = reference.kind === 'alias-name' ? 'an alias name' : 'a key ID';
    return make(
      `KMS looks up ${what} in the caller's own account (${callerAccount}), but this key belongs to account ${ownerAccount}; a key in another account must be named by its key ARN${reference.kind === 'alias-name' ? ' or alias ARN' : ''}.`,
      [
        { what: 'Account of the key', value: ownerAccount, source: key ? 'kms:DescribeKey' : 'key ARN' },
        { what: 'Account of the caller', value: callerAccount },
        ...(key ? [{ what: 'Key ARN to use', value: key.arn, source: 'kms:DescribeKey' }] : []),
      ],
      'alias-cross-account',
    );
  }
  if (crossAccount && facts.request.operation.viaService === undefined) {
    const notCrossAccount = actions.filter((a) => !crossAccountByArnOrAlias.has(a.toLowerCase()) && !crossAccountByKeyArnOnly.has(a.toLowerCase()));
    if (notCrossAccount.length > 0) {
      return make(
        `${list(notCrossAccount)} cannot be used on a key in another account (the key is in ${ownerAccount}, the caller in ${callerAccount}); run it with credentials in the key's account.`,
        [{ what: 'Account of the key', value: ownerAccount }, { what: 'Account of the caller', value: callerAccount }, { what: 'Operations that work across accounts', value: 'cryptographic operations, DescribeKey, GetPublicKey, CreateGrant, ListGrants, RevokeGrant, RetireGrant, GetKeyRotationStatus' }],
        'operation-not-cross-account',
      );
    }
    const keyArnOnly = actions.filter((a) => crossAccountByKeyArnOnly.has(a.toLowerCase()));
    if (reference.kind === 'alias-arn' && keyArnOnly.length > 0) {
      return make(
        `${list(keyArnOnly)} on a key in another account accept only the key ARN: KMS refuses an alias ARN for them (InvalidArnException or NotFoundException), even though the cryptographic operations accept it.`,
        [{ what: 'Account of the key', value: ownerAccount }, { what: 'Account of the caller', value: callerAccount }, ...(key ? [{ what: 'Key ARN to use', value: key.arn }] : [])],
        'alias-cross-account',
      );
    }
  }
  if (facts.key.status === 'unreadable' && facts.key.reason === 'not-found') {
    const account = accountNamedBy(reference) ?? callerAccount;
    const where = `${account !== undefined ? `account ${account}, ` : ''}Region ${region}`;
    const alias = aliasNamedBy(reference);
    const thing = alias !== undefined ? `No alias ${alias} exists` : `No key ${keyInput} exists`;
    return make(`${thing} in ${where}: check the identifier, the Region and the account (it may also have been deleted).`, [
      { what: 'KMS answered', value: facts.key.message, source: facts.key.call },
      callRegion,
      ...(account !== undefined ? [{ what: 'Account searched', value: account }] : []),
    ]);
  }
  return undefined;
}

export function keyStateCause(scope: Scope): Cause | undefined {
  const key = scope.key;
  if (!key) return undefined;
  const actions = scope.actions.filter((a) => !usableInState(a, key.state));
  if (actions.length === 0) return undefined;
  const stateEvidence: Evidence[] = [
    { what: 'Key state', value: key.state, source: 'kms:DescribeKey' },
    { what: 'Key ARN', value: key.arn, source: 'kms:DescribeKey' },
  ];
  const base = { layer: 'key-state' as const, actions };
  switch (key.state) {
    case 'Disabled':
      return {
        ...base,
        code: 'key-disabled',
        summary: `The key is disabled, so KMS refuses ${list(actions)} with it until someone enables it again (kms:EnableKey).`,
        evidence: [...stateEvidence, { what: 'Enabled', value: key.enabled, source: 'kms:DescribeKey' }],
      };
    case 'PendingDeletion':
    case 'PendingReplicaDeletion': {
      const when = key.deletionDate !== undefined ? ` on ${key.deletionDate}` : '';
      const what = key.state === 'PendingReplicaDeletion' ? 'This multi-Region replica key is scheduled for deletion' : 'The key is scheduled for deletion';
      return {
        ...base,
        code: 'key-pending-deletion',
        summary: `${what}${when}, so KMS refuses to use it; cancel the deletion (kms:CancelKeyDeletion), then enable the key, to use it again.`,
        evidence: [...stateEvidence, { what: 'Deletion date', value: key.deletionDate ?? 'not reported', source: 'kms:DescribeKey' }],
      };
    }
    case 'PendingImport':
      return {
        ...base,
        code: 'key-pending-import',
        summary: 'The key has no key material (it was never imported, or the imported material expired or was deleted), so KMS cannot use it until the material is imported again.',
        evidence: [...stateEvidence, { what: 'Key origin', value: key.origin, source: 'kms:DescribeKey' }],
      };
    case 'Unavailable':
      return {
        ...base,
        code: 'key-unavailable',
        summary: "The key's custom key store is disconnected, so KMS cannot use the key until the key store is connected again.",
        evidence: [...stateEvidence, { what: 'Key origin', value: key.origin, source: 'kms:DescribeKey' }],
      };
    case 'Creating':
    case 'Updating':
      return {
        ...base,
        code: 'key-state-transient',
        summary: `The key is still ${key.state === 'Creating' ? 'being created' : 'being updated'} (a multi-Region key), so KMS cannot use it yet; nothing needs to change: wait a moment and retry.`,
        evidence: [...stateEvidence, { what: 'Multi-Region', value: key.multiRegion, source: 'kms:DescribeKey' }],
      };
    case 'Enabled':
      return undefined;
  }
}

export function awsManagedCrossAccountCause(scope: Scope): Cause | undefined {
  const { key, subject } = scope;
  if (!key || !subject || key.manager !== 'AWS' || !isCrossAccount(subject.accountId, key.accountId)) return undefined;
  return {
    code: 'aws-managed-key-cross-account',
    layer: 'key-policy',
    summary: `This is an AWS managed key of account ${key.accountId}; AWS managed keys serve only their own account, through their service, so ${subject.name} in account ${subject.accountId} cannot use it whatever any policy says (use a customer managed key to share data across accounts).`,
    actions: scope.actions,
    evidence: [
      { what: 'Key manager', value: key.manager, source: 'kms:DescribeKey' },
      { what: 'Account of the key', value: key.accountId, source: 'kms:DescribeKey' },
      { what: 'Account of the caller', value: subject.accountId },
      { what: 'Key description', value: key.description, source: 'kms:DescribeKey' },
    ],
  };
}
/** The key usage each cryptographic action needs (KMS developer guide, "Key usage"). */
const usageNeeded: Readonly<Record<string, string>> = Object.fromEntries([
  ...['encrypt', 'decrypt', 'reencryptfrom', 'reencryptto', 'generatedatakey', 'generatedatakeywithoutplaintext', 'generatedatakeypair', 'generatedatakeypairwithoutplaintext'].map((a) => [`kms:${a}`, 'ENCRYPT_DECRYPT']),
  ...['sign', 'verify'].map((a) => [`kms:${a}`, 'SIGN_VERIFY']),
  ...['generatemac', 'verifymac'].map((a) => [`kms:${a}`, 'GENERATE_VERIFY_MAC']),
  ['kms:derivesharedsecret', 'KEY_AGREEMENT'],
]);
/** Data keys come only from symmetric encryption keys. */
const symmetricOnly = new Set(['kms:generatedatakey', 'kms:generatedatakeywithoutplaintext']);

/** The key cannot do what the operation asks (InvalidKeyUsageException), whatever the policies say. */
export function keyUsageCause(scope: Scope): Cause | undefined {
  const key = scope.key;
  if (!key || key.usage === '') return undefined;
  const wrong = scope.actions.filter((action) => {
    const needed = usageNeeded[action.toLowerCase()];
    if (needed === undefined) return false;
    return needed !== key.usage || (symmetricOnly.has(action.toLowerCase()) && key.spec !== 'SYMMETRIC_DEFAULT');
  });
  if (wrong.length === 0) return undefined;
  const needed = [...new Set(wrong.map((a) => usageNeeded[a.toLowerCase()]!))];
  return {
    code: 'key-usage-mismatch',
    layer: 'request',
    summary: `The key's usage is ${key.usage} (${key.spec}), but ${list(wrong)} needs a key with usage ${needed.join(' or ')}${wrong.some((a) => symmetricOnly.has(a.toLowerCase())) ? ' and spec SYMMETRIC_DEFAULT' : ''}: KMS answers InvalidKeyUsageException. Use another key; a key's usage cannot be changed.`,
    actions: wrong,
    evidence: [
      { what: 'Key usage', value: key.usage, source: 'kms:DescribeKey' },
      { what: 'Key spec', value: key.spec, source: 'kms:DescribeKey' },
      { what: 'Key usage needed', value: needed, source: 'KMS developer guide' },
      { what: 'Key ARN', value: key.arn, source: 'kms:DescribeKey' },
    ],
  };
}

/** AWS managed keys are named alias/aws/<service>. */
const awsManagedAlias = /^alias\/aws\//;

/**
 * An AWS managed key used directly (not through its service): its key policy allows only calls made
 * through the service (kms:ViaService), so a direct call is refused, and the policy cannot be changed.
 * Recognised from DescribeKey's KeyManager, else from the alias (alias/aws/…).
 */
export function awsManagedDirectUseCause(scope: Scope, grantAllows: (action: string) => boolean = () => false): Cause | undefined {
  const { key, subject } = scope;
  const reference = scope.facts.request.key;
  const alias = aliasNamedBy(reference);
  const managed = key?.manager === 'AWS' || (key === undefined && alias !== undefined && awsManagedAlias.test(alias));
  if (!managed || scope.viaService !== undefined) return undefined;
  // aws-managed-key-cross-account says more (the key's account known from DescribeKey, or from its alias ARN).
  const keyAccount = key?.accountId ?? accountNamedBy(reference);
  if (subject && isCrossAccount(subject.accountId, keyAccount)) return undefined;
  const cryptographic = scope.actions.filter((a) => (usageNeeded[a.toLowerCase()] !== undefined || a.toLowerCase() === 'kms:creategrant') && !grantAllows(a));
  if (cryptographic.length === 0) return undefined;
  return {
    code: 'aws-managed-key-direct-use',
    layer: 'key-policy',
    summary: `${key ? `Key ${key.arn}` : alias} is an AWS managed key: only its AWS service may use it for you (its key policy allows ${list(cryptographic)} only through that service, kms:ViaService), and its policy cannot be changed. Call through the service, or use a customer managed key for direct calls.`,
    actions: cryptographic,
    evidence: [
      ...(key ? [{ what: 'Key manager', value: key.manager, source: 'kms:DescribeKey' }] : [{ what: 'Alias of an AWS managed key', value: alias ?? reference.text, source: 'key identifier' }]),
      { what: 'kms:ViaService', value: 'not set (a direct call, not made through an AWS service)', source: 'request context' },
    ],
  };
}

/** An AWS managed key of another account, recognised from its alias ARN when DescribeKey could not say. */
export function awsManagedCrossAccountFromAlias(scope: Scope): Cause | undefined {
  const { key, subject } = scope;
  const reference = scope.facts.request.key;
  if (key || !subject || reference.kind !== 'alias-arn' || !awsManagedAlias.test(reference.aliasName)) return undefined;
  if (!isCrossAccount(subject.accountId, reference.account)) return undefined;
  return {
    code: 'aws-managed-key-cross-account',
    layer: 'key-policy',
    summary: `${reference.aliasName} of account ${reference.account} is an AWS managed key; AWS managed keys serve only their own account, so ${subject.name} in account ${subject.accountId} cannot use it whatever any policy says (share data across accounts with a customer managed key).`,
    actions: scope.actions,
    evidence: [
      { what: 'Alias of an AWS managed key', value: scope.facts.request.key.text, source: 'key identifier' },
      { what: 'Account of the key', value: reference.account, source: 'alias ARN' },
      { what: 'Account of the caller', value: subject.accountId },
    ],
  };
}
