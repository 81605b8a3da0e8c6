// Diagnosis facts read straight from a sandbox state, as the AWS adapters would read them from the
// sandbox over HTTP with full visibility: the principal of a training exercise, its policies, the key
// its call names, the key policy, aliases, tags and grants. Lets the engine be tested against every scenario without
// a network.
import { keyRef } from './parsed-input.js';
import type { DiagnoseOptions } from '../../src/engine/diagnose.js';
import type { DiagnosisFacts, GrantFacts, KeyFacts, PolicyDocumentFacts, PrincipalIdentity } from '../../src/engine/facts.js';
import { findOperation, type OperationRequirement } from '../../src/engine/operations.js';
import { managedPolicyDocument, organizationRootId, resourceControlPoliciesFor, serviceControlPoliciesFor } from '../../src/sandbox/principal-policies.js';
import type { AccountState, KeyState, PrincipalCommon, SandboxState, TrainingState } from '../../src/sandbox/state.js';
import { trainingReportedError } from './training-error.js';

const keyArnPattern = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const aliasArnPattern = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

interface FoundPrincipal {
  readonly account: AccountState;
  readonly principal: PrincipalCommon;
  readonly kind: 'user' | 'role';
  readonly groups: readonly string[];
}

function findByName(state: SandboxState, name: string): FoundPrincipal {
  for (const account of Object.values(state.accounts)) {
    const user = account.users[name];
    if (user) return { account, principal: user, kind: 'user', groups: user.groups };
    const role = account.roles[name];
    if (role) return { account, principal: role, kind: 'role', groups: [] };
  }
  throw new Error(`no user or role ${name} in the scenario`);
}

/** The key a KeyId names, resolved as KMS resolves it for a caller in `accountId`. */
function resolveKey(state: SandboxState, keyInput: string, accountId: string, region: string): KeyState | undefined {
  if (keyArnPattern.test(keyInput)) return state.keys[keyInput];
  const aliasArn = aliasArnPattern.test(keyInput) ? keyInput : keyInput.startsWith('alias/') ? `arn:aws:kms:${region}:${accountId}:${keyInput}` : undefined;
  if (aliasArn !== undefined) {
    const alias = state.aliases[aliasArn];
    return alias ? state.keys[`arn:aws:kms:${alias.region}:${alias.accountId}:key/${alias.targetKeyId}`] : undefined;
  }
  return state.keys[`arn:aws:kms:${region}:${accountId}:key/${keyInput}`];
}

function policyFacts(name: string, text: string, extra: Partial<PolicyDocumentFacts> = {}): PolicyDocumentFacts {
  return { name, kind: 'inline', text, document: JSON.parse(text) as unknown, ...extra };
}

function identityPolicies(state: SandboxState, found: FoundPrincipal): PolicyDocumentFacts[] {
  const policies: PolicyDocumentFacts[] = [];
  const attached = (arns: readonly string[], groupName?: string) => {
    for (const arn of arns) {
      const text = managedPolicyDocument(state, arn);
      if (text !== undefined) policies.push(policyFacts(arn, text, { kind: 'managed', arn, ...(groupName !== undefined ? { groupName } : {}) }));
    }
  };
  for (const [name, text] of Object.entries(found.principal.inlinePolicies)) policies.push(policyFacts(name, text));
  attached(found.principal.attachedPolicies);
  for (const groupName of found.groups) {
    const group = found.account.groups[groupName];
    if (!group) continue;
    for (const [name, text] of Object.entries(group.inlinePolicies)) policies.push(policyFacts(name, text, { groupName }));
    attached(group.attachedPolicies, groupName);
  }
  return policies;
}

/** The operation of a training call: the KMS API, made through the service the call names, if any. */
function operationOf(training: TrainingState): OperationRequirement {
  const operation = findOperation(training.call.operation);
  if (!operation) throw new Error(`unknown operation ${training.call.operation}`);
  const viaService = training.call.viaService?.split('.')[0];
  if (viaService === undefined) return operation;
  // A service that calls CreateGrant does so for the resource it manages (kms:GrantIsForAWSResource).
  return { ...operation, viaService, usesGrants: operation.usesGrants || operation.actions.includes('kms:CreateGrant') };
}

