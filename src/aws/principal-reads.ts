// The diagnosed identity and its IAM policies, one IAM read per function. The calls that take only
// a name (GetRole, List*Policies, Get*Policy) need nothing but the ARN the user or STS gave us, which
// is what lets the fact source start them before GetRole answers.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  GetGroupPolicyCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListUserPolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { Observation, PolicyDocumentFacts, PrincipalIdentity } from '../engine/facts.js';
import { accountOfArn, entityOf, parsePrincipalRef, type PrincipalRef } from '../engine/identifiers.js';
import { decodePolicyText, parsePolicy, readCall } from './aws-call.js';
import type { AwsClientSet } from './aws-session.js';

/** A user or role as an ARN names it; `arn` is kept as given (a session ARN for a role session). */
export interface PrincipalReference {
  readonly arn: string;
  readonly kind: 'user' | 'role';
  readonly name: string;
  readonly accountId: string;
  /** For a role session: its role's ARN as far as the session ARN tells (without the role's path). */
  readonly sessionRoleArn?: string;
}

/** The IAM entity whose policies are read for a principal; anything else gets a sentence saying why it has none to read. */
export function readablePrincipal(principal: PrincipalRef): PrincipalReference | { readonly unsupported: string } {
  switch (principal.kind) {
    case 'user':
    case 'role':
    case 'assumed-role': {
      // The role's path is not part of a session ARN; GetRole gives it back.
      const entity = entityOf(principal);
      return {
        arn: principal.arn,
        kind: entity.kind,
        name: entity.name,
        accountId: principal.account,
        ...(principal.kind === 'assumed-role' ? { sessionRoleArn: entity.arn } : {}),
      };
    }
    case 'root':
      return { unsupported: `${principal.arn} is the account's root user, which has no IAM policies to read` };
    case 'federated-user':
      return { unsupported: `${principal.arn} is a federated user session, whose permissions come from the GetFederationToken call that created it` };
    case 'service':
      return { unsupported: `${principal.arn} is a service principal, which has no IAM policies to read` };
  }
}

/** An ARN AWS returned (GetCallerIdentity) as `readablePrincipal` takes it. */
export function parsePrincipalArn(arn: string): PrincipalReference | { readonly unsupported: string } {
  const principal = parsePrincipalRef(arn);
  return principal ? readablePrincipal(principal) : { unsupported: `${arn} is not an IAM user, role or role session ARN` };
}

const iamCall = (clients: AwsClientSet, action: string) => ({ call: `iam:${action}`, endpoint: clients.endpoint('iam') });

