// CreateAlias, UpdateAlias, DeleteAlias and ListAliases. Alias operations are authorized twice, as
// KMS documents: on the alias ARN by IAM policies only, and on each key involved by its key policy
// (and IAM). Aliases live in the caller's account and Region and cannot be managed cross-account.
import { AwsError, validationError } from '../errors.js';
import { nowIso } from '../ids.js';
import type { AliasState, KeyState } from '../state.js';
import { InputReader, keyIdRules, markerRules } from './input.js';
import { authorizeWithoutKey, draftKey, epochSeconds, notPendingDeletion, rejectAlias, useKey } from './key-access.js';
import { resolveKey } from './key-authorization.js';
import type { KmsCall, KmsOperation } from './kms-call.js';
import { paginate } from './pagination.js';

const aliasNameRules = { min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ } as const;

interface AliasRequest {
  readonly aliasName: string;
  readonly aliasArn: string;
  readonly targetKeyId?: string;
}

function readAlias(call: KmsCall, withTarget: boolean): AliasRequest {
  const input = new InputReader(call.input);
  const aliasName = input.string('AliasName', { required: true, ...aliasNameRules });
  const targetKeyId = withTarget ? input.string('TargetKeyId', { required: true, ...keyIdRules }) : undefined;
  input.check();
  if (!aliasName!.startsWith('alias/')) {
    throw validationError('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (aliasName!.startsWith('alias/aws/')) {
    throw new AwsError('InvalidAliasNameException', 'Alias names cannot begin with alias/aws/. The alias/aws/ prefix is reserved for AWS managed keys.');
  }
  if (targetKeyId !== undefined) rejectAlias(targetKeyId);
  return {
    aliasName: aliasName!,
    aliasArn: `arn:aws:kms:${call.region}:${call.caller.accountId}:${aliasName}`,
    ...(targetKeyId !== undefined ? { targetKeyId } : {}),
  };
}

const aliasNotFound = (aliasArn: string) => new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`);

function existingAlias(call: KmsCall, aliasArn: string): AliasState {
  const alias = call.world.state.aliases[aliasArn];
  if (!alias) throw aliasNotFound(aliasArn);
  return alias;
}

const targetArnOf = (alias: AliasState) => `arn:aws:kms:${alias.region}:${alias.accountId}:key/${alias.targetKeyId}`;

const createAlias: KmsOperation = async (call: KmsCall) => {
  const { aliasName, aliasArn, targetKeyId } = readAlias(call, true);
  await authorizeWithoutKey(call, 'kms:CreateAlias', aliasArn);
  const { key } = await useKey(call, { keyId: targetKeyId!, action: 'kms:CreateAlias', crossAccount: 'none', usableIn: notPendingDeletion });
  const alreadyExists = () => new AwsError('AlreadyExistsException', `An alias with the name ${aliasArn} already exists`);
  if (call.world.state.aliases[aliasArn]) throw alreadyExists();
  await call.world.mutate((draft) => {
    if (draft.aliases[aliasArn]) throw alreadyExists();
    draftKey(draft, key.arn);
    const now = nowIso();
    draft.aliases[aliasArn] = {
      aliasName,
      aliasArn,
      targetKeyId: key.keyId,
      accountId: key.accountId,
      region: key.region,
      creationDate: now,
      lastUpdatedDate: now,
    };
  });
  return {};
};

/** An alias can only move to a key of the same type and usage (KMS API reference, UpdateAlias). */
function sameKind(a: KeyState, b: KeyState): boolean {
  return a.keyUsage === b.keyUsage && (a.keySpec === 'SYMMETRIC_DEFAULT') === (b.keySpec === 'SYMMETRIC_DEFAULT');
}

const updateAlias: KmsOperation = async (call: KmsCall) => {
  const { aliasArn, targetKeyId } = readAlias(call, true);
  await authorizeWithoutKey(call, 'kms:UpdateAlias', aliasArn);
  const alias = existingAlias(call, aliasArn);
  const current = await useKey(call, { keyId: targetArnOf(alias), action: 'kms:UpdateAlias', crossAccount: 'none', usableIn: 'any' });
  const next = await useKey(call, { keyId: targetKeyId!, action: 'kms:UpdateAlias', crossAccount: 'none', usableIn: notPendingDeletion });
  if (!sameKind(current.key, next.key)) {
    throw validationError(`${next.key.arn} cannot be the target of ${alias.aliasName}: it differs in key type or key usage from the current target key.`);
  }
  await call.world.mutate((draft) => {
    const stored = draft.aliases[aliasArn];
    if (!stored) throw aliasNotFound(aliasArn);
    draftKey(draft, next.key.arn);
    stored.targetKeyId = next.key.keyId;
    stored.lastUpdatedDate = nowIso();
  });
  return {};
};

const deleteAlias: KmsOperation = async (call: KmsCall) => {
  const { aliasArn } = readAlias(call, false);
  await authorizeWithoutKey(call, 'kms:DeleteAlias', aliasArn);
  const alias = existingAlias(call, aliasArn);
  await useKey(call, { keyId: targetArnOf(alias), action: 'kms:DeleteAlias', crossAccount: 'none', usableIn: 'any' });
  await call.world.mutate((draft) => {
    if (!draft.aliases[aliasArn]) throw aliasNotFound(aliasArn);
    delete draft.aliases[aliasArn];
  });
  return {};
};

const listAliases: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', keyIdRules);
  const limit = input.integer('Limit', { min: 1, max: 1000 });
  const marker = input.string('Marker', markerRules);
  input.check();
  await authorizeWithoutKey(call, 'kms:ListAliases', '*');
  const state = call.world.state;
  let target: KeyState | undefined;
  if (keyId !== undefined) {
    rejectAlias(keyId);
    target = resolveKey(state, call, keyId, 'none').key;
  }
  const { accountId } = call.caller;
  const aliases = Object.values(state.aliases).filter(
    (a) => a.accountId === accountId && a.region === call.region && (target === undefined || a.targetKeyId === target.keyId),
  );
  // The documented range is 1–100; larger values within the model's range are capped.
  const scope = `ListAliases:${accountId}:${call.region}:${target?.keyId ?? ''}`;
  const page = paginate(aliases, (a) => a.aliasName, scope, Math.min(limit ?? 50, 100), marker);
  return {
    Aliases: page.items.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: a.aliasArn,
      TargetKeyId: a.targetKeyId,
      CreationDate: epochSeconds(a.creationDate),
      LastUpdatedDate: epochSeconds(a.lastUpdatedDate),
    })),
    ...page.fields,
  };
};

export const aliasOperations: Readonly<Record<string, KmsOperation>> = {
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
};
