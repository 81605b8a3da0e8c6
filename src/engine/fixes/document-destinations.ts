// The three kinds of document a fix writes (the key policy, a principal's inline policy, a customer
// managed policy), each with its diff label, working-document key, file name, size limit and write.
import type { PrincipalIdentity } from '../facts.js';
import { createPolicyVersion, fileSafe, putEntityPolicy, putKeyPolicy } from './cli-commands.js';
import type { DocumentDestination } from './document-fix.js';
import { inlineSizeProblem, keyPolicySizeProblem, managedPolicyName, managedSizeProblem } from './policy-documents.js';
import { inlineKey, managedKey, type FixKey, type WorkingDocument } from './workspace.js';

export function keyPolicyDestination(key: FixKey): DocumentDestination {
  return {
    label: 'key-policy',
    documentKey: 'key-policy',
    fileStem: `kms-doctor-key-policy-${fileSafe(key.shortId)}`,
    sizeProblem: keyPolicySizeProblem,
    mayCompact: true,
    write: (text, file) => putKeyPolicy(key, text, file),
  };
}

/** `others` are the principal's other inline policies, which share IAM's size quota with this one. */
export function inlinePolicyDestination(principal: PrincipalIdentity, policyName: string, others: readonly WorkingDocument[]): DocumentDestination {
  return {
    label: `${principal.kind}-policy ${principal.name}/${policyName}`,
    documentKey: inlineKey(principal, policyName),
    fileStem: `kms-doctor-${principal.kind}-policy-${fileSafe(principal.name)}-${fileSafe(policyName)}`,
    sizeProblem: (text) => inlineSizeProblem(principal, others, text),
    mayCompact: false,
    write: (text, file) => putEntityPolicy(principal, policyName, text, file),
  };
}

/** A new default version of the policy: IAM keeps the old one, which is how the change is undone. */
export function managedPolicyDestination(policyArn: string): DocumentDestination {
  return {
    label: `managed-policy ${managedPolicyName(policyArn)}`,
    documentKey: managedKey(policyArn),
    fileStem: `kms-doctor-managed-policy-${fileSafe(managedPolicyName(policyArn))}`,
    sizeProblem: managedSizeProblem(policyArn),
    mayCompact: false,
    write: (text, file) => createPolicyVersion(policyArn, text, file),
  };
}

export function policyVersionsNote(policyName: string): string {
  return `IAM keeps at most five versions of a policy: if ${policyName} has five, delete the oldest non-default version first. To undo, make the previous version the default again (aws iam set-default-policy-version).`;
}
