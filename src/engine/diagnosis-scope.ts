// What a diagnosis works from, gathered once: who asks (the principal, as far as it is known), for which
// key, named how, with which policies. Shared by the key checks, the policy causes and diagnose.ts.
import type { DiagnosisFacts, KeyFacts, Observation, OrganizationLevelFacts, PolicyDocumentFacts } from './facts.js';
import type { RequestContext } from './kms-request-context.js';
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
  /** True when only the ARN was known: a role's path is then unknown. */
  readonly derived: boolean;
}

/** What the key identifier the user typed says by itself (an ARN names its Region and account). */
export interface KeyReference {
  readonly form: 'key-arn' | 'alias-arn' | 'alias-name' | 'key-id';
  readonly region?: string;
  readonly accountId?: string;
  readonly aliasName?: string;
}

export interface Scope {
  readonly facts: DiagnosisFacts;
  readonly options: DiagnoseOptions;
  readonly actions: readonly string[];
  readonly subject?: Subject;
  readonly reference: KeyReference;
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

const kmsArnPattern = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

function referenceOf(keyInput: string): KeyReference {
  const arn = kmsArnPattern.exec(keyInput);
  if (arn) {
    const [, region, accountId, type, rest] = arn as unknown as [string, string, string, string, string];
    return type === 'key' ? { form: 'key-arn', region, accountId } : { form: 'alias-arn', region, accountId, aliasName: `alias/${rest}` };
  }
  if (keyInput.startsWith('alias/')) return { form: 'alias-name', aliasName: keyInput };
  return { form: 'key-id' };
}

/** The principal from its ARN alone: a user ARN, a role ARN, or a role session ARN. */
function subjectFromArn(arn: string): Subject | undefined {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (session) {
    const [, partition, accountId, role] = session as unknown as [string, string, string, string];
    return { arn, entityArn: `arn:${partition}:iam::${accountId}:role/${role}`, kind: 'role', name: role, accountId, derived: true };
  }
  const entity = /^arn:aws[a-z-]*:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (entity) {
    const [, accountId, kind, name] = entity as unknown as [string, string, 'user' | 'role', string];
    return { arn, entityArn: arn, kind, name, accountId, derived: true };
  }
  return undefined;
}

function subjectOf(facts: DiagnosisFacts): Subject | undefined {
  const caller = known(facts.caller);
  const principal = known(facts.principal);
  if (principal) {
    const userId = caller !== undefined && caller.arn === principal.arn ? caller.userId : undefined;
    return {
      arn: principal.arn,
      entityArn: principal.entityArn,
      kind: principal.kind,
      name: principal.name,
      accountId: principal.accountId,
      ...(userId !== undefined ? { userId } : {}),
      derived: false,
    };
  }
  const arn = facts.request.principalArn ?? caller?.arn;
  if (arn === undefined) return undefined;
  const derived = subjectFromArn(arn);
  if (derived && caller !== undefined && caller.arn === arn) return { ...derived, userId: caller.userId };
  return derived;
}

export function scopeOf(facts: DiagnosisFacts, options: DiagnoseOptions): Scope {
  const subject = subjectOf(facts);
  const reference = referenceOf(facts.request.keyInput);
  const key = known(facts.key);
  const keyArn = key?.arn ?? (reference.form === 'key-arn' ? facts.request.keyInput : undefined);
  const keyAccount = key?.accountId ?? reference.accountId ?? subject?.accountId;
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
    reference,
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

export const sameAccount = (scope: Scope): boolean | undefined =>
  scope.subject === undefined || scope.keyAccount === undefined ? undefined : scope.subject.accountId === scope.keyAccount;

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
