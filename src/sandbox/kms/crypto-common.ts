// Checks shared by the cryptographic operations, in the order KMS applies them after authorization:
// key usage, then key state, then the algorithm against the key spec; then the key material.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { KeyState } from '../state.js';
import { accessDeniedMessage } from '../authorize.js';
import { enabledOnly } from './key-authorization.js';
import { keyStateError, requireState } from './key-access.js';
import type { KmsCall } from './kms-call.js';

export function invalidKeyUsage(key: KeyState, operation: string): AwsError {
  return new AwsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
}

/** KMS answers a bad or undecryptable ciphertext without any message. */
export const invalidCiphertext = (): AwsError => new AwsError('InvalidCiphertextException', '');

export const incorrectKey = (): AwsError =>
  new AwsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');

/** Usage, state and algorithm checks for Encrypt, Decrypt and ReEncrypt on an ENCRYPT_DECRYPT key. */
export function checkEncryptionKey(key: KeyState, operation: string, algorithm: string): void {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') throw invalidKeyUsage(key, operation);
  requireState(key, enabledOnly);
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  if (symmetric !== (algorithm === 'SYMMETRIC_DEFAULT')) {
    throw new AwsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
  }
  if (!symmetric) {
    throw new AwsError('UnsupportedOperationException', `The sandbox does not implement ${algorithm} encryption; use a SYMMETRIC_DEFAULT key.`);
  }
}

/** The same for GenerateDataKey and GenerateDataKeyWithoutPlaintext. */
export function checkDataKeyKey(key: KeyState, operation: string): void {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') throw invalidKeyUsage(key, operation);
  requireState(key, enabledOnly);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw new AwsError('InvalidKeyUsageException', 'You cannot generate a data key with an asymmetric CMK');
}

/**
 * The key's AES material. Symmetric AWS_KMS keys always have material in KMS; a key from a
 * hand-written state without it gets it now, once (a dry run never writes). Keys whose material
 * must be imported and is missing behave as pending import.
 */
export async function materialOf(call: KmsCall, key: KeyState, dryRun: boolean): Promise<string> {
  if (key.material !== undefined) return key.material;
  if (key.origin !== 'AWS_KMS' || key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw keyStateError({ ...key, keyState: 'PendingImport' });
  }
  if (dryRun) return '';
  return call.world.mutate((draft) => {
    const stored = draft.keys[key.arn];
    if (!stored) throw new AwsError('NotFoundException', `Key '${key.arn}' does not exist`);
    stored.material ??= randomBytes(32).toString('base64');
    return stored.material;
  });
}

/**
 * Decrypt without KeyId, for a ciphertext whose key is not in this account and Region (deleted, or
 * another Region): KMS answers with its obscured denial about "the resource associated with this
 * ciphertext" and reveals nothing about the key.
 */
export function unknownCiphertextKey(call: KmsCall, action: string, keyArn: string): AwsError {
  const message = accessDeniedMessage({
    caller: call.caller,
    action,
    resourceArn: keyArn,
    // A foreign account selects AWS's wording that does not reveal whether the key exists.
    resourceAccount: call.caller.accountId === '000000000000' ? '000000000001' : '000000000000',
    outcome: { decision: 'ImplicitlyDenied', sameAccount: false, denials: [], layers: {}, ignoredContextKeys: [] },
    resourceDescription: 'ciphertext',
  });
  return new AwsError('AccessDeniedException', message);
}
