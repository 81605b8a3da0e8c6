// The `organization` section: a management account and the service and resource control policies
// attached to the root or to accounts. Policy IDs are generated as AWS would, the organization ID too unless given.
// Delegated administrators: member accounts registered for an AWS service (RegisterDelegatedAdministrator)
// and the resource-based delegation policy (PutResourcePolicy) that delegates Organizations actions.
import { randomBytes } from 'node:crypto';
import type { DelegatedAdministratorState, OrganizationPolicyState, OrganizationState } from '../state.js';
import { fieldPath, type JsonReader } from './json-reader.js';
import { readResourcePolicy } from './principal-references.js';
import type { ScenarioDraft } from './scenario-draft.js';

const formats = {
  organizationId: /^o-[a-z0-9]{10,32}$/,
  policyName: /^[\w+=,.@ -]{1,128}$/,
  // RegisterDelegatedAdministrator's ServicePrincipal: a service's principal, such as securityhub.amazonaws.com.
  servicePrincipal: /^[\w+=,.@-]{1,128}\.amazonaws\.com$/,
};

type PolicyField = 'serviceControlPolicies' | 'resourceControlPolicies';

export function readOrganization(draft: ScenarioDraft, value: unknown): OrganizationState {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(value, 'organization', ['managementAccount'], ['id', 'serviceControlPolicies', 'resourceControlPolicies', 'delegatedAdministrators', 'delegationPolicy']);
  const managementAccountId = reader.accountId(entry.managementAccount, 'organization.managementAccount');
  if (!draft.accounts[managementAccountId]) reader.fail('organization.managementAccount', `account ${managementAccountId} is not declared in accounts`);
  const id =
    entry.id === undefined
      ? `o-${randomLowercase(10)}`
      : reader.string(entry.id, 'organization.id', { pattern: formats.organizationId, hint: 'an organization ID such as o-a1b2c3d4e5' });
  const policies = (field: PolicyField): OrganizationPolicyState[] =>
    entry[field] === undefined ? [] : readPolicies(draft, entry[field], field, `arn:aws:organizations::${managementAccountId}:policy/${id}`);
  return {
    id,
    managementAccountId,
    serviceControlPolicies: policies('serviceControlPolicies'),
    resourceControlPolicies: policies('resourceControlPolicies'),
    ...(entry.delegatedAdministrators !== undefined ? { delegatedAdministrators: readDelegatedAdministrators(draft, entry.delegatedAdministrators, managementAccountId) } : {}),
    ...(entry.delegationPolicy !== undefined ? { delegationPolicy: readResourcePolicy(draft, entry.delegationPolicy, 'organization.delegationPolicy') } : {}),
  };
}

function readDelegatedAdministrators(draft: ScenarioDraft, value: unknown, managementAccountId: string): DelegatedAdministratorState[] {
  const reader: JsonReader = draft.reader;
  return reader.array(value, 'organization.delegatedAdministrators', (item, path) => {
    const entry = reader.object(item, path, ['account', 'servicePrincipal'], []);
    const servicePrincipal = reader.string(entry.servicePrincipal, fieldPath(path, 'servicePrincipal'), { pattern: formats.servicePrincipal, hint: 'a service principal such as securityhub.amazonaws.com' });
    const accountId = reader.accountId(entry.account, fieldPath(path, 'account'));
    if (!draft.accounts[accountId]) reader.fail(fieldPath(path, 'account'), `account ${accountId} is not declared in accounts`);
    // AWS refuses to register the management account itself (ConstraintViolationException).
    if (accountId === managementAccountId) reader.fail(fieldPath(path, 'account'), 'the management account cannot be a delegated administrator');
    return { accountId, servicePrincipal };
  });
}

function readPolicies(draft: ScenarioDraft, value: unknown, field: PolicyField, arnPrefix: string): OrganizationPolicyState[] {
  const reader: JsonReader = draft.reader;
  const type = field === 'serviceControlPolicies' ? 'service_control_policy' : 'resource_control_policy';
  const names = new Set<string>();
  return reader.array(value, `organization.${field}`, (item, path) => {
    const policy = reader.object(item, path, ['name', 'document', 'targets'], ['description']);
    const name = reader.string(policy.name, fieldPath(path, 'name'), { pattern: formats.policyName, hint: 'a policy name' });
    if (names.has(name)) reader.fail(fieldPath(path, 'name'), `another policy in organization.${field} is named ${name}`);
    names.add(name);
    if (policy.description !== undefined) reader.string(policy.description, fieldPath(path, 'description'));
    const targetsPath = fieldPath(path, 'targets');
    const targets = reader.stringArray(policy.targets, targetsPath, undefined, { nonEmpty: true });
    targets.forEach((target, index) => {
      if (target !== 'root' && !draft.accounts[target]) {
        reader.fail(fieldPath(targetsPath, index), `${JSON.stringify(target)} is neither "root" nor an account declared in accounts`);
      }
    });
    const documentPath = fieldPath(path, 'document');
    const document =
      field === 'serviceControlPolicies'
        ? draft.policies.read(policy.document, documentPath, 'identity')
        : readResourcePolicy(draft, policy.document, documentPath);
    return { name, arn: `${arnPrefix}/${type}/p-${randomLowercase(8)}`, document, targets };
  });
}

function randomLowercase(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
