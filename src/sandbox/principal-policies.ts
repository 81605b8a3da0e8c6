// The policies that apply to a principal, gathered from the sandbox's state: inline and attached
// managed policies (a user's groups' too), the permissions boundary, the session policy of a role
// session, and the organization's SCPs and RCPs. Shared by every authorizer and by the IAM simulator.
import type { NamedPolicy, OrganizationLevelPolicies } from '../engine/policy-evaluation.js';
import { awsManagedPolicies } from './aws-managed-policies.js';
import type { Caller } from './caller.js';
import type { AccountState, OrganizationState, PrincipalCommon, SandboxState } from './state.js';

export interface PrincipalPolicies {
  readonly identityPolicies: NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
  readonly sessionPolicy?: NamedPolicy;
  /** Undefined when the account is in no organization. */
  readonly serviceControlPolicies?: OrganizationLevelPolicies[];
}

/** The default document of a managed policy (customer managed in any account, or AWS managed). */
export function managedPolicyDocument(state: SandboxState, policyArn: string): string | undefined {
  const awsManaged = awsManagedPolicies[policyArn];
  if (awsManaged) return JSON.stringify(awsManaged.document);
  const accountId = policyArn.split(':')[4] ?? '';
  const policy = state.accounts[accountId]?.managedPolicies[policyArn];
  return policy?.versions.find((v) => v.versionId === policy.defaultVersionId)?.document;
}

const parse = (name: string, document: string): NamedPolicy => ({ name, document: JSON.parse(document) as unknown });

function policiesOf(state: SandboxState, account: AccountState, principal: PrincipalCommon, groups: readonly string[]): NamedPolicy[] {
  const policies: NamedPolicy[] = [];
  const addAttached = (arns: readonly string[]) => {
    for (const arn of arns) {
      const document = managedPolicyDocument(state, arn);
      if (document !== undefined) policies.push(parse(arn, document));
    }
  };
  for (const [name, document] of Object.entries(principal.inlinePolicies)) policies.push(parse(name, document));
  addAttached(principal.attachedPolicies);
  for (const groupName of groups) {
    const group = account.groups[groupName];
    if (!group) continue;
    for (const [name, document] of Object.entries(group.inlinePolicies)) policies.push(parse(`${group.name}/${name}`, document));
    addAttached(group.attachedPolicies);
  }
  return policies;
}

/** SCPs that apply to an account, root level first. */
export function serviceControlPoliciesFor(state: SandboxState, accountId: string): OrganizationLevelPolicies[] | undefined {
  return organizationLevels(state, accountId, 'serviceControlPolicies');
}

/** RCPs that apply to resources in an account, root level first. */
export function resourceControlPoliciesFor(state: SandboxState, accountId: string): OrganizationLevelPolicies[] | undefined {
  return organizationLevels(state, accountId, 'resourceControlPolicies');
}

function organizationLevels(
  state: SandboxState,
  accountId: string,
  kind: 'serviceControlPolicies' | 'resourceControlPolicies',
): OrganizationLevelPolicies[] | undefined {
  const organization = state.organization;
  if (!organization || !state.accounts[accountId]) return undefined;
  // SCPs never restrict the management account.
  if (kind === 'serviceControlPolicies' && accountId === organization.managementAccountId) return undefined;
  return ['root', accountId].map((level) => ({
    level,
    policies: (attachedOrganizationPolicies(state, level === 'root' ? organizationRootId(organization) : level, kind) ?? [])
      // The simulator adds RCPFullAWSAccess itself.
      .filter((policy) => policy.id !== 'p-RCPFullAWSAccess')
      .map((policy) => parse(policy.arn, policy.content)),
  }));
}

/** The root's ID, as ListRoots and ListParents name it (r- and 4 characters), stable for an organization. */
export function organizationRootId(organization: OrganizationState): string {
  return `r-${organization.id.slice(2, 6)}`;
}

/** A policy attached to a root or account, as AWS Organizations lists it. */
export interface AttachedOrganizationPolicy {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
  readonly awsManaged: boolean;
  /** The document as stored. */
  readonly content: string;
}

