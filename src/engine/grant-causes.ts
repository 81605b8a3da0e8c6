// Causes found in the grants on the key and in the principals policies and grants name:
// - grant-constraint-mismatch: a grant names the principal and the operation, but its encryption-context
//   constraint does not hold for the request (the grant is the intended path; an IAM allow would bypass it).
// - grant-recently-created: the grant that allows the call is minutes old and the call does not pass its
//   token: grants are eventually consistent (use the grant token, or wait). With AWS's denial reported it
//   is the refusal's cause; without one the verdict is unknown (never "allowed" on a grant maybe not in effect).
// - principal-recreated: the key policy or a grant names a unique ID (AROA…, AIDA…) where an ARN stood:
//   AWS shows that when the principal was deleted, and a recreated role or user does not match it.
import type { Cause, Evidence } from './cause.js';
import { list, who, type Scope, type Subject } from './diagnosis-scope.js';
import type { GrantFacts } from './facts.js';
import { grantAllows, grantOperationFor } from './grant-match.js';
import { statementCoversAction, statementSummary, uniqueIdPattern } from './policy-statements.js';

/** Grants take "usually less than five minutes" to be usable everywhere (KMS developer guide, "Eventual consistency"). */
export const grantConsistencyMs = 5 * 60 * 1000;

const namesSubject = (grant: GrantFacts, subject: Subject) => grant.granteePrincipal === subject.entityArn || grant.granteePrincipal === subject.arn;

/** The grants that name the principal and the action's operation but whose constraint fails. */
export function mismatchedGrants(scope: Scope, subject: Subject, action: string, grants: readonly GrantFacts[]): GrantFacts[] {
  const operation = grantOperationFor(action);
  if (operation === undefined) return [];
  const context = scope.facts.request.encryptionContext ?? {};
  return grants.filter(
    (grant) =>
      namesSubject(grant, subject) &&
      grant.operations.includes(operation) &&
      grant.constraints !== undefined &&
      !grantAllows(
        {
          operations: grant.operations,
          granteePrincipal: grant.granteePrincipal,
          ...(grant.constraints.encryptionContextEquals ? { encryptionContextEquals: grant.constraints.encryptionContextEquals } : {}),
          ...(grant.constraints.encryptionContextSubset ? { encryptionContextSubset: grant.constraints.encryptionContextSubset } : {}),
        },
        { operation, principalArns: [grant.granteePrincipal], encryptionContext: context },
      ),
  );
}

export function grantConstraintCause(scope: Scope, grant: GrantFacts, actions: string[]): Cause {
  const constraint = grant.constraints?.encryptionContextEquals
    ? { type: 'EncryptionContextEquals', value: grant.constraints.encryptionContextEquals }
    : { type: 'EncryptionContextSubset', value: grant.constraints?.encryptionContextSubset ?? {} };
  const context = scope.facts.request.encryptionContext;
  return {
    code: 'grant-constraint-mismatch',
    layer: 'grant',
    summary:
      `Grant ${grant.grantId}${grant.name !== undefined ? ` (${grant.name})` : ''} gives ${who(scope)} ${list(actions)} only with the encryption context ${constraint.type === 'EncryptionContextEquals' ? 'exactly' : 'including'} ${JSON.stringify(constraint.value)}, ` +
      `and the request ${context === undefined || Object.keys(context).length === 0 ? 'has no encryption context' : `has ${JSON.stringify(context)}`}: send the context the grant was made for.`,
    actions,
    evidence: [
      { what: 'Grant', value: { grantId: grant.grantId, name: grant.name, operations: grant.operations, granteePrincipal: grant.granteePrincipal }, source: 'kms:ListGrants' },
      { what: 'Grant constraint', value: constraint, source: 'kms:ListGrants' },
      { what: 'Encryption context of the request', value: context ?? 'none given', source: 'request' },
    ],
  };
}

/** A grant created less than the consistency window ago (its CreationDate read and recent). */
export function isRecentGrant(grant: GrantFacts, now: Date): boolean {
  if (grant.creationDate === undefined) return false;
  const created = Date.parse(grant.creationDate);
  return !Number.isNaN(created) && now.getTime() - created < grantConsistencyMs;
}

/**
 * The grant that alone allows the call is younger than the consistency window and the call does not pass
 * its token. With AWS's AccessDeniedException reported ('refused') that is the cause of the refusal;
 * without it ('pending') nobody can tell whether the grant is in effect where the call lands yet, so the
 * cause explains an unknown verdict: "usually less than five minutes" (KMS developer guide, "Eventual
 * consistency"); "To use the permissions in a new grant immediately, use the grant token" ("Using a grant token").
 */
