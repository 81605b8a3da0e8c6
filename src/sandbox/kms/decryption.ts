// Decrypt and ReEncrypt. The ciphertext names its key, so KeyId / SourceKeyId are optional; when
// given they must name that same key (IncorrectKeyException). Authorization happens before the
// ciphertext is opened, so a caller without permission learns nothing from a bad context. With
// DryRun and DryRunModifiers [IGNORE_CIPHERTEXT], only authorization is checked and the key must be named.
import type { KeyState } from '../state.js';
import { open, parseBlob, seal, type ParsedBlob } from './ciphertext.js';
import { checkEncryptionKey, incorrectKey, invalidCiphertext, materialOf, unknownCiphertextKey } from './crypto-common.js';
import { checkGrantTokens } from './grant-tokens.js';
import { grantTokensRules, InputReader, keyIdRules } from './input.js';
import { dryRunSucceeded, useKey } from './key-access.js';
import { resolveKey } from './key-authorization.js';
import { encryptionAlgorithmSpecs } from './key-metadata.js';
import type { KmsCall, KmsOperation } from './kms-call.js';

const maxCiphertextBytes = 6144;

interface Source {
  readonly blob?: Buffer;
  /** KeyId (Decrypt) or SourceKeyId (ReEncrypt). */
  readonly keyId?: string;
  readonly context?: Record<string, string>;
  readonly algorithm: string;
  readonly ignoreCiphertext: boolean;
  readonly dryRun: boolean;
}

interface Use {
  readonly operation: 'Decrypt' | 'ReEncrypt';
  readonly action: 'kms:Decrypt' | 'kms:ReEncryptFrom';
  readonly grantOperation: 'Decrypt' | 'ReEncryptFrom';
}

/** Reads the ciphertext members shared by Decrypt and ReEncrypt. */
function readSource(input: InputReader, names: { blob: string; keyId: string; context: string; algorithm: string }): Source {
  const blob = input.blob(names.blob, { min: 1, max: maxCiphertextBytes });
  const context = input.stringMap(names.context);
  const keyId = input.string(names.keyId, keyIdRules);
  const algorithm = input.string(names.algorithm, { enum: encryptionAlgorithmSpecs }) ?? 'SYMMETRIC_DEFAULT';
  const dryRun = input.boolean('DryRun') ?? false;
  const modifiers = input.stringList('DryRunModifiers', { member: { enum: ['IGNORE_CIPHERTEXT'] } }) ?? [];
  // The modifier only applies to dry runs; then the key must be named, and no ciphertext is needed.
  const ignoreCiphertext = dryRun && modifiers.includes('IGNORE_CIPHERTEXT');
  const path = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
  if (ignoreCiphertext && keyId === undefined) input.addError('null', path(names.keyId), 'Member must not be null');
  if (!ignoreCiphertext && blob === undefined) input.addError('null', path(names.blob), 'Member must not be null');
  return {
    ...(blob !== undefined ? { blob } : {}),
    ...(keyId !== undefined ? { keyId } : {}),
    ...(context !== undefined ? { context } : {}),
    algorithm,
    ignoreCiphertext,
    dryRun,
  };
}

interface AuthorizedSource {
  readonly key: KeyState;
  readonly parsed?: ParsedBlob;
}

async function authorizeSource(call: KmsCall, source: Source, use: Use): Promise<AuthorizedSource> {
  const access = {
    action: use.action,
    grantOperation: use.grantOperation,
    crossAccount: 'key-or-alias-arn',
    aliasAllowed: true,
    usableIn: 'any',
    ...(source.context !== undefined ? { encryptionContext: source.context } : {}),
    context: { 'kms:EncryptionAlgorithm': source.algorithm },
  } as const;
  if (source.ignoreCiphertext) return { key: (await useKey(call, { ...access, keyId: source.keyId! })).key };
  const parsed = parseBlob(source.blob!);
  if (!parsed) throw invalidCiphertext();
  const state = call.world.state;
  if (source.keyId !== undefined) {
    if (resolveKey(state, call, source.keyId, 'key-or-alias-arn').key.arn !== parsed.keyArn) throw incorrectKey();
    return { key: (await useKey(call, { ...access, keyId: source.keyId })).key, parsed };
  }
  const stored = state.keys[parsed.keyArn];
  if (!stored || stored.region !== call.region) throw unknownCiphertextKey(call, use.action, parsed.keyArn);
  const { key } = await useKey(call, { ...access, keyId: parsed.keyArn, resourceDescription: 'ciphertext' });
  return { key, parsed };
}

