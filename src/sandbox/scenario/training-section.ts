// The `training` section: the exercise a scenario poses. A principal makes one KMS call that fails;
// the learner diagnoses why and fixes it. Everything it names (principals with profiles, the key)
// must exist, and the expected cause must fit the key as the scenario declares it.
import { causeCodes } from '../../engine/cause.js';
import { seal } from '../kms/ciphertext.js';
import type { KeyState, TrainingCall, TrainingState } from '../state.js';
import { fieldPath, type JsonReader } from './json-reader.js';
import { grantOperations } from '../kms/grant-listing.js';
import { readGrantPrincipal } from './principal-references.js';
import type { ScenarioDraft } from './scenario-draft.js';

/** Cause codes a training scenario may expect: the diagnosis engine's vocabulary, every code of it. */
export const trainingCauses = causeCodes;

/** How hard a training scenario is, for the course's list. */
export const trainingDifficulties = ['beginner', 'intermediate', 'advanced'] as const;

/** What a training ciphertext decrypts to. */
export const trainingPlaintext = 'kms-doctor training data';

const trainingErrors = [
  'AccessDeniedException',
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'InvalidKeyUsageException',
  'IncorrectKeyException',
  'InvalidCiphertextException',
  'InvalidGrantTokenException',
  'InvalidArnException',
  'KeyUnavailableException',
] as const;

const kmsOperations = [
  ...grantOperations.filter((op) => op !== 'ReEncryptFrom' && op !== 'ReEncryptTo'),
  'ReEncrypt',
  'ListGrants',
  'RevokeGrant',
  'GetKeyPolicy',
  'PutKeyPolicy',
  'GetKeyRotationStatus',
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'ListResourceTags',
  'TagResource',
  'UntagResource',
  'UpdateKeyDescription',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
] as const;

