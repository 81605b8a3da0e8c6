// What a pasted KMS error says on its own, without reading anything from AWS: the layer AWS blamed,
// what that means in plain words, and the built-in training scenario that shows the same refusal. The
// wizard shows it when the machine has no AWS credentials, so a pasted error is still explained (and
// the learner can practise the same case on the embedded sandbox). Pure.
import { accountOfArn, isCrossAccount } from './identifiers.js';
import type { ParsedError } from './error-message-parser.js';

export interface ErrorExplanation {
  /** The layer that said no, as the text tells it (or 'not named' when AWS does not say). */
  readonly layer: string;
  /** What that means, and what to look at. */
  readonly meaning: string;
  /** A built-in training scenario with the same refusal, when there is one. */
  readonly scenario?: string;
}

/** Cross account when the caller's account and the key's account (from their ARNs) differ. */
function crossAccount(parsed: ParsedError): boolean {
  return isCrossAccount(accountOfArn(parsed.principal), accountOfArn(parsed.keyArn ?? parsed.resource));
}

export function explainPastedError(parsed: ParsedError | undefined): ErrorExplanation | undefined {
  if (!parsed) return undefined;
  switch (parsed.kind) {
    case 'key-disabled':
      return {
        layer: 'key state',
        meaning:
          'The key is disabled. KMS refuses every cryptographic operation with it (DisabledException, not AccessDenied), whoever asks and whatever the policies say. Before enabling it again, find in CloudTrail who disabled it (event DisableKey) and why.',
        scenario: 'key-disabled',
      };
    case 'key-pending-deletion':
      return {
        layer: 'key state',
        meaning:
          'The key is scheduled for deletion (KMSInvalidStateException). Until the deletion is cancelled (cancel-key-deletion) and the key enabled again, KMS refuses to use it; after the waiting period it is gone for good, with every ciphertext made with it.',
        scenario: 'key-pending-deletion',
      };
    case 'key-pending-import':
    case 'key-unavailable':
      return { layer: 'key state', meaning: 'The key cannot be used in its current state (no key material yet, or its custom key store is disconnected): no policy change helps.' };
    case 'key-not-found':
      return { layer: 'key lookup', meaning: 'KMS found no such key as seen from the caller: a wrong Region, a wrong account, or an alias or key ID used from another account (they only work in their own account; use the key ARN).' };
    case 'invalid-ciphertext':
    case 'incorrect-key':
    case 'ciphertext-key-unknown':
      return { layer: 'the ciphertext', meaning: 'The ciphertext does not match the key or the encryption context given: decrypt with the same key and exactly the same encryption context that encrypted it.' };
    case 'other':
      return undefined;
    case 'access-denied':
      break;
  }
  const explicit = parsed.denial === 'explicit';
  const action = parsed.action ?? 'the action';
  switch (parsed.policyType) {
    case 'resource-based':
      if (explicit) return { layer: 'key policy', meaning: `A Deny statement in the key policy matches this call: no Allow anywhere can override an explicit deny.` };
      return crossAccount(parsed)
        ? {
            layer: 'key policy',
            meaning: `Across accounts both sides must say yes: the key policy in the key's account must allow the caller's account (or the caller), and the caller's IAM policies must allow ${action} on the key ARN. Here the key policy does not.`,
            scenario: 'cross-account-one-side',
          }
        : {
            layer: 'key policy',
            meaning: `The key policy neither names the caller nor delegates to IAM (the statement for arn:aws:iam::ACCOUNT:root): without that, no IAM policy can allow ${action}.`,
            scenario: 'no-iam-delegation',
          };
    case 'identity-based':
      if (explicit) return { layer: 'IAM policies', meaning: 'A Deny statement in one of the caller\'s IAM policies matches this call: no Allow anywhere can override an explicit deny.' };
      return {
        layer: 'IAM policies',
        meaning: `The key policy delegates to IAM, and none of the caller's IAM policies allows ${action} on this key. Services call KMS for you: an S3 upload needs kms:GenerateDataKey (envelope encryption), a download kms:Decrypt, an encrypted EBS volume kms:CreateGrant.`,
        scenario: parsed.action?.toLowerCase() === 'kms:creategrant' ? 'ebs-grant-denied' : 'missing-kms-actions',
      };
    case 'permissions-boundary':
      return { layer: 'permissions boundary', meaning: `The caller's permissions boundary does not allow ${action}: a boundary caps what IAM policies can grant, so the boundary must allow it too.` };
    case 'session':
      return { layer: 'session policy', meaning: `The policy passed when the role was assumed (a session policy) does not allow ${action}: the session gets only what both the role and the session policy allow.` };
    case 'service-control':
      return { layer: 'SCP', meaning: `A service control policy of AWS Organizations does not allow ${action} for the caller's account: it must be changed in the organization's management account.` };
    case 'resource-control':
      return { layer: 'RCP', meaning: `A resource control policy of AWS Organizations does not allow ${action} on keys of this account: it must be changed in the organization's management account.` };
    case 'vpc-endpoint':
      return { layer: 'VPC endpoint policy', meaning: `The call went through a VPC endpoint whose policy does not allow ${action} on this key.` };
    case 'role-trust':
      return { layer: 'role trust policy', meaning: 'The role\'s trust policy does not let the caller assume it.' };
    case undefined:
      break;
  }
  if (parsed.denial === 'obscured') {
    return {
      layer: 'key policy (AWS will not say)',
      meaning: `AWS hides which layer refused a call on a key it will not confirm to the caller: usually a cross-account call the key policy in the key's account does not allow (or a wrong Region). Both sides must say yes across accounts.`,
      scenario: 'cross-account-one-side',
    };
  }
  return { layer: 'not named', meaning: 'AWS did not say which layer refused. Check in order: the key state, the key policy (does it delegate to IAM?), the caller\'s IAM policies, then grants.' };
}
