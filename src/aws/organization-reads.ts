// AWS Organizations, read for a diagnosis: whether the principal's account is in an organization
// (DescribeOrganization, which any member account may call), and the SCPs along its path and the RCPs
// along the key account's path (ListParents up to the root, ListPoliciesForTarget at each level,
// DescribePolicy for each policy). Only the management account or a delegated administrator may read
// the policies (`--org-profile`); a refusal is a fact (unreadable), which the verdict reports.
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListParents,
  paginateListPoliciesForTarget,
} from '@aws-sdk/client-organizations';
import type { Observation, OrganizationFacts, OrganizationLevelFacts } from '../engine/facts.js';
import { parsePolicy, readCall } from './aws-call.js';
import type { AwsClientSet } from './aws-session.js';

type PolicyTypeFilter = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/** The tree is at most five OUs deep under the root (Organizations quotas); the bound guards a loop. */
const maxDepth = 8;

const organizationsCall = (clients: AwsClientSet, action: string) => ({ call: `organizations:${action}`, endpoint: clients.endpoint('organizations') });

export type Described = { readonly inOrganization: false } | { readonly inOrganization: true; readonly id: string; readonly managementAccountId: string };

/** DescribeOrganization from the principal's account: which organization, and its management account. */
export function describeOrganization(clients: AwsClientSet): Promise<Observation<Described>> {
  return readCall(organizationsCall(clients, 'DescribeOrganization'), async (): Promise<Described> => {
    try {
      const { Organization } = await clients.organizations().send(new DescribeOrganizationCommand({}));
      return { inOrganization: true, id: Organization?.Id ?? '', managementAccountId: Organization?.MasterAccountId ?? '' };
    } catch (error) {
      // "Your account is not a member of an organization": no SCP or RCP applies.
      if ((error as { name?: string }).name === 'AWSOrganizationsNotInUseException') return { inOrganization: false };
      throw error;
    }
  });
}

/** The IDs from the root down to `accountId`: [root, ou…, account]. */
async function pathOf(clients: AwsClientSet, accountId: string): Promise<string[]> {
  const path = [accountId];
  let child = accountId;
  for (let depth = 0; depth < maxDepth; depth++) {
    const parents = [];
    for await (const page of paginateListParents({ client: clients.organizations() }, { ChildId: child })) parents.push(...(page.Parents ?? []));
    const parent = parents[0];
    if (!parent?.Id) break;
    path.unshift(parent.Id);
    if (parent.Type === 'ROOT') return path;
    child = parent.Id;
  }
  return path;
}

async function policiesAt(clients: AwsClientSet, target: string, filter: PolicyTypeFilter): Promise<OrganizationLevelFacts> {
  const summaries = [];
  for await (const page of paginateListPoliciesForTarget({ client: clients.organizations() }, { TargetId: target, Filter: filter })) summaries.push(...(page.Policies ?? []));
  const policies = await Promise.all(
    summaries.map(async (summary) => {
      const { Policy } = await clients.organizations().send(new DescribePolicyCommand({ PolicyId: summary.Id }));
      const content = Policy?.Content ?? '{}';
      return { name: summary.Name ?? summary.Id ?? '', arn: summary.Arn ?? '', document: parsePolicy(content) };
    }),
  );
  return { level: target, policies };
}

/** The policies of one type along an account's path, root first, and that path. */
export function organizationPolicies(clients: AwsClientSet, accountId: string, filter: PolicyTypeFilter): Promise<Observation<{ path: string[]; levels: OrganizationLevelFacts[] }>> {
  return readCall(organizationsCall(clients, 'ListPoliciesForTarget'), async () => {
    const path = await pathOf(clients, accountId);
    const levels = await Promise.all(path.map((target) => policiesAt(clients, target, filter)));
    return { path, levels };
  });
}

const organizationReadersHint = (managementAccountId: string) =>
  `only the organization's management account (${managementAccountId}) or a delegated administrator for AWS Organizations can read them: run again with --org-profile PROFILE`;

/**
 * Everything the organization layers need. `orgClients` reads the policies: the --org-profile
 * credentials, else the caller's own (which AWS refuses unless they are the management account's).
 */
export async function readOrganization(
  described: Observation<Described>,
  orgClients: AwsClientSet,
  principalAccount: string,
  keyAccount: string | undefined,
): Promise<Observation<OrganizationFacts>> {
  if (described.status !== 'known') return described;
  const organization = described.value;
  if (!organization.inOrganization) return { status: 'known', value: { inOrganization: false } };
  const refine = (read: Observation<{ path: string[]; levels: OrganizationLevelFacts[] }>): Observation<readonly OrganizationLevelFacts[]> =>
    read.status === 'known'
      ? { status: 'known', value: read.value.levels }
      : read.status === 'unreadable'
        ? { ...read, message: `${read.message} (${organizationReadersHint(organization.managementAccountId)})` }
        : read;
  const [scps, rcps] = await Promise.all([
    organizationPolicies(orgClients, principalAccount, 'SERVICE_CONTROL_POLICY'),
    keyAccount !== undefined ? organizationPolicies(orgClients, keyAccount, 'RESOURCE_CONTROL_POLICY') : Promise.resolve(undefined),
  ]);
  const paths = scps.status === 'known' ? [`${organization.id}/${scps.value.path.slice(0, -1).join('/')}/`] : undefined;
  return {
    status: 'known',
    value: {
      inOrganization: true,
      id: organization.id,
      managementAccountId: organization.managementAccountId,
      ...(paths ? { principalOrgPaths: paths } : {}),
      serviceControlPolicies: refine(scps),
      resourceControlPolicies: rcps === undefined ? { status: 'skipped', why: "the key's account is unknown" } : refine(rcps),
    },
  };
}
