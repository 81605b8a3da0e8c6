// From the evaluation module's denials to causes a newcomer can act on: which layer refused, named with
// the cause codes of cause.ts, with the statements, values and decisions that prove it. One cause per
// code and layer (and policy, for explicit denies) lists every action it refuses.
import type { Cause, CauseCode, CauseLayer, Evidence, StatementLocation } from './cause.js';
import { known, list, sameAccount, who, type ActionEvaluation, type Scope, type Subject } from './diagnosis-scope.js';
import type { RequestContext } from './kms-request-context.js';
import type { Denial, PolicyLayer } from './policy-evaluation.js';
import {
  namesAccount,
  namesPrincipal,
  statementCoversAction,
  statementLabel,
  statementsOf,
  statementSummary,
  type PolicyStatement,
} from './policy-statements.js';

export interface CauseDraft {
  readonly code: CauseCode;
  readonly layer: CauseLayer;
  readonly policyName?: string;
  readonly evaluations: ActionEvaluation[];
  readonly denials: Denial[];
}

export const causeLayerOf: Partial<Record<PolicyLayer, CauseLayer>> = {
  'identity-policy': 'identity-policy',
  'key-policy': 'key-policy',
  'permissions-boundary': 'permissions-boundary',
  'session-policy': 'session-policy',
  scp: 'scp',
  rcp: 'rcp',
};

const isCreateGrant = (action: string) => action.toLowerCase() === 'kms:creategrant';

/** The cause an implicit denial by one layer stands for; undefined for layers without a cause code. */
export function implicitCause(scope: Scope, layer: PolicyLayer, action: string): { code: CauseCode; layer: CauseLayer } | undefined {
  const same = sameAccount(scope) !== false;
  switch (layer) {
    case 'key-policy':
      if (isCreateGrant(action)) return { code: 'grant-creation-denied', layer: 'key-policy' };
      return { code: same ? 'key-policy-no-iam-delegation' : 'cross-account-key-policy', layer: 'key-policy' };
    case 'identity-policy':
      if (isCreateGrant(action)) return { code: 'grant-creation-denied', layer: 'identity-policy' };
      return { code: same ? 'identity-policy-missing-actions' : 'cross-account-identity-policy', layer: 'identity-policy' };
    case 'permissions-boundary':
      return { code: 'permissions-boundary', layer: 'permissions-boundary' };
    case 'session-policy':
      return { code: 'session-policy', layer: 'session-policy' };
    default:
      return undefined;
  }
}

export class CauseDrafts {
  private readonly drafts = new Map<string, CauseDraft>();

  add(code: CauseCode, layer: CauseLayer, evaluation: ActionEvaluation, denial: Denial, policyName?: string): void {
    const id = `${code}|${layer}|${policyName ?? ''}`;
    let draft = this.drafts.get(id);
    if (!draft) {
      draft = { code, layer, ...(policyName !== undefined ? { policyName } : {}), evaluations: [], denials: [] };
      this.drafts.set(id, draft);
    }
    if (!draft.evaluations.some((e) => e.action === evaluation.action)) draft.evaluations.push(evaluation);
    draft.denials.push(denial);
  }

  all(): CauseDraft[] {
    return [...this.drafts.values()];
  }
}

// Evidence helpers.

function identityDecision(evaluation: ActionEvaluation, scope: Scope): 'allowed' | 'not allowed' | 'explicitly denied' | 'unknown' {
  if (scope.identityPolicies === undefined) return 'unknown';
  const decision = evaluation.outcome.layers['identity-policy']?.decision;
  return decision === 'Allowed' ? 'allowed' : decision === 'ExplicitlyDenied' ? 'explicitly denied' : 'not allowed';
}

function identityAllowedBy(evaluation: ActionEvaluation): string {
  const statements = evaluation.outcome.layers['identity-policy']?.allowStatements ?? [];
  return statements.map((s) => `${s.policyName ?? 'policy'} (${statementLabel(s)})`).join(', ');
}

