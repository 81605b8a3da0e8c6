// Key-state texts, look-alike refusals and the codes only KMS uses (shared/domain/KMS-DENIALS.md
// §1.1 H and J), with the kind of refusal each stands for.
import type { KmsErrorKind } from './parsed-error.js';

/** The older vague denial, and the wording Kinesis and SNS use for the same thing. */
export const CLASSIC_DENIAL =
  /The ciphertext refers to a customer master key that does not exist|The ciphertext references a key that doesn't exist or that you don't have access to/i;

/** KMS-DG key-state.md: "DisabledException: <key ARN> is disabled.", "KMSInvalidStateException: <key ARN> is pending import.". */
export const KEY_STATE =
  /(?:\b([A-Za-z.]{0,80}Exception)\s*:?\s*)?(arn:aws[\w-]*:kms:[^\s"'<>]{1,400}?)\s+is\s+(disabled|pending deletion|pending replica deletion|pending import|unavailable|creating|updating)\b/i;
export const KEY_DOES_NOT_EXIST = /Key '(arn:[^']{1,400})' does not exist/i;
export const ALIAS_NOT_FOUND = /Alias (arn:\S{1,400}) is not found/i;
export const INVALID_ARN = /\bInvalid arn\b/i;
export const INCORRECT_KEY =
  /\bIncorrectKeyException\b|The key ID in the request does not identify a (?:CMK|KMS key) that can perform this operation/i;
export const INVALID_CIPHERTEXT = /\bInvalidCiphertextException\b/;

/** Codes that only KMS, or a service reporting a KMS failure, uses. */
export const KMS_ONLY_CODES =
  /\b(?:[A-Za-z]+\.)?(KMSAccessDeniedException|KmsAccessDeniedException|KMSAccessDenied|KMSDisabledException|KMSKeyDisabledException|KMSNotFoundException|KMSInvalidStateException|KMSKeyNotAccessibleFault|InvalidKMSResourceException|KMSOptInRequired|KMSThrottlingException|DisabledException|InvalidKeyUsageException|KeyUnavailableException|InvalidGrantTokenException)\b/;

export const KIND_OF_CODE = new Map<string, KmsErrorKind>([
  ['AccessDeniedException', 'access-denied'], ['AccessDenied', 'access-denied'],
  ['KMSAccessDeniedException', 'access-denied'], ['KmsAccessDeniedException', 'access-denied'], ['KMSAccessDenied', 'access-denied'],
  ['DisabledException', 'key-disabled'], ['KMSDisabledException', 'key-disabled'], ['KMSKeyDisabledException', 'key-disabled'],
  ['NotFoundException', 'key-not-found'], ['KMSNotFoundException', 'key-not-found'],
  ['InvalidCiphertextException', 'invalid-ciphertext'],
  ['IncorrectKeyException', 'incorrect-key'],
]);

export const KIND_OF_KEY_STATE: Record<string, KmsErrorKind> = {
  disabled: 'key-disabled',
  'pending deletion': 'key-pending-deletion',
  'pending replica deletion': 'key-pending-deletion',
  'pending import': 'key-pending-import',
  unavailable: 'key-unavailable',
  creating: 'other',
  updating: 'other',
};

export const STATE_CODES = new Set(['DisabledException', 'KMSInvalidStateException', 'KMSDisabledException', 'KMSKeyDisabledException']);