const fullAwsAccess = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const rcpFullAwsAccess = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });

/**
 * The policies of one kind attached to `target` (the root ID or an account ID); undefined outside an
 * organization. AWS attaches FullAWSAccess (and RCPFullAWSAccess) to every root, OU and account, and
 * FullAWSAccess stays when deny SCPs are added (the deny-list strategy); a level whose own SCPs allow
 * something models an allow list instead, without it.
 */
export function attachedOrganizationPolicies(
  state: SandboxState,
  target: string,
  kind: 'serviceControlPolicies' | 'resourceControlPolicies',
): AttachedOrganizationPolicy[] | undefined {
  const organization = state.organization;
  if (!organization) return undefined;
  const level = target === organizationRootId(organization) ? 'root' : target;
  const type = kind === 'serviceControlPolicies' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
  const attached: AttachedOrganizationPolicy[] = organization[kind]
    .filter((p) => p.targets.includes(level))
    .map((p) => ({ id: p.arn.slice(p.arn.lastIndexOf('/') + 1), arn: p.arn, name: p.name, type, awsManaged: false, content: p.document }));
  if (kind === 'serviceControlPolicies' && !attached.some((policy) => hasAllowStatement(JSON.parse(policy.content) as unknown))) {
    attached.push({ id: 'p-FullAWSAccess', arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', name: 'FullAWSAccess', description: 'Allows access to every operation', type, awsManaged: true, content: fullAwsAccess });
  }
  if (kind === 'resourceControlPolicies') {
    attached.push({ id: 'p-RCPFullAWSAccess', arn: 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess', name: 'RCPFullAWSAccess', description: 'Allows access to every operation', type, awsManaged: true, content: rcpFullAwsAccess });
  }
  return attached;
}

function hasAllowStatement(document: unknown): boolean {
  const statements = (document as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.some((statement) => (statement as { Effect?: unknown } | undefined)?.Effect === 'Allow');
}

/** Everything that governs what a caller may do. */
export function policiesOfCaller(state: SandboxState, caller: Caller): PrincipalPolicies {
  const base = policiesOfPrincipal(state, caller.principalArn);
  if (!base) return { identityPolicies: [] };
  return {
    ...base,
    ...(caller.sessionPolicy !== undefined ? { sessionPolicy: parse('session policy', caller.sessionPolicy) } : {}),
  };
}

/** Policies of an IAM user or role by its ARN; undefined when there is no such principal. */
export function policiesOfPrincipal(state: SandboxState, principalArn: string): PrincipalPolicies | undefined {
  const found = findPrincipal(state, principalArn);
  if (!found) return undefined;
  const { account, principal, groups } = found;
  const boundaryDocument = principal.permissionsBoundary ? managedPolicyDocument(state, principal.permissionsBoundary) : undefined;
  const scps = serviceControlPoliciesFor(state, account.id);
  return {
    identityPolicies: policiesOf(state, account, principal, groups),
    ...(boundaryDocument !== undefined ? { permissionsBoundary: parse(principal.permissionsBoundary!, boundaryDocument) } : {}),
    ...(scps ? { serviceControlPolicies: scps } : {}),
  };
}

/** Finds a user or role by ARN (path included). */
export function findPrincipal(
  state: SandboxState,
  principalArn: string,
): { account: AccountState; principal: PrincipalCommon; kind: 'user' | 'role'; groups: readonly string[] } | undefined {
  const match = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  if (!match) return undefined;
  const [, accountId, kind, name] = match as unknown as [string, string, 'user' | 'role', string];
  const account = state.accounts[accountId];
  if (!account) return undefined;
  if (kind === 'user') {
    const user = account.users[name];
    return user && user.arn === principalArn ? { account, principal: user, kind, groups: user.groups } : undefined;
  }
  const role = account.roles[name];
  return role && role.arn === principalArn ? { account, principal: role, kind, groups: [] } : undefined;
}
