// Fixes for a denied kms:CreateGrant (the grant-creation-denied cause): the condition that limits the
// new CreateGrant statement, and the sentences that explain it. Key-policy and identity-policy fixes
// both use these, because the missing Allow can be on either side.
import type { OperationRequirement } from '../operations.js';

/** Whether the new statements let the principal use the key, or create grants on it. */
export type Purpose = 'use' | 'grant';

/** kms:CreateGrant's statement condition, and the cause's other actions (allowed without it). */
export function grantSplit(operation: OperationRequirement, actions: readonly string[]) {
  const others = actions.filter((a) => a.toLowerCase() !== 'kms:creategrant');
  // Services create grants with kms:GrantIsForAWSResource true; a principal calling CreateGrant itself
  // does not, so requiring it there would leave the failing call failing (KMS-DENIALS CND-4).
  const grant = operation.usesGrants
    ? {
        condition: { Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
        explanation: `only when an AWS service creates the grant for a resource it manages (kms:GrantIsForAWSResource), as ${operation.name} does`,
      }
    : { condition: {}, explanation: `(${operation.name} calls CreateGrant itself, so kms:GrantIsForAWSResource would not be true)` };
  return { grant, others };
}

export function othersSentence(others: readonly string[]): string {
  return others.length > 0 ? ` A second statement allows ${others.join(', ')}, which the same cause found missing.` : '';
}
