// Evidence helpers for policy causes: the statements, values and decisions that prove a cause, and
// how a layer and its policy are named.
import type { CauseLayer, Evidence, StatementLocation } from '../cause.js';
import { known, list, who, type ActionEvaluation, type Scope, type Subject } from '../diagnosis-scope.js';
import type { RequestContext } from '../kms-request-context.js';
import {
  namesAccount,
  namesPrincipal,
  statementCoversAction,
  statementLabel,
  statementsOf,
  statementSummary,
  type PolicyStatement,
} from '../policy-statements.js';

export function identityDecision(evaluation: ActionEvaluation, scope: Scope): 'allowed' | 'not allowed' | 'explicitly denied' | 'unknown' {
  if (scope.identityPolicies === undefined) return 'unknown';
  const decision = evaluation.outcome.layers['identity-policy']?.decision;
  return decision === 'Allowed' ? 'allowed' : decision === 'ExplicitlyDenied' ? 'explicitly denied' : 'not allowed';
}

export function identityAllowedBy(evaluation: ActionEvaluation): string {
  const statements = evaluation.outcome.layers['identity-policy']?.allowStatements ?? [];
  return statements.map((s) => `${s.policyName ?? 'policy'} (${statementLabel(s)})`).join(', ');
}

export function iamVerdictEvidence(scope: Scope, evaluations: readonly ActionEvaluation[]): Evidence {
  const value = Object.fromEntries(
    evaluations.map((e) => {
      const decision = identityDecision(e, scope);
      const by = decision === 'allowed' ? identityAllowedBy(e) : '';
      return [e.action, decision === 'unknown' ? 'unknown (IAM policies not read)' : by ? `${decision} by ${by}` : decision];
    }),
  );
  return { what: `Would ${who(scope)}'s IAM policies allow it?`, value, source: 'local evaluation of the IAM policies' };
}

/** Statements of the IAM policies that mention KMS (or every action), for "what does IAM allow today". */
export function identityKmsStatements(scope: Scope, actionFilter?: (action: string) => boolean): Evidence {
  const found: Record<string, unknown>[] = [];
  for (const policy of scope.identitySources) {
    for (const statement of statementsOf(policy.document)) {
      const mentionsKms = [...statement.actions, ...statement.notActions].some((a) => a === '*' || a.toLowerCase().startsWith('kms:'));
      if (!mentionsKms) continue;
      if (actionFilter && !statement.actions.some((a) => actionFilter(a))) continue;
      found.push({ policy: policy.groupName !== undefined ? `${policy.name} (group ${policy.groupName})` : policy.name, ...statementSummary(statement) });
    }
  }
  return {
    what: `${who(scope)}'s IAM statements about KMS`,
    value: found.length > 0 ? found : 'none',
    source: 'IAM policies',
  };
}

export function policiesCheckedEvidence(scope: Scope): Evidence {
  const policies = known(scope.facts.principalPolicies)?.policies ?? [];
  return {
    what: 'IAM policies checked',
    value: policies.length > 0 ? policies.map((p) => (p.groupName !== undefined ? `${p.name} (group ${p.groupName})` : p.name)) : 'none attached',
    source: 'IAM',
  };
}

export function keyStatementsEvidence(scope: Scope): Evidence {
  return { what: 'Key policy statements checked', value: scope.keyStatements.map(statementSummary), source: 'kms:GetKeyPolicy' };
}

export function locationOf(statement: PolicyStatement, policyName: string): StatementLocation {
  return { policyName, ...(statement.sid !== undefined ? { statementId: statement.sid } : {}), statementIndex: statement.index };
}

/** How the key policy treats an account: whether it names it, for which actions, under which conditions. */
export function accountStatementEvidence(scope: Scope, accountId: string, actions: readonly string[], role: 'delegation' | 'cross-account'): Evidence[] {
  const statements = scope.keyStatements.filter((s) => s.effect === 'Allow' && namesAccount(s, accountId));
  const label =
    role === 'delegation'
      ? `Statement letting IAM policies grant access (Principal arn:aws:iam::${accountId}:root)`
      : `Statement allowing account ${accountId} (Principal arn:aws:iam::${accountId}:root)`;
  if (statements.length === 0) return [{ what: label, value: 'none in the key policy', source: 'kms:GetKeyPolicy' }];
  return statements.map((statement) => {
    const covered = actions.filter((a) => statementCoversAction(statement, a));
    const missing = actions.filter((a) => !statementCoversAction(statement, a));
    const value =
      missing.length > 0
        ? `${statementLabel(statement)} names the account but does not cover ${list(missing)}`
        : statement.condition !== undefined
          ? `${statementLabel(statement)} covers ${list(covered)} only under conditions this request does not meet`
          : `${statementLabel(statement)} covers ${list(covered)}`;
    return { what: label, value, source: 'kms:GetKeyPolicy', statement: locationOf(statement, 'default') };
  });
}