/** GetRole or GetUser: the entity's real ARN (with its path) and its permissions boundary. */
export function readEntity(clients: AwsClientSet, principal: PrincipalReference): Promise<Observation<PrincipalIdentity>> {
  const action = principal.kind === 'role' ? 'GetRole' : 'GetUser';
  return readCall(iamCall(clients, action), async () => {
    const entity =
      principal.kind === 'role'
        ? (await clients.iam().send(new GetRoleCommand({ RoleName: principal.name }))).Role
        : (await clients.iam().send(new GetUserCommand({ UserName: principal.name }))).User;
    const boundary = entity?.PermissionsBoundary?.PermissionsBoundaryArn;
    const entityArn = entity?.Arn ?? '';
    const uniqueId = entity && 'RoleId' in entity ? entity.RoleId : entity && 'UserId' in entity ? entity.UserId : undefined;
    const tags = Object.fromEntries((entity?.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
    return {
      ...(uniqueId ? { uniqueId } : {}),
      tags,
      arn: principal.arn,
      entityArn,
      kind: principal.kind,
      name: principal.name,
      accountId: accountOfArn(entityArn) ?? principal.accountId,
      ...(boundary ? { permissionsBoundaryArn: boundary } : {}),
    };
  });
}

export type PolicyHolderKind = 'user' | 'role' | 'group';

interface HolderOperations {
  readonly noun: 'User' | 'Role' | 'Group';
  listInline(client: IAMClient, name: string): AsyncIterable<{ PolicyNames?: string[] }>;
  getInline(client: IAMClient, name: string, policyName: string): Promise<{ PolicyDocument?: string }>;
  listAttached(client: IAMClient, name: string): AsyncIterable<{ AttachedPolicies?: { PolicyArn?: string }[] }>;
}

const holders: Readonly<Record<PolicyHolderKind, HolderOperations>> = {
  role: {
    noun: 'Role',
    listInline: (client, RoleName) => paginateListRolePolicies({ client }, { RoleName }),
    getInline: (client, RoleName, PolicyName) => client.send(new GetRolePolicyCommand({ RoleName, PolicyName })),
    listAttached: (client, RoleName) => paginateListAttachedRolePolicies({ client }, { RoleName }),
  },
  user: {
    noun: 'User',
    listInline: (client, UserName) => paginateListUserPolicies({ client }, { UserName }),
    getInline: (client, UserName, PolicyName) => client.send(new GetUserPolicyCommand({ UserName, PolicyName })),
    listAttached: (client, UserName) => paginateListAttachedUserPolicies({ client }, { UserName }),
  },
  group: {
    noun: 'Group',
    listInline: (client, GroupName) => paginateListGroupPolicies({ client }, { GroupName }),
    getInline: (client, GroupName, PolicyName) => client.send(new GetGroupPolicyCommand({ GroupName, PolicyName })),
    listAttached: (client, GroupName) => paginateListAttachedGroupPolicies({ client }, { GroupName }),
  },
};

/** List{Role,User,Group}Policies, all pages: the names of the inline policies. */
export function listInlinePolicyNames(clients: AwsClientSet, kind: PolicyHolderKind, name: string): Promise<Observation<readonly string[]>> {
  const ops = holders[kind];
  return readCall(iamCall(clients, `List${ops.noun}Policies`), async () => {
    const names: string[] = [];
    for await (const page of ops.listInline(clients.iam(), name)) names.push(...(page.PolicyNames ?? []));
    return names;
  });
}

/** Get{Role,User,Group}Policy: one inline policy document, URL-decoded. */
export function getInlinePolicy(clients: AwsClientSet, kind: PolicyHolderKind, name: string, policyName: string): Promise<Observation<PolicyDocumentFacts>> {
  const ops = holders[kind];
  return readCall(iamCall(clients, `Get${ops.noun}Policy`), async () => {
    const text = decodePolicyText((await ops.getInline(clients.iam(), name, policyName)).PolicyDocument ?? '');
    return { name: policyName, kind: 'inline' as const, ...(kind === 'group' ? { groupName: name } : {}), text, document: parsePolicy(text) };
  });
}

/** ListAttached{Role,User,Group}Policies, all pages: the managed policy ARNs. */
export function listAttachedPolicyArns(clients: AwsClientSet, kind: PolicyHolderKind, name: string): Promise<Observation<readonly string[]>> {
  const ops = holders[kind];
  return readCall(iamCall(clients, `ListAttached${ops.noun}Policies`), async () => {
    const arns: string[] = [];
    for await (const page of ops.listAttached(clients.iam(), name)) {
      for (const attached of page.AttachedPolicies ?? []) if (attached.PolicyArn) arns.push(attached.PolicyArn);
    }
    return arns;
  });
}

/** ListGroupsForUser, all pages. */
export function listGroupsForUser(clients: AwsClientSet, userName: string): Promise<Observation<readonly string[]>> {
  return readCall(iamCall(clients, 'ListGroupsForUser'), async () => {
    const groups: string[] = [];
    for await (const page of paginateListGroupsForUser({ client: clients.iam() }, { UserName: userName })) {
      for (const group of page.Groups ?? []) if (group.GroupName) groups.push(group.GroupName);
    }
    return groups;
  });
}

/**
 * A managed policy's effective document: GetPolicy for its default version, and GetPolicyVersion.
 * Used for attached policies and permissions boundaries alike. Most policies' default version is their
 * first, so v1 is asked for at once, beside GetPolicy: one round trip instead of two. Only the version
 * GetPolicy names is ever used; when that is another one, it is read then (the v1 read was one call
 * spent, never a wrong answer), and a v1 read that failed is simply not used.
 */
export async function getManagedPolicy(clients: AwsClientSet, arn: string): Promise<Observation<PolicyDocumentFacts>> {
  const readVersion = (versionId: string) =>
    readCall(iamCall(clients, 'GetPolicyVersion'), async () => {
      const output = await clients.iam().send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
      const text = decodePolicyText(output.PolicyVersion?.Document ?? '');
      return { name: arn, kind: 'managed' as const, arn, versionId, text, document: parsePolicy(text) };
    });
  const [policy, first] = await Promise.all([
    readCall(iamCall(clients, 'GetPolicy'), async () => (await clients.iam().send(new GetPolicyCommand({ PolicyArn: arn }))).Policy),
    readVersion('v1'),
  ]);
  if (policy.status !== 'known') return policy;
  const versionId = policy.value?.DefaultVersionId ?? 'v1';
  return versionId === 'v1' && first.status === 'known' ? first : readVersion(versionId);
}
