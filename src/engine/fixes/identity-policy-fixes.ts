// Identity policy: an inline policy named kms-doctor-<key ID's first 8> on the principal, or one more
// statement in it when it exists already. Its Resource is the key ARN, never `*` or an alias.
import type { Cause } from '../cause.js';
import type { Fix, FixTarget } from '../fix.js';
import { viaServiceFor } from '../operations.js';
import { blockedFixFor, keyUnknown, principalUnknown } from './blocked-fixes.js';
import { fileSafe, shellWord } from './cli-commands.js';
import { inlinePolicyDestination } from './document-destinations.js';
import { documentFix } from './document-fix.js';
import { grantSplit, othersSentence, type Purpose } from './grant-statements.js';
import { allowStatement, pretty, sidSafe, sidsIn, statementsOf, uniqueSid, withAddedStatements, type Statement } from './policy-documents.js';
import { describePrincipal, isServiceLinkedRole } from './principals.js';
import { actionsToAllow, callerIsOutside, inlinePoliciesOf, type FixKey, type Workspace } from './workspace.js';

/** Prefix of the inline policies kms-doctor writes; the first 8 characters of the key ID follow. */
export const inlinePolicyPrefix = 'kms-doctor-';

export function identityPolicyFix(workspace: Workspace, cause: Cause, purpose: Purpose): Fix {
  const { key, principal } = workspace;
  const actions = actionsToAllow(cause, workspace.diagnosis);
  const policyName = key ? `${inlinePolicyPrefix}${fileSafe(key.shortId)}` : `${inlinePolicyPrefix}key`;
  const target: FixTarget = {
    type: 'identity-policy',
    arn: principal?.entityArn ?? workspace.facts.request.principal?.arn ?? '',
    policyName,
    principalKind: principal?.kind ?? 'role',
  };
  const blocked = blockedFixFor(cause, target);
  if (!key) return blocked('Allow the key in an IAM policy', keyUnknown(workspace));
  if (!principal) return blocked(`Allow key ${key.shortId} in an IAM policy`, principalUnknown(workspace));
  const who = describePrincipal(principal);
  const title = purpose === 'grant'
    ? `Allow ${who} to create grants on key ${key.shortId} for AWS resources (inline policy ${policyName})`
    : `Allow ${who} to use key ${key.shortId} (inline policy ${policyName})`;
  const inline = inlinePoliciesOf(workspace, principal);
  const existing = inline?.find((p) => p.name.toLowerCase() === policyName.toLowerCase());
  const lead = existing ? `Adds one statement to the inline policy ${existing.name}` : `Creates the inline policy ${policyName} with one statement`;
  const { added, explanation } = identityStatements(workspace, key, actions, purpose, sidsIn(existing), lead, who);
  const snippet = pretty(added);
  if (isServiceLinkedRole(principal.entityArn)) {
    return blocked(title, `${who} is a service-linked role: IAM does not let anyone change its policies. Allow it in the key policy instead, or create a grant for it.`, { snippet, explanation });
  }
  if (inline === undefined) {
    return blocked(
      title,
      `kms-doctor could not read the inline policies of ${who}, so it cannot tell whether a policy named ${policyName} exists (writing it would replace that policy) or how much of IAM's size quota is left. Check with \`aws iam list-${principal.kind}-policies --${principal.kind}-name ${shellWord(principal.name)}\`, then add this statement:`,
      { snippet, explanation },
    );
  }
  const name = existing?.name ?? policyName;
  if (existing && statementsOf(existing.document) === undefined) {
    return blocked(title, `The inline policy ${name} has no Statement list kms-doctor can extend; a human should add the statement.`, { snippet, explanation });
  }
  const notes: string[] = [];
  if (callerIsOutside(workspace, principal.accountId)) {
    notes.push(`Run this with credentials of account ${principal.accountId}, which ${who} belongs to.`);
  }
  if (existing) notes.push(`The inline policy ${name} exists already; the statement is added to it and its other statements are kept.`);
  return documentFix(workspace, {
    cause: cause.code,
    title,
    explanation,
    notes,
    target: { ...target, policyName: name },
    ...inlinePolicyDestination(principal, name, inline.filter((p) => p !== existing)),
    name,
    before: existing?.document,
    after: existing ? withAddedStatements(existing.document, added) : { Version: '2012-10-17', Statement: added },
  });
}

function identityStatements(
  workspace: Workspace,
  key: FixKey,
  actions: readonly string[],
  purpose: Purpose,
  taken: Set<string>,
  /** "Creates the inline policy P with one statement" or "Adds one statement to the inline policy P". */
  lead: string,
  who: string,
): { added: Statement[]; explanation: string } {
  const short = sidSafe(key.shortId);
  const allow = (sid: string, list: readonly string[]) => allowStatement(uniqueSid(sid, taken), list, key.arn);
  if (purpose === 'grant') {
    const { grant, others } = grantSplit(workspace.facts.request.operation, actions);
    const added: Statement[] = [{ ...allow(`AllowGrantsForAwsResourcesOnKey${short}`, ['kms:CreateGrant']), ...grant.condition }];
    if (others.length > 0) added.push(allow(`AllowUseOfKey${short}`, others));
    return {
      added,
      explanation: `${lead} letting ${who} call kms:CreateGrant on key ${key.arn} ${grant.explanation}.${othersSentence(others)}`,
    };
  }
  const statement = allow(`AllowUseOfKey${short}`, actions);
  const { operation } = workspace.facts.request;
  const viaService = viaServiceFor(operation, key.region);
  if (viaService === undefined) {
    return {
      added: [statement],
      explanation: `${lead} letting ${who} call ${actions.join(', ')} on key ${key.arn} (the key ARN, not an alias: IAM matches aliases as separate resources).`,
    };
  }
  // As in the key policy: the service always sets kms:ViaService, so requiring it keeps direct KMS
  // calls out of the new permission (they are not what failed).
  return {
    added: [{ ...statement, Condition: { StringEquals: { 'kms:ViaService': viaService } } }],
    explanation: `${lead} letting ${who} call ${actions.join(', ')} on key ${key.arn} (the key ARN, not an alias: IAM matches aliases as separate resources), only through ${viaService} (the kms:ViaService condition), which is how ${operation.name} reaches KMS. Direct KMS calls by ${who} are not allowed by it; remove the Condition if it also calls KMS itself.`,
  };
}