export function grantRecentlyCreatedCause(scope: Scope, grant: GrantFacts, actions: string[], now: Date, seen: 'refused' | 'pending'): Cause {
  const created = Date.parse(grant.creationDate!);
  const ageSeconds = Math.max(0, Math.round((now.getTime() - created) / 1000));
  const inEffectBy = new Date(created + grantConsistencyMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const named = `Grant ${grant.grantId}`;
  const summary =
    seen === 'refused'
      ? `${named} allows ${list(actions)} to ${who(scope)}, but it was created ${ageSeconds} seconds ago and AWS reported a denial: a new grant takes up to five minutes to be usable everywhere. ` +
        `Pass the grant token (GrantTokens) with the call, or retry after ${inEffectBy}; nothing needs to change.`
      : `Only grant ${grant.grantId} allows ${list(actions)} to ${who(scope)}, and it was created ${ageSeconds} seconds ago: a new grant can take up to five minutes to be in effect everywhere, and until then a call that does not pass its grant token may be refused with AccessDeniedException. ` +
        `Whether this call is allowed cannot be known before ${inEffectBy}: pass the grant token (GrantTokens) with the call, or wait until then.`;
  return {
    code: 'grant-recently-created',
    layer: 'grant',
    summary,
    actions,
    evidence: [
      { what: 'Grant', value: { grantId: grant.grantId, name: grant.name, operations: grant.operations }, source: 'kms:ListGrants' },
      { what: 'Grant created', value: grant.creationDate, source: 'kms:ListGrants' },
      { what: 'Grant age (seconds)', value: ageSeconds, source: 'kms:ListGrants CreationDate and this machine\'s clock' },
      { what: 'Grant in effect everywhere by (five minutes after creation)', value: inEffectBy, source: 'KMS developer guide, "Eventual consistency"' },
      seen === 'refused'
        ? { what: 'AWS reported', value: scope.facts.request.reportedError?.errorCode ?? 'AccessDeniedException', source: 'the error message' }
        : { what: 'Grant token passed with the call', value: 'no', source: 'request (check: --grant-token-for GRANT_ID when it does)' },
    ],
    recentGrant: { grantId: grant.grantId, createdAt: grant.creationDate!, ageSeconds, inEffectBy },
  };
}


/**
 * Key-policy statements and grants that cover the action but name a bare unique ID: the principal they
 * were written for was deleted (and maybe recreated under the same name, which does not match).
 */
export function principalRecreatedCause(scope: Scope, subject: Subject, actions: readonly string[], grants: readonly GrantFacts[] | undefined): Cause | undefined {
  const statements = scope.keyStatements.filter(
    (s) => s.effect === 'Allow' && s.principals.some((p) => uniqueIdPattern.test(p)) && actions.some((a) => statementCoversAction(s, a)),
  );
  const staleGrants = (grants ?? []).filter((g) => uniqueIdPattern.test(g.granteePrincipal) && actions.some((a) => { const op = grantOperationFor(a); return op !== undefined && g.operations.includes(op); }));
  if (statements.length === 0 && staleGrants.length === 0) return undefined;
  const ids = [...new Set([...statements.flatMap((s) => s.principals.filter((p) => uniqueIdPattern.test(p))), ...staleGrants.map((g) => g.granteePrincipal)])];
  const evidence: Evidence[] = [
    ...statements.map((s) => ({ what: 'Key policy statement naming a unique ID instead of an ARN', value: statementSummary(s), source: 'kms:GetKeyPolicy', statement: { policyName: 'default', ...(s.sid !== undefined ? { statementId: s.sid } : {}), statementIndex: s.index } })),
    ...staleGrants.map((g) => ({ what: 'Grant naming a unique ID instead of an ARN', value: { grantId: g.grantId, granteePrincipal: g.granteePrincipal, operations: g.operations }, source: 'kms:ListGrants' })),
    { what: `${subject.name}'s ARN today`, value: subject.entityArn, source: 'IAM' },
  ];
  // The ID the principal has now: a different one from the ID the policy names is the proof it was recreated.
  const principal = scope.facts.principal.status === 'known' ? scope.facts.principal.value : undefined;
  if (principal?.uniqueId !== undefined) evidence.push({ what: `${subject.name}'s unique ID today`, value: principal.uniqueId, source: principal.kind === 'role' ? 'iam:GetRole' : 'iam:GetUser' });
  return {
    code: 'principal-recreated',
    layer: statements.length > 0 ? 'key-policy' : 'grant',
    summary:
      `${statements.length > 0 ? 'The key policy' : 'A grant'} names ${list(ids)}, a unique ID where a role or user ARN stood: AWS shows that when the principal it named was deleted, and a role or user created again with the same name (such as ${subject.entityArn}) gets a new ID that does not match. ` +
      'Name the principal by its ARN again (re-save the statement, or create the grant again).',
    actions: [...actions],
    evidence,
  };
}
