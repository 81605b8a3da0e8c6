// Cause builders, one per code that comes from policies: the summary a newcomer can act on and the
// evidence behind it.
import type { Cause, Evidence, StatementLocation } from '../cause.js';
import { known, list, sameAccount, who, type Scope, type Subject } from '../diagnosis-scope.js';
import { statementCoversAction, statementsOf, statementSummary } from '../policy-statements.js';
import type { CauseDraft } from './cause-drafts.js';
import {
  accountStatementEvidence,
  conditionContextEvidence,
  iamVerdictEvidence,
  identityDecision,
  identityKmsStatements,
  keyPolicySideEvidence,
  keyStatementsEvidence,
  layerPhrase,
  policiesCheckedEvidence,
  policyDocumentByName,
  principalStatementEvidence,
  sourceOfLayer,
} from './cause-evidence.js';

export function explicitDenyCause(scope: Scope, draft: CauseDraft, actions: string[]): Cause {
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

export function noDelegationCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
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

export function crossAccountKeyPolicyCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
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

export function missingActionsCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
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

export function crossAccountIdentityCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
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

export const serviceNames: Readonly<Record<string, string>> = {
  s3: 'S3', ec2: 'EC2', rds: 'RDS', lambda: 'Lambda', secretsmanager: 'Secrets Manager', ssm: 'Systems Manager',
  sqs: 'SQS', sns: 'SNS', logs: 'CloudWatch Logs', dynamodb: 'DynamoDB',
};

export function grantCreationCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
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

export function boundaryCause(scope: Scope, subject: Subject, actions: string[]): Cause {
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

export function sessionCause(scope: Scope, subject: Subject, actions: string[]): Cause {
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

/** The VPC endpoint the call goes through does not allow it (its policy was given: kms-doctor does not read EC2). */
export function vpcEndpointCause(scope: Scope, subject: Subject, actions: string[]): Cause {
  const endpoint = scope.options.vpcEndpointPolicy;
  const statements = statementsOf(endpoint?.document).filter((s) => s.effect === 'Allow');
  return {
    code: 'vpc-endpoint-policy',
    layer: 'vpc-endpoint-policy',
    summary: `The call goes through ${endpoint ? `the VPC endpoint ${endpoint.name}` : 'a VPC endpoint'}, whose policy does not allow ${list(actions)} for ${subject.name} on this key; a call through an endpoint needs its policy's Allow as well as the key policy's and IAM's.`,
    actions,
    evidence: [
      { what: 'VPC endpoint', value: endpoint?.name ?? 'unknown', source: 'aws:SourceVpce' },
      { what: 'Endpoint policy Allow statements', value: statements.length > 0 ? statements.map(statementSummary) : 'none', source: 'VPC endpoint policy' },
      { what: 'Missing actions', value: actions, source: 'local evaluation of the VPC endpoint policy' },
    ],
  };
}

/** No SCP (or RCP) at some level of the organization allows the action: an allow-list gap. */
export function organizationCause(scope: Scope, subject: Subject, draft: CauseDraft, actions: string[]): Cause {
  const layer = draft.code === 'rcp' ? 'rcp' : 'scp';
  const levels = (layer === 'scp' ? scope.serviceControlPolicies : scope.resourceControlPolicies) ?? [];
  const analysis = draft.evaluations[0]?.outcome.layers[layer];
  const allowing = new Set((analysis?.allowStatements ?? []).map((s) => s.policyName));
  const gaps = levels.filter((level) => !level.policies.some((p) => allowing.has(p.name)));
  const kind = layer === 'scp' ? 'service control policies (SCPs)' : 'resource control policies (RCPs)';
  const account = layer === 'scp' ? subject.accountId : (scope.keyAccount ?? '(unknown)');
  // Policies are evaluated by ARN; people know them by name.
  const organization = scope.facts.organization ? known(scope.facts.organization) : undefined;
  const read = organization?.inOrganization ? known(layer === 'scp' ? organization.serviceControlPolicies : organization.resourceControlPolicies) : undefined;
  const nameOf = (arn: string) => read?.flatMap((l) => l.policies).find((p) => p.arn === arn)?.name;
  const label = (arn: string) => (nameOf(arn) !== undefined && nameOf(arn) !== arn ? `${nameOf(arn)} (${arn})` : arn);
  return {
    code: layer,
    layer,
    summary: `No ${layer === 'scp' ? 'SCP' : 'RCP'} attached to ${gaps.length > 0 ? gaps.map((g) => g.level).join(', ') : 'some level of the organization'} allows ${list(actions)}: every level from the root down to account ${account} must allow it, whatever the IAM and key policies say. Only the organization's administrators can change that.`,
    actions,
    evidence: [
      { what: `The ${kind} along the path of account ${account}`, value: levels.map((l) => ({ level: l.level, policies: l.policies.map((p) => label(p.name)) })), source: 'AWS Organizations' },
      { what: 'Levels where nothing allows it', value: gaps.map((g) => g.level), source: 'local evaluation' },
    ],
  };
}