const viaServiceFormat = /^[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com$/;

export function readTraining(draft: ScenarioDraft, value: unknown): TrainingState {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(value, 'training', ['title', 'description', 'principal', 'call', 'expectedError', 'goal'], ['unrelatedPrincipal', 'expectedCause', 'story', 'difficulty', 'sessionPolicy']);
  const profile = (field: 'principal' | 'unrelatedPrincipal'): string => {
    const path = fieldPath('training', field);
    const name = reader.nonEmptyString(entry[field], path);
    if (!draft.principalsByName.has(name)) reader.fail(path, `${name} is not a user or role declared in this scenario`);
    if (!hasProfile(draft, name)) reader.fail(path, `${name} has no profile (a user needs an access key; a role needs a sourceProfile)`);
    return name;
  };
  const principal = profile('principal');
  const unrelatedPrincipal = entry.unrelatedPrincipal === undefined ? undefined : profile('unrelatedPrincipal');
  if (unrelatedPrincipal === principal) reader.fail('training.unrelatedPrincipal', 'must be a different principal from training.principal');
  const callerAccount = draft.principalsByName.get(principal)!.accountId;

  const call = reader.object(entry.call, 'training.call', ['operation', 'key'], ['viaService', 'encryptionContext', 'grant', 'ciphertextFrom', 'vpcEndpoint']);
  const operation = reader.oneOf(call.operation, 'training.call.operation', kmsOperations);
  const keyReference = reader.nonEmptyString(call.key, 'training.call.key');
  const key = resolveKey(draft, keyReference, callerAccount);
  if (!key) {
    reader.fail(
      'training.call.key',
      `${keyReference} does not name a key of this scenario as seen from account ${callerAccount} in ${draft.defaultRegion} (a key in another account must be named by its key ARN or alias ARN)`,
    );
  }
  if (operation === 'CreateGrant' && call.grant === undefined) reader.fail('training.call.grant', 'is required when the operation is CreateGrant');
  if (operation !== 'CreateGrant' && call.grant !== undefined) reader.fail('training.call.grant', 'applies only to the CreateGrant operation');
  let grant: TrainingCall['grant'];
  if (call.grant !== undefined) {
    const grantEntry = reader.object(call.grant, 'training.call.grant', ['granteePrincipal', 'operations']);
    grant = {
      granteePrincipal: readGrantPrincipal(draft, grantEntry.granteePrincipal, 'training.call.grant.granteePrincipal'),
      operations: reader.stringArray(grantEntry.operations, 'training.call.grant.operations', grantOperations, { nonEmpty: true }),
    };
  }
  const trainingCall: { -readonly [K in keyof TrainingCall]: TrainingCall[K] } = {
    operation,
    key: keyReference,
    ...(call.viaService !== undefined
      ? {
          viaService: reader.string(call.viaService, 'training.call.viaService', {
            pattern: viaServiceFormat,
            hint: 'a service endpoint name such as s3.us-east-1.amazonaws.com',
          }),
        }
      : {}),
    ...(call.encryptionContext !== undefined ? { encryptionContext: reader.stringMap(call.encryptionContext, 'training.call.encryptionContext') } : {}),
    ...(grant ? { grant } : {}),
  };
  if (call.vpcEndpoint !== undefined) {
    const endpoint = reader.nonEmptyString(call.vpcEndpoint, 'training.call.vpcEndpoint');
    if (draft.vpcEndpoints?.[endpoint] === undefined) reader.fail('training.call.vpcEndpoint', `${endpoint} is not a VPC endpoint declared in vpcEndpoints`);
    if (call.viaService !== undefined) reader.fail('training.call.vpcEndpoint', 'a call made through an AWS service (viaService) does not go through your VPC endpoint');
    trainingCall.vpcEndpoint = endpoint;
  }
  if (operation !== 'Decrypt' && call.ciphertextFrom !== undefined) reader.fail('training.call.ciphertextFrom', 'applies only to the Decrypt operation');
  const sealing = call.ciphertextFrom === undefined ? { key, context: trainingCall.encryptionContext } : readCiphertextFrom(draft, call.ciphertextFrom, callerAccount);
  if (operation === 'Decrypt' && sealing.key.material !== undefined) {
    // A Decrypt exercise needs a ciphertext the principal in trouble cannot read yet: sealed now, with
    // the scenario's own key and context (or those `ciphertextFrom` names: the data was encrypted under
    // another key or context than the call names), so the failing command can be run (and printed) as is.
    trainingCall.ciphertext = seal(sealing.key.arn, sealing.key.material, Buffer.from(trainingPlaintext, 'utf8'), sealing.context).toString('base64');
  }

  const expectedCause = entry.expectedCause === undefined ? undefined : reader.oneOf(entry.expectedCause, 'training.expectedCause', trainingCauses);
  const expectedError = reader.oneOf(entry.expectedError, 'training.expectedError', trainingErrors);
  const requiredState = expectedCause === 'key-disabled' ? 'Disabled' : expectedCause === 'key-pending-deletion' ? 'PendingDeletion' : undefined;
  if (requiredState && key.keyState !== requiredState) {
    reader.fail('training.expectedCause', `${expectedCause} needs the training key to be ${requiredState}, but ${key.arn} is ${key.keyState}`);
  }
  let sessionPolicy: string | undefined;
  if (entry.sessionPolicy !== undefined) {
    if (draft.principalsByName.get(principal)?.kind !== 'role') reader.fail('training.sessionPolicy', `applies only to a role session, and ${principal} is not a role`);
    // Compact: it is passed on the command line (aws sts assume-role --policy '…').
    sessionPolicy = JSON.stringify(JSON.parse(draft.policies.read(entry.sessionPolicy, 'training.sessionPolicy', 'identity')));
  }
  return {
    title: reader.nonEmptyString(entry.title, 'training.title'),
    description: reader.nonEmptyString(entry.description, 'training.description'),
    principal,
    call: trainingCall,
    ...(unrelatedPrincipal !== undefined ? { unrelatedPrincipal } : {}),
    ...(expectedCause !== undefined ? { expectedCause } : {}),
    expectedError,
    ...(sessionPolicy !== undefined ? { sessionPolicy } : {}),
    goal: reader.nonEmptyString(entry.goal, 'training.goal'),
    ...(entry.story !== undefined ? { story: reader.nonEmptyString(entry.story, 'training.story') } : {}),
    ...(entry.difficulty !== undefined ? { difficulty: reader.oneOf(entry.difficulty, 'training.difficulty', trainingDifficulties) } : {}),
  };
}

/** `training.call.ciphertextFrom`: the key and encryption context the Decrypt exercise's data was encrypted with. */
function readCiphertextFrom(draft: ScenarioDraft, value: unknown, callerAccount: string): { key: KeyState; context?: Record<string, string> } {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(value, 'training.call.ciphertextFrom', ['key'], ['encryptionContext']);
  const reference = reader.nonEmptyString(entry.key, 'training.call.ciphertextFrom.key');
  const key = resolveKey(draft, reference, callerAccount);
  if (!key) reader.fail('training.call.ciphertextFrom.key', `${reference} does not name a key of this scenario as seen from account ${callerAccount} in ${draft.defaultRegion}`);
  if (key.material === undefined) reader.fail('training.call.ciphertextFrom.key', `${reference} has no key material to encrypt with`);
  return { key, ...(entry.encryptionContext !== undefined ? { context: reader.stringMap(entry.encryptionContext, 'training.call.ciphertextFrom.encryptionContext') } : {}) };
}

/** A user with an access key, or a role with a source profile, gets a profile. */
function hasProfile(draft: ScenarioDraft, name: string): boolean {
  const entry = draft.principalsByName.get(name);
  if (!entry) return false;
  if (entry.kind === 'user') return draft.usersWithAccessKeys.has(name);
  return draft.accounts[entry.accountId]?.roles[name]?.sourceProfile !== undefined;
}

/** Finds the key a principal of `callerAccount` means by a key ARN, alias ARN, alias name or key ID. */
function resolveKey(draft: ScenarioDraft, reference: string, callerAccount: string): KeyState | undefined {
  const keyById = (arnPrefix: string, keyId: string) => draft.keys[`${arnPrefix}:key/${keyId}`];
  const aliasArn = /^(arn:aws:kms:[^:]+:\d{12}):alias\/.+$/.exec(reference);
  if (aliasArn) {
    const alias = draft.aliases[reference];
    return alias ? keyById(aliasArn[1]!, alias.targetKeyId) : undefined;
  }
  if (reference.startsWith('arn:')) return draft.keys[reference];
  const localPrefix = `arn:aws:kms:${draft.defaultRegion}:${callerAccount}`;
  if (reference.startsWith('alias/')) {
    const alias = draft.aliases[`${localPrefix}:${reference}`];
    return alias ? keyById(localPrefix, alias.targetKeyId) : undefined;
  }
  return keyById(localPrefix, reference);
}
