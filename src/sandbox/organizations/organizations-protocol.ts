// AWS Organizations as the sandbox speaks it: JSON 1.1 (`X-Amz-Target: AWSOrganizationsV20161128.<Op>`),
// the four read operations a diagnosis needs (DescribeOrganization, ListParents, ListPoliciesForTarget,
// DescribePolicy), with Organizations' own authorization: any member account may describe its
// organization; the tree and its policies are read by the management account and by delegated
// administrators, and another member account gets AccessDeniedException. Delegated administrators, as
// AWS documents them:
// - an account registered for an AWS service (RegisterDelegatedAdministrator) "has permissions for
//   Organizations read-only actions" (Organizations User Guide, "Delegated administrator for AWS
//   services that work with Organizations"; API reference, "API operations by account");
// - an account the resource-based delegation policy (PutResourcePolicy) names may call the actions it
//   lists, such as ListParents, ListPoliciesForTarget and DescribePolicy (User Guide, "Example: View
//   organization, OUs, accounts, and policies").
// Either way the caller's own IAM policies must allow the action too. An account outside the
// organization gets AWSOrganizationsNotInUseException, as AWS answers it.
import { InvalidPolicyError } from '../../engine/policy-evaluation.js';
import { authorize } from '../authorize.js';
import { AwsError } from '../errors.js';
import { attachedOrganizationPolicies, organizationRootId, type AttachedOrganizationPolicy } from '../principal-policies.js';
import { renderError, type IncomingCall, type ServiceResponse } from '../service-call.js';
import type { OrganizationState } from '../state.js';

export const organizationsTargetPrefix = 'AWSOrganizationsV20161128.';

const notInUse = () => new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
const accessDenied = () => new AwsError('AccessDeniedException', "You don't have permissions to access this resource.");

type Operation = (call: IncomingCall, organization: OrganizationState, input: Readonly<Record<string, unknown>>) => Record<string, unknown>;

const policyTypes = { SERVICE_CONTROL_POLICY: 'serviceControlPolicies', RESOURCE_CONTROL_POLICY: 'resourceControlPolicies' } as const;

function summaryOf(policy: AttachedOrganizationPolicy): Record<string, unknown> {
  return { Id: policy.id, Arn: policy.arn, Name: policy.name, Description: policy.description ?? '', Type: policy.type, AwsManaged: policy.awsManaged };
}

function stringInput(input: Readonly<Record<string, unknown>>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError('InvalidInputException', `You provided a value that does not match the required pattern for ${name}.`);
  }
  return value;
}

/** Every policy of the organization, with the implicit FullAWSAccess/RCPFullAWSAccess where they apply. */
function allPolicies(call: IncomingCall, organization: OrganizationState): AttachedOrganizationPolicy[] {
  const state = call.world.state;
  const targets = [organizationRootId(organization), ...Object.keys(state.accounts)];
  const seen = new Map<string, AttachedOrganizationPolicy>();
  for (const kind of Object.values(policyTypes)) {
    for (const target of targets) for (const policy of attachedOrganizationPolicies(state, target, kind) ?? []) seen.set(policy.id, policy);
  }
  return [...seen.values()];
}

