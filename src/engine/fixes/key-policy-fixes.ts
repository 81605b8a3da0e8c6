// Key policy: one new statement naming the principal's IAM entity, for exactly the missing actions.
// Used when the key policy is the missing side: it does not delegate to IAM, the principal is in another
// account, or it refuses kms:CreateGrant.
import { isCrossAccount } from '../identifiers.js';
import type { Cause } from '../cause.js';
import type { PrincipalIdentity } from '../facts.js';
import type { Fix } from '../fix.js';
import { viaServiceFor } from '../operations.js';
import { awsManagedKeyGuidance, blockedFixFor, keyPolicyUnreadable, keyUnknown, principalUnknown } from './blocked-fixes.js';
import { keyPolicyDestination } from './document-destinations.js';
import { documentFix } from './document-fix.js';
import { grantSplit, othersSentence, type Purpose } from './grant-statements.js';
import { allowStatement, pretty, sidsIn, statementsOf, uniqueSid, withAddedStatements, type Statement } from './policy-documents.js';
import { describePrincipal, isEntityArn, principalWord } from './principals.js';
import { actionsToAllow, callerIsOutside, currentKeyPolicy, keyPolicyTarget, type Workspace } from './workspace.js';

export function keyPolicyFix(workspace: Workspace, cause: Cause, purpose: Purpose): Fix {
  const { key, principal } = workspace;
  const target = keyPolicyTarget(workspace);
  const actions = actionsToAllow(cause, workspace.diagnosis);
  const blocked = blockedFixFor(cause, target);
  if (!key) return blocked('Add a statement to the key policy', keyUnknown(workspace));
  if (!principal) return blocked(`Add a statement to the policy of key ${key.shortId}`, principalUnknown(workspace));
  if (!isEntityArn(principal.entityArn)) {
    return blocked(`Add a statement to the policy of key ${key.shortId}`, `The principal ${principal.entityArn} is not an IAM role or user ARN, so kms-doctor will not name it in a key policy.`);
  }
  if (key.manager === 'AWS') {
    return blocked(`Allow ${describePrincipal(principal)} in the key policy`, awsManagedKeyGuidance(key));
  }
  const title = purpose === 'grant'
    ? `Allow ${describePrincipal(principal)} to create grants on key ${key.shortId} for AWS resources (key policy)`
    : `Allow ${describePrincipal(principal)} to use key ${key.shortId} in the key policy`;
  const current = currentKeyPolicy(workspace);
  const { added, explanation } = keyPolicyStatements(workspace, principal, actions, purpose, sidsIn(current));
  const snippet = pretty(added);
  if (current === undefined) {
    return blocked(title, `${keyPolicyUnreadable(workspace, key)} Add this statement to the key policy:`, { snippet, explanation });
  }
  if (statementsOf(current.document) === undefined) {
    return blocked(title, 'The key policy has no Statement list kms-doctor can extend; a human should add the statement.', { snippet, explanation });
  }
  const notes: string[] = [];
  if (callerIsOutside(workspace, key.accountId)) {
    notes.push(`Run this with credentials of account ${key.accountId}: KMS accepts PutKeyPolicy only from the account that owns the key.`);
  }
  notes.push('No existing statement changes, so whoever can manage the key today still can; kms-doctor never sets BypassPolicyLockoutSafetyCheck.');
  return documentFix(workspace, {
    cause: cause.code,
    title,
    explanation,
    notes,
    target,
    ...keyPolicyDestination(key),
    name: 'default',
    before: current.document,
    after: withAddedStatements(current.document, added),
  });
}

function keyPolicyStatements(
  workspace: Workspace,
  principal: PrincipalIdentity,
  actions: readonly string[],
  purpose: Purpose,
  taken: Set<string>,
): { added: Statement[]; explanation: string } {
  const who = describePrincipal(principal);
  const word = principalWord(principal);
  const allow = (sid: string, list: readonly string[]) => allowStatement(uniqueSid(sid, taken), list, '*', principal.entityArn);
  const { operation } = workspace.facts.request;
  if (purpose === 'grant') {
    const { grant, others } = grantSplit(operation, actions);
    const added: Statement[] = [{ ...allow(`Allow${word}GrantsForAwsResources`, ['kms:CreateGrant']), ...grant.condition }];
    if (others.length > 0) added.push(allow(`Allow${word}UseOfKey`, others));
    return { added, explanation: `Adds one key-policy statement letting ${who} call kms:CreateGrant on this key ${grant.explanation}.${othersSentence(others)} Existing statements are unchanged.` };
  }
  const viaService = viaServiceFor(operation, workspace.key?.region ?? workspace.facts.request.region);
  const statement = allow(`Allow${word}UseOfKey`, actions);
  const otherAccount = isCrossAccount(principal.accountId, workspace.key?.accountId);
  const alsoIam = otherAccount
    ? ` ${who} is in account ${principal.accountId}, another account than the key's: it also needs an IAM policy allowing these actions on the key ARN.`
    : ' In the key\'s own account this is enough by itself, whether or not the key policy delegates to IAM.';
  if (viaService === undefined) {
    return {
      added: [statement],
      explanation: `Adds one key-policy statement letting ${who} call ${actions.join(', ')} on this key.${alsoIam} Existing statements are unchanged.`,
    };
  }
  // The operation goes through a service, which always sets kms:ViaService. Requiring it limits the new
  // statement to that service's calls; it breaks nothing, because direct calls were not allowed by it before.
  return {
    added: [{ ...statement, Condition: { StringEquals: { 'kms:ViaService': viaService } } }],
    explanation: `Adds one key-policy statement letting ${who} call ${actions.join(', ')} on this key, only through ${viaService} (the kms:ViaService condition): that is how ${operation.name} reaches KMS. Direct KMS calls by ${who} are not allowed by this statement; remove the Condition if it also calls KMS itself.${alsoIam} Existing statements are unchanged.`,
  };
}
