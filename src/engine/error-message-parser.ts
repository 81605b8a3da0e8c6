// Reads a KMS refusal as a user pastes it (AWS CLI output, an SDK exception, a service's wrapped
// message, a CloudTrail errorMessage, a terminal or log excerpt) and says what the text tells the
// diagnosis: who was refused, which action on which key, which policy type AWS blamed, and what the
// text leaves unsaid. Pure: no AWS SDK, no I/O, never throws.
// Formats: shared/domain/KMS-DENIALS.md §2 (IAM access-denied wording), §1.1 H (key-state texts),
// J (look-alikes) and K (service wrappers).

import { assemble } from './error-messages/assemble.js';
import { findRefusal } from './error-messages/find-refusal.js';
import { STATE_CODES } from './error-messages/key-state-messages.js';
import { normalize } from './error-messages/normalise-paste.js';
import type { FirstDiagnosisStep, ParsedError } from './error-messages/parsed-error.js';
import { contextAround, readContext } from './error-messages/sdk-envelopes.js';

export type {
  BlamedPolicyType,
  DenialKind,
  FirstDiagnosisStep,
  KmsErrorKind,
  MissingFact,
  ParsedError,
  ResourceDescription,
} from './error-messages/parsed-error.js';

export function parseKmsError(text: string): ParsedError | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const normalized = normalize(text);
  const context = readContext(normalized);
  const finding = findRefusal(normalized, context);
  if (finding === undefined) return undefined;
  return assemble(normalized, contextAround(context, finding.index, normalized), finding);
}

/**
 * Which diagnosis step the message points at first: the key's state when AWS names it, the key
 * policy for a resource-based or obscured denial, the caller's own policies for an identity-based,
 * permissions-boundary or session denial, and grants when Lambda could not decrypt its environment
 * variables without naming a policy (a stale grant after the role was recreated, KMS-DENIALS GR-5).
 */
export function firstStepFor(parsed: ParsedError): FirstDiagnosisStep | undefined {
  switch (parsed.kind) {
    case 'key-disabled':
    case 'key-pending-deletion':
    case 'key-pending-import':
    case 'key-unavailable':
    case 'key-not-found':
      return 'key-state';
    case 'invalid-ciphertext':
    case 'incorrect-key':
      return undefined;
    case 'other':
      return parsed.errorCode !== undefined && STATE_CODES.has(parsed.errorCode) ? 'key-state' : undefined;
    case 'access-denied':
    case 'ciphertext-key-unknown':
      break;
  }
  switch (parsed.policyType) {
    case 'resource-based':
      return 'key-policy';
    case 'identity-based':
    case 'permissions-boundary':
    case 'session':
      return 'identity-policies';
    case undefined:
      break;
    default:
      return undefined; // Organization and network policies have no step of their own.
  }
  if (parsed.service === 'Lambda' && parsed.action?.toLowerCase() === 'kms:decrypt') return 'grants';
  if (parsed.denial === 'obscured') return 'key-policy';
  return undefined;
}