const operations: Readonly<Record<string, Operation>> = {
  DescribeOrganization: (_call, organization) => ({
    Organization: {
      Id: organization.id,
      Arn: `arn:aws:organizations::${organization.managementAccountId}:organization/${organization.id}`,
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:aws:organizations::${organization.managementAccountId}:account/${organization.id}/${organization.managementAccountId}`,
      MasterAccountId: organization.managementAccountId,
      MasterAccountEmail: `management@${organization.managementAccountId}.example.com`,
      AvailablePolicyTypes: [
        { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
        { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
      ],
    },
  }),
  ListParents: (call, organization, input) => {
    const child = stringInput(input, 'ChildId');
    if (!call.world.state.accounts[child]) throw new AwsError('ChildNotFoundException', 'We can\'t find an organizational unit (OU) or AWS account with the ChildId that you specified.');
    return { Parents: [{ Id: organizationRootId(organization), Type: 'ROOT' }] };
  },
  ListPoliciesForTarget: (call, organization, input) => {
    const target = stringInput(input, 'TargetId');
    const filter = stringInput(input, 'Filter');
    const kind = (policyTypes as Record<string, (typeof policyTypes)[keyof typeof policyTypes] | undefined>)[filter];
    if (kind === undefined) throw new AwsError('InvalidInputException', `You specified an invalid value for Filter: ${filter}.`);
    const state = call.world.state;
    if (target !== organizationRootId(organization) && !state.accounts[target]) {
      throw new AwsError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    }
    return { Policies: (attachedOrganizationPolicies(state, target, kind) ?? []).map(summaryOf) };
  },
  DescribePolicy: (call, organization, input) => {
    const id = stringInput(input, 'PolicyId');
    const policy = allPolicies(call, organization).find((p) => p.id === id);
    if (!policy) throw new AwsError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.");
    return { Policy: { PolicySummary: summaryOf(policy), Content: policy.content } };
  },
};

/** The resource IAM authorizes an operation on, as the Service Authorization Reference names it. */
function resourceOf(call: IncomingCall, organization: OrganizationState, operation: string, input: Readonly<Record<string, unknown>>): string {
  const prefix = `arn:aws:organizations::${organization.managementAccountId}`;
  const target = String(input.TargetId ?? input.ChildId ?? '');
  const targetArn = target.startsWith('r-') ? `${prefix}:root/${organization.id}/${target}` : `${prefix}:account/${organization.id}/${target || call.caller.accountId}`;
  switch (operation) {
    case 'ListPoliciesForTarget':
      return targetArn;
    case 'DescribePolicy': {
      const id = String(input.PolicyId ?? '');
      const policy = allPolicies(call, organization).find((p) => p.id === id);
      return policy?.arn ?? `${prefix}:policy/${organization.id}/service_control_policy/${id || 'p-unknown'}`;
    }
    default:
      // DescribeOrganization and ListParents take no resource: "*" only.
      return '*';
  }
}

/**
 * The account that owns the resource: the management account for the organization's own ARNs; an
 * action without a resource type ("*": DescribeOrganization, ListParents) belongs to no other account,
 * so it is evaluated in the caller's (the simulator takes no cross-account request on "*").
 */
function resourceAccountOf(resourceArn: string, callerAccount: string, organization: OrganizationState): string {
  return resourceArn === '*' ? callerAccount : organization.managementAccountId;
}

/**
 * Whether a member account may call a read operation as a delegated administrator: registered for a
 * service (every read-only action), or named for this action by the delegation policy.
 */
async function delegated(call: IncomingCall, organization: OrganizationState, operation: string, input: Readonly<Record<string, unknown>>): Promise<boolean> {
  const { caller } = call;
  if ((organization.delegatedAdministrators ?? []).some((admin) => admin.accountId === caller.accountId)) return true;
  if (organization.delegationPolicy === undefined) return false;
  const document = JSON.parse(organization.delegationPolicy) as unknown;
  const authorizeOn = (resourceArn: string) =>
    authorize(call.world.state, caller, {
      action: `organizations:${operation}`,
      resourceArn,
      resourceAccount: resourceAccountOf(resourceArn, caller.accountId, organization),
      resourcePolicy: { name: 'delegation policy', document },
    });
  // As for the identity check: an AWS managed policy's ARN is authorized on "*".
  const outcome = await authorizeOn(resourceOf(call, organization, operation, input))
    .catch((error: unknown) => {
      if (error instanceof InvalidPolicyError) return authorizeOn('*');
      throw error;
    })
    .catch(() => undefined);
  // The delegation policy is the resource-based layer: it must allow, and nothing may deny explicitly.
  return outcome !== undefined && outcome.layers['key-policy']?.decision === 'Allowed' && !outcome.denials.some((d) => d.explicit);
}

export async function handleOrganizationsRequest(call: IncomingCall): Promise<ServiceResponse> {
  const target = String(call.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(organizationsTargetPrefix) ? target.slice(organizationsTargetPrefix.length) : '';
  const fail = (error: AwsError): ServiceResponse => ({ ...renderError('organizations', error, call.requestId), operation: `organizations:${operation || '?'}` });
  const run = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
  if (!run) return fail(new AwsError('UnknownOperationException', '', 400));
  let input: unknown;
  try {
    input = call.body.length === 0 ? {} : JSON.parse(call.body.toString('utf8'));
  } catch {
    return fail(new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
  }
  try {
    const organization = call.world.state.organization;
    const { caller } = call;
    if (!organization || !call.world.state.accounts[caller.accountId]) throw notInUse();
    // The caller's own IAM policies (and SCPs, which never bind the management account) must allow the action.
    const authorizeOn = (resourceArn: string) =>
      authorize(call.world.state, caller, { action: `organizations:${operation}`, resourceArn, resourceAccount: resourceAccountOf(resourceArn, caller.accountId, organization) });
    // An ARN the action catalogue does not know (AWS managed policies' arn:aws:organizations::aws:…) is
    // authorized on "*"; a request the evaluator cannot simulate at all is refused, never a 500.
    const outcome = await authorizeOn(resourceOf(call, organization, operation, input as Record<string, unknown>))
      .catch((error: unknown) => {
        if (error instanceof InvalidPolicyError) return authorizeOn('*');
        throw error;
      })
      .catch(() => undefined);
    const identityAllows = outcome !== undefined && outcome.layers['identity-policy']?.decision === 'Allowed' && !outcome.denials.some((d) => d.explicit);
    if (!identityAllows) throw accessDenied();
    // Only the management account and delegated administrators read the organization's structure and policies.
    if (operation !== 'DescribeOrganization' && caller.accountId !== organization.managementAccountId && !(await delegated(call, organization, operation, input as Record<string, unknown>))) {
      throw accessDenied();
    }
    const output = run(call, organization, input as Record<string, unknown>);
    return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(output), operation: `organizations:${operation}` };
  } catch (error) {
    if (error instanceof AwsError) return fail(error);
    throw error;
  }
}
