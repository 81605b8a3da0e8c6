// principal-recreated: a key-policy statement names the unique ID (AROA…, AIDA…) of a role or user that
// was deleted; IAM shows the ID because it can no longer map it to an ARN, and the principal created
// again under the same name has a new ID that does not match (IAM User Guide, "Principal" element: a
// recreated role or user must be named again by ARN). The fix names the principal's ARN in place of the
// stale ID, in the statements that would allow the request and nowhere else, so what they grant is what
// they granted before the principal was deleted.
// KMS refuses a key policy that still holds an orphaned unique ID (PutKeyPolicy: MalformedPolicyDocument-
// Exception "Policy contains a statement with one or more invalid principals"; AWS Knowledge Center,
// kms-policy-error-invalid-principals), so the same stale ID elsewhere in the policy is removed: it
// matches nobody today, so removing it changes no one's access.
import type { Cause } from '../cause.js';
import type { Fix } from '../fix.js';
import { awsManagedKeyGuidance, blockedFixFor } from './blocked-fixes.js';
import { keyPolicyDestination } from './document-destinations.js';
import { documentFix } from './document-fix.js';
import { uniqueIdPattern } from '../policy-statements.js';
import { isObject, statementsOf } from './policy-documents.js';
import { describePrincipal, isEntityArn } from './principals.js';
import { callerIsOutside, currentKeyPolicy, keyPolicyTarget, type Workspace } from './workspace.js';

/** The policy's AWS principals of a statement as a list (one string or a list of them). */
function awsPrincipals(statement: Record<string, unknown>): string[] | undefined {
  const principal = statement.Principal;
  if (!isObject(principal)) return undefined;
  const aws = principal.AWS;
  if (typeof aws === 'string') return [aws];
  return Array.isArray(aws) && aws.every((p) => typeof p === 'string') ? (aws as string[]) : undefined;
}

function withAwsPrincipals(statement: Record<string, unknown>, principals: readonly string[]): Record<string, unknown> {
  const principal = statement.Principal as Record<string, unknown>;
  return { ...statement, Principal: { ...principal, AWS: principals.length === 1 ? principals[0] : [...principals] } };
}

/** The PutKeyPolicy fix, or undefined when it cannot be written (the caller then gives guidance). */
export function recreatedPrincipalFix(workspace: Workspace, cause: Cause): Fix | undefined {
  const { key, principal } = workspace;
  const target = keyPolicyTarget(workspace);
  if (cause.layer !== 'key-policy' || !key || !principal || !isEntityArn(principal.entityArn)) return undefined;
  const blocked = blockedFixFor(cause, target);
  const title = `Name ${describePrincipal(principal)} by its ARN again in the policy of key ${key.shortId}`;
  if (key.manager === 'AWS') return blocked(title, awsManagedKeyGuidance(key));
  const current = currentKeyPolicy(workspace);
  const statements = current ? statementsOf(current.document) : undefined;
  if (!current || !statements) return undefined;
  // The statements the diagnosis found allowing the request but for the stale ID.
  const indices = new Set(cause.evidence.flatMap((e) => (e.statement?.statementIndex !== undefined ? [e.statement.statementIndex] : [])));
  // A role's ID starts AROA, a user's AIDA: an ID of the other kind was never this principal.
  const prefix = principal.kind === 'role' ? 'AROA' : 'AIDA';
  const stale = new Set<string>();
  for (const index of indices) {
    const statement = statements[index];
    for (const id of (isObject(statement) ? awsPrincipals(statement) : undefined) ?? []) if (uniqueIdPattern.test(id) && id.startsWith(prefix)) stale.add(id);
  }
  if (stale.size === 0) return undefined;

  const renamed: string[] = [];
  const cleaned: string[] = [];
  const after: unknown[] = [];
  statements.forEach((statement, index) => {
    const principals = isObject(statement) ? awsPrincipals(statement) : undefined;
    if (!isObject(statement) || !principals || !principals.some((p) => stale.has(p))) {
      after.push(statement);
      return;
    }
    const label = typeof statement.Sid === 'string' ? `"${statement.Sid}"` : `#${index + 1}`;
    if (indices.has(index)) {
      renamed.push(label);
      after.push(withAwsPrincipals(statement, [...new Set(principals.map((p) => (stale.has(p) ? principal.entityArn : p)))]));
      return;
    }
    cleaned.push(label);
    const kept = principals.filter((p) => !stale.has(p));
    // A statement that named only the deleted principal grants nobody: without it nothing changes.
    if (kept.length > 0) after.push(withAwsPrincipals(statement, kept));
  });
  const document = { ...(current.document as Record<string, unknown>), Statement: after };
  const ids = [...stale].join(', ');
  const notes: string[] = [];
  if (callerIsOutside(workspace, key.accountId)) {
    notes.push(`Run this with credentials of account ${key.accountId}: KMS accepts PutKeyPolicy only from the account that owns the key.`);
  }
  notes.push('No other principal, action or condition changes, so whoever can manage the key today still can; kms-doctor never sets BypassPolicyLockoutSafetyCheck.');
  notes.push(`The policy as it is now cannot be written back: KMS refuses the unique ID of a deleted principal. To undo this change, remove ${principal.entityArn} from the statement${renamed.length === 1 ? '' : 's'} it was added to.`);
  return documentFix(workspace, {
    cause: cause.code,
    title,
    explanation:
      `Replaces ${ids}, the unique ID of the ${principal.kind} that was deleted, by ${principal.entityArn} in statement${renamed.length === 1 ? '' : 's'} ${renamed.join(', ')} of the key policy, and changes nothing else: the statement grants the actions it granted before, now to the ${principal.kind} of that name.` +
      (cleaned.length > 0
        ? ` The same stale ID is also removed from statement${cleaned.length === 1 ? '' : 's'} ${cleaned.join(', ')}, where it matches nobody today: KMS refuses to save a key policy that still holds it.`
        : ''),
    notes,
    target,
    ...keyPolicyDestination(key),
    name: 'default',
    before: current.document,
    after: document,
  });
}
