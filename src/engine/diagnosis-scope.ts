// What a diagnosis works from, gathered once: who asks (the principal, as far as it is known), for which
// key, named how, with which policies. Shared by the key checks, the policy causes and diagnose.ts.
import type { DiagnosisFacts, KeyFacts, Observation, OrganizationLevelFacts, PolicyDocumentFacts } from './facts.js';
import type { RequestContext } from './kms-request-context.js';
import { accountNamedBy, accountRelation, entityOf, keyArnOf, parsePrincipalRef, type PrincipalRef } from './identifiers.js';
import { viaServiceFor } from './operations.js';
import type { EvaluationMemo } from './evaluation-memo.js';
import type { EvaluationOutcome, NamedPolicy, OrganizationLevelPolicies, StatementReference } from './policy-evaluation.js';
import { statementsOf, type PolicyStatement } from './policy-statements.js';

/** Policies that cannot be read from IAM or KMS, for callers that know them another way. */
export interface DiagnoseOptions {
  /** The session policy the role session was created with (AssumeRole Policy/PolicyArns): IAM cannot return it. */
  readonly sessionPolicy?: NamedPolicy;
  /**
   * The policy of the VPC endpoint the call goes through (EC2 DescribeVpcEndpoints' PolicyDocument), for
   * callers that read it another way: kms-doctor itself does not call EC2.
   */
  readonly vpcEndpointPolicy?: NamedPolicy;
  /** SCPs that apply to the principal's account, root level first. */
  readonly serviceControlPolicies?: readonly OrganizationLevelPolicies[];
  /** RCPs that apply to the key's account, root level first. */
  readonly resourceControlPolicies?: readonly OrganizationLevelPolicies[];
  /** Evaluations shared by the diagnoses of one check (the verdict, and each fix's proof): each distinct one once. */
  readonly evaluations?: EvaluationMemo;
}

/** The principal whose access is diagnosed, as far as the facts tell. */
export interface Subject {
  /** As AWS names it in errors (a session ARN for a role session). */
  readonly arn: string;
  /** The user or role ARN (aws:PrincipalArn). */
  readonly entityArn: string;
  readonly kind: 'user' | 'role';
  readonly name: string;
  readonly accountId: string;
  readonly userId?: string;
  /** The role session's name, when the principal is a role session. */
  readonly sessionName?: string;
  /** True when only the ARN was known: a role's path is then unknown. */
  readonly derived: boolean;
}

export interface Scope {
  readonly facts: DiagnosisFacts;
  readonly options: DiagnoseOptions;
  readonly actions: readonly string[];
  readonly subject?: Subject;
  readonly key?: KeyFacts;
  readonly keyArn?: string;
  readonly keyAccount?: string;
  readonly keyPolicy?: NamedPolicy;
  readonly keyStatements: readonly PolicyStatement[];
  readonly identityPolicies?: readonly NamedPolicy[];
  readonly boundary?: NamedPolicy;
  /** The identity policies as read (the boundary is not one of them). */
  readonly identitySources: readonly PolicyDocumentFacts[];
  readonly viaService?: string;
  /** SCPs that apply to the principal's account (options first, else read from Organizations), root first. */
  readonly serviceControlPolicies?: readonly OrganizationLevelPolicies[];
  /** RCPs that apply to the key's account, root first. */
  readonly resourceControlPolicies?: readonly OrganizationLevelPolicies[];
  /** aws:PrincipalOrgID and aws:PrincipalOrgPaths, when the organization was read. */
  readonly organizationId?: string;
  readonly organizationPaths?: readonly string[];
  /** The principal is known to be in no organization (AWSOrganizationsNotInUseException). */
  readonly outsideOrganization: boolean;
}

export const known = <T>(observation: Observation<T>): T | undefined => (observation.status === 'known' ? observation.value : undefined);

/** The principal from its ARN alone: a user, a role, or a role session (whose role's path is unknown). */
function subjectFromArn(principal: PrincipalRef | undefined): Subject | undefined {
  if (principal === undefined || (principal.kind !== 'user' && principal.kind !== 'role' && principal.kind !== 'assumed-role')) return undefined;
  const entity = entityOf(principal);
  return {
    arn: principal.arn,
    entityArn: entity.arn,
    kind: entity.kind,
    name: entity.name,
    accountId: principal.account,
    ...(principal.kind === 'assumed-role' ? { sessionName: principal.sessionName } : {}),
    derived: true,
  };
}