/** Facts about the training call of a scenario, as seen with full read access. */
export function factsFromState(state: SandboxState, training: TrainingState = requireTraining(state)): DiagnosisFacts {
  const found = findByName(state, training.principal);
  const { account, principal, kind } = found;
  // The training call is made in the sandbox's default Region (its profiles' Region), whatever the key ARN says.
  const region = state.defaultRegion;
  const sessionArn = `arn:aws:sts::${account.id}:assumed-role/${principal.name}/${principal.name}-session`;
  const arn = kind === 'role' ? sessionArn : principal.arn;
  const userId = kind === 'role' ? `${principal.id}:${principal.name}-session` : principal.id;
  const identity: PrincipalIdentity = {
    arn,
    entityArn: principal.arn,
    kind,
    name: principal.name,
    accountId: account.id,
    ...(principal.permissionsBoundary !== undefined ? { permissionsBoundaryArn: principal.permissionsBoundary } : {}),
    uniqueId: principal.id,
    tags: principal.tags,
  };
  const boundaryText = principal.permissionsBoundary !== undefined ? managedPolicyDocument(state, principal.permissionsBoundary) : undefined;
  const key = resolveKey(state, training.call.key, account.id, region);
  const keyFacts: KeyFacts | undefined = key && {
    arn: key.arn,
    keyId: key.keyId,
    accountId: key.accountId,
    region: key.region,
    state: key.keyState,
    enabled: key.keyState === 'Enabled',
    manager: key.keyManager,
    spec: key.keySpec,
    usage: key.keyUsage,
    origin: key.origin,
    multiRegion: key.multiRegion,
    description: key.description,
    ...(key.deletionDate !== undefined ? { deletionDate: key.deletionDate } : {}),
  };
  const grants: GrantFacts[] = (key?.grants ?? []).map((g) => ({
    grantId: g.grantId,
    ...(g.name !== undefined ? { name: g.name } : {}),
    granteePrincipal: g.granteePrincipal,
    ...(g.retiringPrincipal !== undefined ? { retiringPrincipal: g.retiringPrincipal } : {}),
    operations: g.operations,
    ...(g.constraints
      ? {
          constraints: {
            ...(g.constraints.EncryptionContextSubset ? { encryptionContextSubset: g.constraints.EncryptionContextSubset } : {}),
            ...(g.constraints.EncryptionContextEquals ? { encryptionContextEquals: g.constraints.EncryptionContextEquals } : {}),
          },
        }
      : {}),
    issuingAccount: g.issuingAccount,
    creationDate: g.creationDate,
  }));
  // The error the call got, when only that error tells the cause (a ciphertext made with another context or key).
  const reportedError = trainingReportedError(state, training);
  const notFound = (call: string) => ({ status: 'unreadable' as const, reason: 'not-found' as const, call, message: `Key '${training.call.key}' does not exist` });
  return {
    request: {
      operation: operationOf(training),
      key: keyRef(training.call.key),
      region,
      ...(training.call.encryptionContext !== undefined ? { encryptionContext: training.call.encryptionContext } : {}),
      ...(reportedError !== undefined ? { reportedError } : {}),
    },
    caller: { status: 'known', value: { arn, accountId: account.id, userId } },
    principal: { status: 'known', value: identity },
    key: keyFacts ? { status: 'known', value: keyFacts } : notFound('kms:DescribeKey'),
    keyPolicy: key ? { status: 'known', value: { text: key.policy, document: JSON.parse(key.policy) as unknown } } : notFound('kms:GetKeyPolicy'),
    grants: key ? { status: 'known', value: grants } : notFound('kms:ListGrants'),
    principalPolicies: {
      status: 'known',
      value: {
        policies: identityPolicies(state, found),
        ...(boundaryText !== undefined && principal.permissionsBoundary !== undefined
          ? { permissionsBoundary: policyFacts(principal.permissionsBoundary, boundaryText, { kind: 'managed', arn: principal.permissionsBoundary }) }
          : {}),
      },
    },
    simulation: { status: 'skipped', why: 'IAM simulator results are not part of a sandbox state' },
    aliases: key
      ? { status: 'known', value: Object.values(state.aliases).filter((a) => a.accountId === key.accountId && a.region === key.region && a.targetKeyId === key.keyId).map((a) => a.aliasName) }
      : notFound('kms:ListAliases'),
    tags: key ? { status: 'known', value: Object.fromEntries(key.tags.map((t) => [t.TagKey, t.TagValue])) } : notFound('kms:ListResourceTags'),
    organization: organizationOf(state, account.id, key?.accountId),
  };
}

/** The organization as DescribeOrganization and the management account's reads would show it. */
function organizationOf(state: SandboxState, principalAccount: string, keyAccount: string | undefined): NonNullable<DiagnosisFacts['organization']> {
  const organization = state.organization;
  if (!organization) return { status: 'known', value: { inOrganization: false } };
  const levels = (read: ReturnType<typeof serviceControlPoliciesFor>) =>
    (read ?? []).map((level) => ({ level: level.level, policies: level.policies.map((p) => ({ name: p.name, arn: p.name, document: p.document })) }));
  return {
    status: 'known',
    value: {
      inOrganization: true,
      id: organization.id,
      managementAccountId: organization.managementAccountId,
      principalOrgPaths: [`${organization.id}/${organizationRootId(organization)}/`],
      serviceControlPolicies: { status: 'known', value: levels(serviceControlPoliciesFor(state, principalAccount)) },
      resourceControlPolicies: { status: 'known', value: keyAccount !== undefined ? levels(resourceControlPoliciesFor(state, keyAccount)) : [] },
    },
  };
}

/**
 * The policies that apply to the training call and that AWS does not return to kms-doctor, as the
 * scenario declares them: SCPs of the principal's account, RCPs of the key's, the training principal's
 * session policy and the policy of the VPC endpoint the call goes through.
 */
export function optionsFromState(state: SandboxState, training: TrainingState = requireTraining(state)): DiagnoseOptions {
  const facts = factsFromState(state, training);
  const principalAccount = facts.principal.status === 'known' ? facts.principal.value.accountId : undefined;
  const keyAccount = facts.key.status === 'known' ? facts.key.value.accountId : undefined;
  const scps = principalAccount !== undefined ? serviceControlPoliciesFor(state, principalAccount) : undefined;
  const rcps = keyAccount !== undefined ? resourceControlPoliciesFor(state, keyAccount) : undefined;
  const sessionPolicy = training.principal === state.training?.principal ? state.training.sessionPolicy : undefined;
  const endpoint = training.call.vpcEndpoint !== undefined ? state.vpcEndpoints?.[training.call.vpcEndpoint] : undefined;
  return {
    ...(scps ? { serviceControlPolicies: scps } : {}),
    ...(rcps ? { resourceControlPolicies: rcps } : {}),
    ...(sessionPolicy !== undefined ? { sessionPolicy: { name: 'session policy', document: JSON.parse(sessionPolicy) as unknown } } : {}),
    ...(endpoint ? { vpcEndpointPolicy: { name: endpoint.id, document: JSON.parse(endpoint.policy) as unknown } } : {}),
  };
}

function requireTraining(state: SandboxState): TrainingState {
  if (!state.training) throw new Error(`scenario ${state.scenarioName} has no training section`);
  return state.training;
}