/** Checks the key and opens the ciphertext; undefined when a dry run ignores the ciphertext. */
async function openSource(call: KmsCall, source: Source, authorized: AuthorizedSource, operation: string): Promise<Buffer | undefined> {
  checkEncryptionKey(authorized.key, operation, source.algorithm);
  if (!authorized.parsed) return undefined;
  const material = await materialOf(call, authorized.key, source.dryRun);
  const plaintext = material === '' ? undefined : open(authorized.parsed, material, source.context);
  if (!plaintext) throw invalidCiphertext();
  return plaintext;
}

const decrypt: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const source = readSource(input, { blob: 'CiphertextBlob', keyId: 'KeyId', context: 'EncryptionContext', algorithm: 'EncryptionAlgorithm' });
  const tokens = input.stringList('GrantTokens', grantTokensRules);
  input.check();
  checkGrantTokens(call.world.state, tokens);
  const authorized = await authorizeSource(call, source, { operation: 'Decrypt', action: 'kms:Decrypt', grantOperation: 'Decrypt' });
  const plaintext = await openSource(call, source, authorized, 'Decrypt');
  if (source.dryRun) throw dryRunSucceeded();
  return { KeyId: authorized.key.arn, Plaintext: plaintext!.toString('base64'), EncryptionAlgorithm: source.algorithm };
};

const reEncrypt: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const source = readSource(input, {
    blob: 'CiphertextBlob',
    keyId: 'SourceKeyId',
    context: 'SourceEncryptionContext',
    algorithm: 'SourceEncryptionAlgorithm',
  });
  const destinationKeyId = input.string('DestinationKeyId', { required: true, ...keyIdRules });
  const destinationContext = input.stringMap('DestinationEncryptionContext');
  const destinationAlgorithm = input.string('DestinationEncryptionAlgorithm', { enum: encryptionAlgorithmSpecs }) ?? 'SYMMETRIC_DEFAULT';
  const tokens = input.stringList('GrantTokens', grantTokensRules);
  input.check();
  checkGrantTokens(call.world.state, tokens);
  const from = await authorizeSource(call, source, { operation: 'ReEncrypt', action: 'kms:ReEncryptFrom', grantOperation: 'ReEncryptFrom' });
  const { key: destination } = await useKey(call, {
    keyId: destinationKeyId!,
    action: 'kms:ReEncryptTo',
    grantOperation: 'ReEncryptTo',
    crossAccount: 'key-or-alias-arn',
    aliasAllowed: true,
    usableIn: 'any',
    ...(destinationContext !== undefined ? { encryptionContext: destinationContext } : {}),
    context: { 'kms:EncryptionAlgorithm': destinationAlgorithm },
  });
  const plaintext = await openSource(call, source, from, 'ReEncrypt');
  checkEncryptionKey(destination, 'ReEncrypt', destinationAlgorithm);
  const material = await materialOf(call, destination, source.dryRun);
  if (source.dryRun) throw dryRunSucceeded();
  return {
    CiphertextBlob: seal(destination.arn, material, plaintext!, destinationContext).toString('base64'),
    SourceKeyId: from.key.arn,
    KeyId: destination.arn,
    SourceEncryptionAlgorithm: source.algorithm,
    DestinationEncryptionAlgorithm: destinationAlgorithm,
  };
};

export const decryptionOperations: Readonly<Record<string, KmsOperation>> = {
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
};
