// Permissions boundary: a new default version of the boundary policy with one statement allowing the
// missing actions on the key. A boundary only caps permissions, so this grants nothing by itself.
import type { Cause } from '../cause.js';
import type { Fix, FixTarget } from '../fix.js';
import { blockedFixFor, keyUnknown, principalUnknown } from './blocked-fixes.js';
import { managedPolicyDestination, policyVersionsNote } from './document-destinations.js';
import { documentFix } from './document-fix.js';
import { allowStatement, isAwsManagedPolicy, managedPolicyName, pretty, sidSafe, sidsIn, statementsOf, uniqueSid, withAddedStatements } from './policy-documents.js';
import { describePrincipal } from './principals.js';
import { actionsToAllow, currentManagedPolicy, permissionsBoundaryOf, type Workspace } from './workspace.js';

export function boundaryFix(workspace: Workspace, cause: Cause): Fix {
  const { key, principal } = workspace;
  const actions = actionsToAllow(cause, workspace.diagnosis);
  const boundary = permissionsBoundaryOf(workspace);
  const boundaryArn = boundary?.arn ?? principal?.permissionsBoundaryArn ?? boundary?.name ?? '';
  const policyName = managedPolicyName(boundaryArn);
  const target: FixTarget = { type: 'identity-policy', arn: boundaryArn, policyName, principalKind: 'managed-policy' };
  const blocked = blockedFixFor(cause, target);
  const title = `Let the permissions boundary ${policyName || '(unknown)'} allow ${actions.join(', ')} on key ${key?.shortId ?? ''}`.trimEnd();
  if (!key) return blocked(title, keyUnknown(workspace));
  if (!principal) return blocked(title, principalUnknown(workspace));
  const current = currentManagedPolicy(workspace, boundaryArn, boundary);
  const added = [allowStatement(uniqueSid(`AllowUseOfKey${sidSafe(key.shortId)}`, sidsIn(current)), actions, key.arn)];
  const who = describePrincipal(principal);
  const explanation = `Adds one statement to the permissions boundary of ${who} allowing ${actions.join(', ')} on key ${key.arn}. A boundary grants nothing by itself: it only stops capping these actions, which the key policy or an identity policy must still allow.`;
  const snippet = pretty(added);
  if (boundaryArn === '' || current === undefined) {
    return blocked(title, `kms-doctor could not read the permissions boundary of ${who}. Add this statement to it as a new default policy version:`, { snippet, explanation });
  }
  if (isAwsManagedPolicy(boundaryArn)) {
    return blocked(title, `The boundary ${boundaryArn} is an AWS managed policy, which nobody can change. Set a customer managed boundary that also allows these actions on the key (aws iam put-${principal.kind}-permissions-boundary), with this statement:`, { snippet, explanation });
  }
  if (statementsOf(current.document) === undefined) {
    return blocked(title, `The boundary ${boundaryArn} has no Statement list kms-doctor can extend; a human should add the statement.`, { snippet, explanation });
  }
  return documentFix(workspace, {
    cause: cause.code,
    title,
    explanation,
    notes: [
      `The boundary may be attached to other users and roles: the new version raises their ceiling too (it grants them nothing).`,
      policyVersionsNote(policyName),
    ],
    target,
    ...managedPolicyDestination(boundaryArn),
    name: boundaryArn,
    before: current.document,
    after: withAddedStatements(current.document, added),
  });
}