function subjectOf(facts: DiagnosisFacts): Subject | undefined {
  const caller = known(facts.caller);
  const principal = known(facts.principal);
  // STS's answer is read like the user's input: the same parser, once, here.
  const named = facts.request.principal ?? (caller ? parsePrincipalRef(caller.arn) : undefined);
  const sessionOf = (arn: string) => (named?.kind === 'assumed-role' && named.arn === arn ? { sessionName: named.sessionName } : {});
  if (principal) {
    const userId = caller !== undefined && caller.arn === principal.arn ? caller.userId : undefined;
    return {
      arn: principal.arn,
      entityArn: principal.entityArn,
      kind: principal.kind,
      name: principal.name,
      accountId: principal.accountId,
      ...(userId !== undefined ? { userId } : {}),
      ...sessionOf(principal.arn),
      derived: false,
    };
  }
  const derived = subjectFromArn(named);
  if (derived && caller !== undefined && caller.arn === derived.arn) return { ...derived, userId: caller.userId };
  return derived;
}

export function scopeOf(facts: DiagnosisFacts, options: DiagnoseOptions): Scope {
  const subject = subjectOf(facts);
  const named = facts.request.key;
  const key = known(facts.key);
  const keyArn = key?.arn ?? keyArnOf(named)?.text;
  // A key ID or alias name always means the caller's own account.
  const keyAccount = key?.accountId ?? accountNamedBy(named) ?? subject?.accountId;
  const keyPolicyFacts = known(facts.keyPolicy);
  const policies = known(facts.principalPolicies);
  const viaService = viaServiceFor(facts.request.operation, facts.request.region);
  const organization = facts.organization ? known(facts.organization) : undefined;
  const member = organization?.inOrganization ? organization : undefined;
  const levelsOf = (read: Observation<readonly OrganizationLevelFacts[]> | undefined): OrganizationLevelPolicies[] | undefined => {
    const levels = read ? known(read) : undefined;
    return levels?.map((level) => ({ level: level.level, policies: level.policies.map((p) => ({ name: p.arn || p.name, document: p.document })) }));
  };
  // SCPs never restrict the management account.
  const scpsApply = member !== undefined && subject !== undefined && subject.accountId !== member.managementAccountId;
  const serviceControlPolicies = options.serviceControlPolicies ?? (scpsApply ? levelsOf(member.serviceControlPolicies) : undefined);
  const resourceControlPolicies = options.resourceControlPolicies ?? (member ? levelsOf(member.resourceControlPolicies) : undefined);
  return {
    ...(serviceControlPolicies ? { serviceControlPolicies } : {}),
    ...(resourceControlPolicies ? { resourceControlPolicies } : {}),
    ...(member ? { organizationId: member.id } : {}),
    ...(member?.principalOrgPaths ? { organizationPaths: member.principalOrgPaths } : {}),
    outsideOrganization: organization !== undefined && !organization.inOrganization,
    facts,
    options,
    actions: facts.request.operation.actions,
    ...(subject ? { subject } : {}),
    ...(key ? { key } : {}),
    ...(keyArn !== undefined ? { keyArn } : {}),
    ...(keyAccount !== undefined ? { keyAccount } : {}),
    ...(keyPolicyFacts ? { keyPolicy: { name: 'default', document: keyPolicyFacts.document } } : {}),
    keyStatements: keyPolicyFacts ? statementsOf(keyPolicyFacts.document) : [],
    ...(policies ? { identityPolicies: policies.policies.map((p) => ({ name: p.name, document: p.document })) } : {}),
    ...(policies?.permissionsBoundary
      ? { boundary: { name: policies.permissionsBoundary.arn ?? policies.permissionsBoundary.name, document: policies.permissionsBoundary.document } }
      : {}),
    identitySources: policies?.policies ?? [],
    ...(viaService !== undefined ? { viaService } : {}),
  };
}

export function sameAccount(scope: Scope): boolean | undefined {
  const relation = accountRelation(scope.subject?.accountId, scope.keyAccount);
  return relation === undefined ? undefined : relation === 'same';
}

export const who = (scope: Scope): string => scope.subject?.name ?? 'the principal';

/** "a, b and c", for sentences. */
export const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** How an unknown condition key changes the outcome of one action. */
export interface UnknownKeyFinding {
  readonly key: string;
  /** Values (or "not set") under which the action passes that statement, as far as tried. */
  readonly passing: readonly string[];
  /** Values (or "not set") under which it is refused. */
  readonly failing: readonly string[];
  /** The statements whose match depends on the key. */
  readonly statements: readonly StatementReference[];
}

/** One action evaluated against every policy layer known. */
export interface ActionEvaluation {
  readonly action: string;
  /** The context evaluated: with unknown keys set to a passing value when the outcome depends on them. */
  readonly context: RequestContext;
  readonly outcome: EvaluationOutcome;
  /** Unknown condition keys the outcome depends on; absent when none. */
  readonly dependsOn?: readonly UnknownKeyFinding[];
}