function iamVerdictEvidence(scope: Scope, evaluations: readonly ActionEvaluation[]): Evidence {
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
function identityKmsStatements(scope: Scope, actionFilter?: (action: string) => boolean): Evidence {
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

function policiesCheckedEvidence(scope: Scope): Evidence {
  const policies = known(scope.facts.principalPolicies)?.policies ?? [];
  return {
    what: 'IAM policies checked',
    value: policies.length > 0 ? policies.map((p) => (p.groupName !== undefined ? `${p.name} (group ${p.groupName})` : p.name)) : 'none attached',
    source: 'IAM',
  };
}

function keyStatementsEvidence(scope: Scope): Evidence {
  return { what: 'Key policy statements checked', value: scope.keyStatements.map(statementSummary), source: 'kms:GetKeyPolicy' };
}

function locationOf(statement: PolicyStatement, policyName: string): StatementLocation {
  return { policyName, ...(statement.sid !== undefined ? { statementId: statement.sid } : {}), statementIndex: statement.index };
}

/** How the key policy treats an account: whether it names it, for which actions, under which conditions. */
function accountStatementEvidence(scope: Scope, accountId: string, actions: readonly string[], role: 'delegation' | 'cross-account'): Evidence[] {
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

function principalStatementEvidence(scope: Scope, subject: Subject, actions: readonly string[]): Evidence {
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
function conditionContextEvidence(statement: unknown, context: RequestContext): Evidence | undefined {
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

function policyDocumentByName(scope: Scope, layer: CauseLayer, policyName: string | undefined): unknown {
  switch (layer) {
    case 'key-policy':
      return scope.keyPolicy?.document;
    case 'identity-policy':
      return scope.identitySources.find((p) => p.name === policyName || p.arn === policyName)?.document;
    case 'permissions-boundary':
      return scope.boundary?.document;
    case 'session-policy':
      return scope.options.sessionPolicy?.document;
    case 'scp':
    case 'rcp': {
      const levels = (layer === 'scp' ? scope.options.serviceControlPolicies : scope.options.resourceControlPolicies) ?? [];
      return levels.flatMap((l) => l.policies).find((p) => p.name === policyName)?.document;
    }
    default:
      return undefined;
  }
}

function layerPhrase(scope: Scope, layer: CauseLayer, policyName: string | undefined): string {
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
    case 'scp':
      return `the service control policy ${policyName ?? ''}`.trimEnd();
    case 'rcp':
      return `the resource control policy ${policyName ?? ''}`.trimEnd();
    default:
      return 'a policy';
  }
}

// Cause builders, one per code that comes from policies.

function explicitDenyCause(scope: Scope, draft: CauseDraft, actions: string[]): Cause {
  const first = draft.denials[0]!;
  const policyName = draft.layer === 'key-policy' ? 'default' : draft.policyName;
  const document = policyDocumentByName(scope, draft.layer, policyName);
  const statements = statementsOf(document);
  const evidence: Evidence[] = [];
  const seen = new Set<number>();
  for (const denial of draft.denials) {
    const index = denial.statementIndex;
    if (index === undefined || seen.has(index)) continue;
    seen.add(index);
    const statement = statements.find((s) => s.index === index);
    const location: StatementLocation = {
      ...(policyName !== undefined ? { policyName } : {}),
      ...(denial.statementId !== undefined ? { statementId: denial.statementId } : {}),
      statementIndex: index,
    };
    evidence.push({ what: `Deny statement in ${layerPhrase(scope, draft.layer, policyName)}`, value: statement ? statementSummary(statement) : location, source: sourceOfLayer(draft.layer), statement: location });
    const evaluation = draft.evaluations.find((e) => e.action === actions[0]) ?? draft.evaluations[0];
    const contextEvidence = statement && evaluation ? conditionContextEvidence(statement.raw, evaluation.context) : undefined;
    if (contextEvidence) evidence.push(contextEvidence);
  }
  const sid = first.statementId !== undefined ? `statement "${first.statementId}"` : first.statementIndex !== undefined ? `statement ${first.statementIndex + 1}` : 'statement';
  return {
    code: 'explicit-deny',
    layer: draft.layer,
    summary: `A Deny (${sid}) in ${layerPhrase(scope, draft.layer, policyName)} refuses ${list(actions)} to ${who(scope)}, and a Deny wins over every Allow, including grants.`,
    actions,
    evidence,
    deniedBy: {
      layer: draft.layer,
      ...(policyName !== undefined ? { policyName } : {}),
      ...(first.statementId !== undefined ? { statementId: first.statementId } : {}),
      ...(first.statementIndex !== undefined ? { statementIndex: first.statementIndex } : {}),
    },
  };
}

function sourceOfLayer(layer: CauseLayer): string {
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

function noDelegationCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
  const account = scope.keyAccount ?? subject.accountId;
  const decisions = draft.evaluations.map((e) => identityDecision(e, scope));
  const allowedByIam = draft.evaluations.filter((e) => identityDecision(e, scope) === 'allowed').map((e) => e.action);
  const name = subject.name;
  let tail: string;
  if (decisions.every((d) => d === 'unknown')) tail = `, so ${name}'s IAM permissions, whatever they say, are ignored`;
  else if (allowedByIam.length === actions.length)
    tail = `, so ${name}'s IAM permissions are ignored: they do allow ${list(actions)}, but for a KMS key an IAM allow counts only when the key policy lets IAM policies grant access`;
  else if (allowedByIam.length > 0)
    tail = `, so ${name}'s IAM permissions are ignored (they allow ${list(allowedByIam)}, which would not count anyway, and not the rest)`;
  else tail = `, so ${name} cannot use it (its IAM policies do not allow ${list(actions)} either)`;
  return {
    code: 'key-policy-no-iam-delegation',
    layer: 'key-policy',
    summary: `The key policy does not let IAM policies grant access to this key for ${list(actions)}, and it does not name ${name}${tail}.`,
    actions,
    evidence: [
      ...accountStatementEvidence(scope, account, actions, 'delegation'),
      principalStatementEvidence(scope, subject, actions),
      iamVerdictEvidence(scope, draft.evaluations),
      keyStatementsEvidence(scope),
    ],
  };
}

function crossAccountKeyPolicyCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
  const keyAccount = scope.keyAccount ?? '(unknown)';
  return {
    code: 'cross-account-key-policy',
    layer: 'key-policy',
    summary: `The key is in account ${keyAccount}, and its key policy allows neither account ${subject.accountId} nor ${subject.name} to use it for ${list(actions)}; across accounts, the key policy and the caller's IAM policies must both allow the call.`,
    actions,
    evidence: [
      { what: 'Account of the key', value: keyAccount, source: scope.key ? 'kms:DescribeKey' : 'key ARN' },
      { what: `Account of ${subject.name}`, value: subject.accountId },
      ...accountStatementEvidence(scope, subject.accountId, actions, 'cross-account'),
      principalStatementEvidence(scope, subject, actions),
      iamVerdictEvidence(scope, draft.evaluations),
      keyStatementsEvidence(scope),
    ],
  };
}

function keyPolicySideEvidence(scope: Scope, evaluations: readonly ActionEvaluation[]): Evidence {
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

function missingActionsCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
  const keyDelegates = scope.keyPolicy !== undefined && draft.evaluations.every((e) => e.outcome.layers['key-policy']?.decision === 'Allowed');
  const tail = !scope.keyPolicy
    ? ' (the key policy could not be read, so it may also need to allow them)'
    : keyDelegates
      ? `; the key policy lets IAM policies grant access, so adding ${actions.length === 1 ? 'it' : 'them'} to an IAM policy of ${subject.name} is enough`
      : '';
  return {
    code: 'identity-policy-missing-actions',
    layer: 'identity-policy',
    summary: `${subject.name}'s IAM policies do not allow ${list(actions)} on this key${tail}.`,
    actions,
    evidence: [
      { what: 'Missing actions', value: actions, source: 'local evaluation of the IAM policies' },
      identityKmsStatements(scope),
      policiesCheckedEvidence(scope),
      keyPolicySideEvidence(scope, draft.evaluations),
    ],
  };
}

function crossAccountIdentityCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
  const keyAccount = scope.keyAccount ?? '(unknown)';
  return {
    code: 'cross-account-identity-policy',
    layer: 'identity-policy',
    summary: `${subject.name}'s IAM policies in account ${subject.accountId} do not allow ${list(actions)} on this key of account ${keyAccount}; across accounts, the caller's IAM policies must allow the key ARN as well as the key policy allowing the caller.`,
    actions,
    evidence: [
      { what: 'Missing actions', value: actions, source: 'local evaluation of the IAM policies' },
      { what: 'Account of the key', value: keyAccount },
      { what: `Account of ${subject.name}`, value: subject.accountId },
      identityKmsStatements(scope),
      policiesCheckedEvidence(scope),
      keyPolicySideEvidence(scope, draft.evaluations),
    ],
  };
}

const serviceNames: Readonly<Record<string, string>> = {
  s3: 'S3', ec2: 'EC2', rds: 'RDS', lambda: 'Lambda', secretsmanager: 'Secrets Manager', ssm: 'Systems Manager',
  sqs: 'SQS', sns: 'SNS', logs: 'CloudWatch Logs', dynamodb: 'DynamoDB',
};

function grantCreationCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
  const evaluation = draft.evaluations[0]!;
  const forResource = evaluation.context['kms:GrantIsForAWSResource'];
  const service = scope.facts.request.operation.viaService;
  const serviceName = service !== undefined ? (serviceNames[service] ?? service) : undefined;
  const lead =
    serviceName !== undefined
      ? `${serviceName} creates a grant on this key so the resource it manages can use the key, which needs kms:CreateGrant`
      : `${subject.name} calls kms:CreateGrant on this key itself`;
  const conditionalOnly = scope.identitySources.some((p) =>
    statementsOf(p.document).some((s) => s.effect === 'Allow' && statementCoversAction(s, 'kms:CreateGrant') && JSON.stringify(s.condition ?? {}).toLowerCase().includes('kms:grantisforawsresource')),
  );
  let refusal: string;
  if (draft.layer === 'key-policy') {
    refusal = sameAccount(scope) === false
      ? `the key policy allows neither account ${subject.accountId} nor ${subject.name} to create grants`
      : `the key policy neither names ${subject.name} for kms:CreateGrant nor lets IAM policies grant it`;
  } else if (conditionalOnly && forResource === undefined) {
    refusal = `${subject.name}'s IAM policies allow kms:CreateGrant only when an AWS service creates the grant (kms:GrantIsForAWSResource), and this call does not come from a service`;
  } else {
    refusal = `${subject.name}'s IAM policies do not allow kms:CreateGrant`;
  }
  const sideEvidence: Evidence[] =
    draft.layer === 'key-policy'
      ? [
          ...accountStatementEvidence(scope, subject.accountId, ['kms:CreateGrant'], sameAccount(scope) === false ? 'cross-account' : 'delegation'),
          principalStatementEvidence(scope, subject, ['kms:CreateGrant']),
          iamVerdictEvidence(scope, draft.evaluations),
        ]
      : [identityKmsStatements(scope), policiesCheckedEvidence(scope), keyPolicySideEvidence(scope, draft.evaluations)];
  return {
    code: 'grant-creation-denied',
    layer: draft.layer,
    summary: `${lead}, but ${refusal}.`,
    actions,
    evidence: [
      {
        what: 'kms:GrantIsForAWSResource',
        value: forResource ?? 'not set (the grant is not created by an AWS service on the caller\'s behalf)',
        source: 'request context',
      },
      ...(scope.viaService !== undefined ? [{ what: 'kms:ViaService', value: scope.viaService, source: 'request context' }] : []),
      ...sideEvidence,
    ],
  };
}

function boundaryCause(scope: Scope, subject: Subject, actions: string[]): Cause {
  const boundaryName = scope.boundary?.name ?? known(scope.facts.principal)?.permissionsBoundaryArn ?? '(unknown)';
  const statements = statementsOf(scope.boundary?.document).filter((s) => s.effect === 'Allow');
  return {
    code: 'permissions-boundary',
    layer: 'permissions-boundary',
    summary: `${subject.name}'s permissions boundary (${boundaryName}) does not allow ${list(actions)}, and a boundary caps everything its IAM policies (and key policy statements naming ${subject.kind === 'role' ? 'the role' : 'the user'}) can grant.`,
    actions,
    evidence: [
      { what: 'Permissions boundary', value: boundaryName, source: 'IAM' },
      { what: 'Boundary Allow statements', value: statements.length > 0 ? statements.map(statementSummary) : 'none', source: 'IAM' },
      { what: 'Missing actions', value: actions, source: 'local evaluation of the boundary' },
    ],
  };
}

function sessionCause(scope: Scope, subject: Subject, actions: string[]): Cause {
  const statements = statementsOf(scope.options.sessionPolicy?.document).filter((s) => s.effect === 'Allow');
  return {
    code: 'session-policy',
    layer: 'session-policy',
    summary: `The session policy ${subject.name}'s session was created with does not allow ${list(actions)}; a session can do only what both its role's policies and its session policy allow.`,
    actions,
    evidence: [
      { what: 'Session policy Allow statements', value: statements.length > 0 ? statements.map(statementSummary) : 'none', source: 'session policy' },
      { what: 'Missing actions', value: actions, source: 'local evaluation of the session policy' },
    ],
  };
}

export function causeFromDraft(scope: Scope, subject: Subject, draft: CauseDraft): Cause {
  const actions = scope.actions.filter((a) => draft.evaluations.some((e) => e.action === a));
  switch (draft.code) {
    case 'explicit-deny':
      return explicitDenyCause(scope, draft, actions);
    case 'key-policy-no-iam-delegation':
      return noDelegationCause(scope, subject, draft, actions);
    case 'cross-account-key-policy':
      return crossAccountKeyPolicyCause(scope, subject, draft, actions);
    case 'identity-policy-missing-actions':
      return missingActionsCause(scope, subject, draft, actions);
    case 'cross-account-identity-policy':
      return crossAccountIdentityCause(scope, subject, draft, actions);
    case 'grant-creation-denied':
      return grantCreationCause(scope, subject, draft, actions);
    case 'permissions-boundary':
      return boundaryCause(scope, subject, actions);
    case 'session-policy':
      return sessionCause(scope, subject, actions);
    default:
      throw new Error(`no policy cause is built for ${draft.code}`);
  }
}