// From a diagnosis to the changes that repair it: one Fix per cause, each the least privilege that makes
// the failing operation work, shown as a reviewer wants it (before/after, unified diff, aws CLI commands)
// and as the apply step performs it (ordered steps). Pure: it reads facts and writes nothing.
// The builders, one module per kind of fix, live in ./fixes/; this module picks one per cause.
//
// Rules that hold for every fix (shared/domain/SDK-AND-SAFETY.md §1):
// - Documents only grow by new statements; existing statements stay byte-identical. The one exception is
//   narrowing an explicit Deny, which removes only the denied actions from that Deny's Action list.
// - New key-policy statements name the principal's IAM entity (role ARN with path, or user ARN), never a
//   session, `*` or an account root, and list exactly the missing actions.
// - New identity statements name the key ARN as Resource, never `*` or an alias.
// - Nothing is written that would exceed a size limit; a fix that would is blocked, with the sizes.
// - Fixes that touch the same document chain: each one's `before` is the previous one's `after`, so
//   applying the list in order never loses a change (and a stale-plan check catches a skipped one).
import type { Cause, CauseCode, Diagnosis } from './cause.js';
import type { DiagnosisFacts } from './facts.js';
import type { Fix } from './fix.js';
import { boundaryFix } from './fixes/boundary-fixes.js';
import { explicitDenyFix } from './fixes/explicit-deny-fixes.js';
import { guidanceFix } from './fixes/guidance-fixes.js';
import { identityPolicyFix } from './fixes/identity-policy-fixes.js';
import { keyPolicyFix } from './fixes/key-policy-fixes.js';
import { keyStateFix } from './fixes/key-state-fixes.js';
import { createWorkspace, type Workspace } from './fixes/workspace.js';

export { narrowDeny } from './fixes/deny-narrowing.js';
export { inlinePolicyPrefix } from './fixes/identity-policy-fixes.js';
export { policySizeLimits } from './fixes/policy-documents.js';

/**
 * One fix per cause, in the diagnosis's order (the order to apply them in). A cause kms-doctor cannot
 * repair by itself (a missing key, key material, a session policy, an SCP…) still gets a Fix: it has
 * `blockedBy` set to what a human has to do, and no steps.
 */
export function proposeFixes(facts: DiagnosisFacts, diagnosis: Diagnosis): Fix[] {
  const workspace = createWorkspace(facts, diagnosis);
  const fixes = diagnosis.causes.map((cause) => fixFor(workspace, cause));
  return withoutFutileFixes(diagnosis, fixes);
}

/**
 * Causes no policy change can get past: an operation KMS never allows across accounts, an AWS managed
 * key (its policy cannot change, it refuses other accounts and direct use). A policy fix for the same
 * actions cannot work, so it is not proposed: blocked, saying why.
 */
const futileCauses: Partial<Record<CauseCode, string>> = {
  'operation-not-cross-account': 'KMS never allows this operation from another account, so no policy change can make the call work',
  'aws-managed-key-cross-account': 'the key is an AWS managed key, which no other account may use whatever the policies say',
  'aws-managed-key-direct-use': 'the key is an AWS managed key, which only its AWS service may use, whatever other policies say',
};

function withoutFutileFixes(diagnosis: Diagnosis, fixes: Fix[]): Fix[] {
  const futile = diagnosis.causes.flatMap((cause) => (futileCauses[cause.code] ? [cause] : []));
  if (futile.length === 0) return fixes;
  return fixes.map((fix, index) => {
    const cause = diagnosis.causes[index]!;
    if (futileCauses[cause.code] || fix.steps.length === 0) return fix;
    const blocker = futile.find((f) => f.actions.length === 0 || cause.actions.some((a) => f.actions.includes(a)));
    if (!blocker) return fix;
    return { ...fix, commands: [], files: [], steps: [], blockedBy: `Not proposed: ${futileCauses[blocker.code]!} (${blocker.code}).` };
  });
}

function fixFor(workspace: Workspace, cause: Cause): Fix {
  switch (cause.code) {
    case 'key-policy-no-iam-delegation':
    case 'cross-account-key-policy':
      return keyPolicyFix(workspace, cause, 'use');
    case 'identity-policy-missing-actions':
    case 'cross-account-identity-policy':
      return identityPolicyFix(workspace, cause, 'use');
    case 'grant-creation-denied':
      return cause.layer === 'key-policy' ? keyPolicyFix(workspace, cause, 'grant') : identityPolicyFix(workspace, cause, 'grant');
    case 'permissions-boundary':
      return boundaryFix(workspace, cause);
    case 'explicit-deny':
      return explicitDenyFix(workspace, cause);
    case 'key-disabled':
    case 'key-pending-deletion':
      return keyStateFix(workspace, cause);
    case 'key-not-found':
    case 'key-pending-import':
    case 'key-unavailable':
    case 'session-policy':
    case 'aws-managed-key-cross-account':
      return guidanceFix(workspace, cause);
    // Issue 8's causes: exact guidance, or a change to the request (proved like any fix).
    case 'scp':
    case 'rcp':
    case 'vpc-endpoint-policy':
    case 'condition-not-met':
    case 'condition-unknown':
    case 'wrong-region':
    case 'key-usage-mismatch':
    case 'grant-constraint-mismatch':
    case 'grant-recently-created':
    case 'aws-managed-key-direct-use':
    case 'operation-not-cross-account':
    case 'alias-cross-account':
    case 'principal-recreated':
    case 'encryption-context-mismatch':
    case 'incorrect-key':
    case 'key-state-transient':
      return guidanceFix(workspace, cause);
  }
}