export function principalStatementEvidence(scope: Scope, subject: Subject, actions: readonly string[]): Evidence {
  const arns = [subject.entityArn, subject.arn];
  const statements = scope.keyStatements.filter((s) => s.effect === 'Allow' && namesPrincipal(s, arns));
  const value =
    statements.length === 0
      ? 'none'
      : statements.map((s) => {
          const missing = actions.filter((a) => !statementCoversAction(s, a));
          const everyone = s.principals.includes('*') ? ' (Principal "*")' : '';
          const why = missing.length > 0 ? `does not cover ${list(missing)}` : 'covers the actions only under conditions this request does not meet';
          return `${statementLabel(s)}${everyone} ${why}`;
        });
  return { what: `Key policy statements naming ${subject.name} (${subject.entityArn})`, value, source: 'kms:GetKeyPolicy' };
}

/** The context values a statement's condition tests, as this request sets them. */
export function conditionContextEvidence(statement: unknown, context: RequestContext): Evidence | undefined {
  const condition = typeof statement === 'object' && statement !== null ? (statement as Record<string, unknown>).Condition : undefined;
  if (typeof condition !== 'object' || condition === null) return undefined;
  const keys = new Set<string>();
  for (const clauses of Object.values(condition as Record<string, unknown>)) {
    if (typeof clauses === 'object' && clauses !== null) for (const key of Object.keys(clauses)) keys.add(key);
  }
  if (keys.size === 0) return undefined;
  const lowerContext = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  const value = Object.fromEntries([...keys].map((k) => [k, lowerContext.get(k.toLowerCase()) ?? '(not set in this request)']));
  return { what: 'Request context the condition tests', value, source: 'request context' };
}

export function policyDocumentByName(scope: Scope, layer: CauseLayer, policyName: string | undefined): unknown {
  switch (layer) {
    case 'key-policy':
      return scope.keyPolicy?.document;
    case 'identity-policy':
      return scope.identitySources.find((p) => p.name === policyName || p.arn === policyName)?.document;
    case 'permissions-boundary':
      return scope.boundary?.document;
    case 'session-policy':
      return scope.options.sessionPolicy?.document;
    case 'vpc-endpoint-policy':
      return scope.options.vpcEndpointPolicy?.document;
    case 'scp':
    case 'rcp': {
      const levels = (layer === 'scp' ? scope.serviceControlPolicies : scope.resourceControlPolicies) ?? [];
      return levels.flatMap((l) => l.policies).find((p) => p.name === policyName)?.document;
    }
    default:
      return undefined;
  }
}

export function layerPhrase(scope: Scope, layer: CauseLayer, policyName: string | undefined): string {
  const name = who(scope);
  switch (layer) {
    case 'key-policy':
      return 'the key policy';
    case 'identity-policy':
      return `${name}'s IAM policy ${policyName ?? ''}`.trimEnd();
    case 'permissions-boundary':
      return `${name}'s permissions boundary ${policyName ?? ''}`.trimEnd();
    case 'session-policy':
      return `the session policy of ${name}'s session`;
    case 'vpc-endpoint-policy':
      return `the policy of the VPC endpoint ${policyName ?? ''}`.trimEnd();
    case 'scp':
      return `the service control policy ${policyName ?? ''}`.trimEnd();
    case 'rcp':
      return `the resource control policy ${policyName ?? ''}`.trimEnd();
    default:
      return 'a policy';
  }
}

export function sourceOfLayer(layer: CauseLayer): string {
  switch (layer) {
    case 'key-policy':
      return 'kms:GetKeyPolicy';
    case 'identity-policy':
    case 'permissions-boundary':
      return 'IAM';
    case 'scp':
    case 'rcp':
      return 'AWS Organizations';
    default:
      return 'local evaluation';
  }
}

export function keyPolicySideEvidence(scope: Scope, evaluations: readonly ActionEvaluation[]): Evidence {
  if (!scope.keyPolicy) return { what: 'Does the key policy allow it?', value: 'unknown (the key policy could not be read)', source: 'kms:GetKeyPolicy' };
  const value = Object.fromEntries(
    evaluations.map((e) => {
      const layer = e.outcome.layers['key-policy'];
      const by = (layer?.allowStatements ?? []).map((s) => statementLabel(s)).join(', ');
      return [e.action, layer?.decision === 'Allowed' ? `allowed by ${by || 'the key policy'}` : 'not allowed'];
    }),
  );
  return { what: 'Does the key policy allow it (itself, or by letting IAM policies decide)?', value, source: 'local evaluation of the key policy' };
}
