// The IAM sections: managedPolicies, groups, users and roles, read in that order so that attachments,
// group memberships and boundaries always refer to something already read. Users get an access key
// (and so a profile) unless they opt out; roles get a source profile to be assumed from.
import { awsManagedPolicies } from '../aws-managed-policies.js';
import { newAccessKeyId, newGroupId, newPolicyId, newRoleId, newSecretAccessKey, newUserId } from '../ids.js';
import type { AccountState, IamIdentityState, ManagedPolicyState, PrincipalCommon, RoleState, UserState } from '../state.js';
import { fieldPath, type JsonObject, type JsonReader } from './json-reader.js';
import { readResourcePolicy } from './principal-references.js';
import type { ScenarioDraft } from './scenario-draft.js';

const formats = {
  principalName: /^[\w+=,.@-]{1,64}$/,
  groupName: /^[\w+=,.@-]{1,128}$/,
  policyName: /^[\w+=,.@-]{1,128}$/,
  iamPath: /^\/(?:[\w+=,.@-]+\/)*$/,
};

const roleFields = ['account', 'path', 'trustPolicy', 'inlinePolicies', 'attachedPolicies', 'permissionsBoundary', 'tags', 'maxSessionDuration', 'sourceProfile'];
const userFields = ['account', 'path', 'inlinePolicies', 'attachedPolicies', 'groups', 'permissionsBoundary', 'tags', 'accessKey'];

export function readManagedPolicy(draft: ScenarioDraft, item: unknown, path: string): void {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(item, path, ['name', 'document'], ['account', 'path', 'description']);
  const account = draft.accountOf(entry, path);
  const name = reader.string(entry.name, fieldPath(path, 'name'), { pattern: formats.policyName, hint: 'a valid policy name' });
  const nameKey = `${account.id}/${name}`;
  if (draft.managedPolicyArns.has(nameKey)) reader.fail(fieldPath(path, 'name'), `account ${account.id} already has a managed policy named ${name}`);
  const policyPath = iamPathOf(draft, entry, path);
  const arn = `arn:aws:iam::${account.id}:policy${policyPath}${name}`;
  const document = draft.policies.read(entry.document, fieldPath(path, 'document'), 'identity');
  const policy: ManagedPolicyState = {
    name,
    path: policyPath,
    arn,
    id: newPolicyId(),
    ...(entry.description !== undefined ? { description: reader.string(entry.description, fieldPath(path, 'description')) } : {}),
    createDate: draft.created,
    updateDate: draft.created,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document, createDate: draft.created }],
    nextVersionNumber: 2,
  };
  account.managedPolicies[arn] = policy;
  draft.managedPolicyArns.set(nameKey, arn);
}

export function readGroup(draft: ScenarioDraft, item: unknown, path: string): void {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(item, path, ['name'], ['account', 'path', 'inlinePolicies', 'attachedPolicies']);
  const account = draft.accountOf(entry, path);
  const name = reader.string(entry.name, fieldPath(path, 'name'), { pattern: formats.groupName, hint: 'a valid group name' });
  if (name === '__proto__') reader.fail(fieldPath(path, 'name'), '"__proto__" cannot be a group name in a scenario file (it would be dropped from the account); choose another name');
  if (account.groups[name]) reader.fail(fieldPath(path, 'name'), `account ${account.id} already has a group named ${name}`);
  const identity = { kind: 'group', name, iamPath: iamPathOf(draft, entry, path), id: newGroupId() } as const;
  account.groups[name] = identityFields(draft, entry, path, account, identity);
}

export function readUser(draft: ScenarioDraft, item: unknown, path: string): void {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(item, path, ['name'], userFields);
  const account = draft.accountOf(entry, path);
  const name = claimPrincipalName(draft, entry.name, path, 'user', account);
  const identity = { kind: 'user', name, iamPath: iamPathOf(draft, entry, path), id: newUserId() } as const;
  const groupsPath = fieldPath(path, 'groups');
  const groups = entry.groups === undefined ? [] : reader.stringArray(entry.groups, groupsPath);
  groups.forEach((group, index) => {
    if (!account.groups[group]) reader.fail(fieldPath(groupsPath, index), `no group named ${group} is declared in account ${account.id}`);
  });
  const user: UserState = {
    ...principalFields(draft, entry, path, account, identity),
    groups,
  };
  account.users[name] = user;
  draft.principalArns.add(user.arn);
  const accessKey = entry.accessKey === undefined ? true : reader.boolean(entry.accessKey, fieldPath(path, 'accessKey'));
  if (!accessKey) return;
  const accessKeyId = newAccessKeyId();
  draft.credentials[accessKeyId] = {
    kind: 'long-term',
    accessKeyId,
    secretAccessKey: newSecretAccessKey(),
    accountId: account.id,
    userName: name,
    status: 'Active',
    createDate: draft.created,
  };
  draft.usersWithAccessKeys.add(name);
}

/** Reads a role; returns the step that resolves its source profile once every user is known. */
export function readRole(draft: ScenarioDraft, item: unknown, path: string): () => void {
  const reader: JsonReader = draft.reader;
  const entry = reader.object(item, path, ['name'], roleFields);
  const account = draft.accountOf(entry, path);
  const name = claimPrincipalName(draft, entry.name, path, 'role', account);
  const identity = { kind: 'role', name, iamPath: iamPathOf(draft, entry, path), id: newRoleId() } as const;
  const trustPolicy =
    entry.trustPolicy === undefined
      ? JSON.stringify(
          { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account.id}:root` }, Action: 'sts:AssumeRole' }] },
          null,
          2,
        )
      : readResourcePolicy(draft, entry.trustPolicy, fieldPath(path, 'trustPolicy'));
  const role: RoleState = {
    ...principalFields(draft, entry, path, account, identity),
    assumeRolePolicyDocument: trustPolicy,
    maxSessionDuration:
      entry.maxSessionDuration === undefined ? 3600 : reader.integer(entry.maxSessionDuration, fieldPath(path, 'maxSessionDuration'), 3600, 43200),
  };
  account.roles[name] = role;
  draft.principalArns.add(role.arn);
  const sourcePath = fieldPath(path, 'sourceProfile');
  const sourceProfile = entry.sourceProfile === undefined ? undefined : reader.nonEmptyString(entry.sourceProfile, sourcePath);
  return () => {
    if (sourceProfile === undefined) {
      // Default: the account's first user with an access key (usually its admin); none → no profile.
      const fallback = Object.values(account.users).find((user) => draft.usersWithAccessKeys.has(user.name));
      if (fallback) role.sourceProfile = fallback.name;
      return;
    }
    if (draft.principalsByName.get(sourceProfile)?.kind !== 'user') reader.fail(sourcePath, `${sourceProfile} is not a user declared in this scenario`);
    if (!draft.usersWithAccessKeys.has(sourceProfile)) {
      reader.fail(sourcePath, `user ${sourceProfile} has "accessKey": false, so there is no profile to assume the role from`);
    }
    role.sourceProfile = sourceProfile;
  };
}

/** Reserves a principal's name as its profile name. */
function claimPrincipalName(draft: ScenarioDraft, value: unknown, path: string, kind: 'user' | 'role', account: AccountState): string {
  const reader: JsonReader = draft.reader;
  const namePath = fieldPath(path, 'name');
  const name = reader.string(value, namePath, { pattern: formats.principalName, hint: `a valid ${kind} name (1-64 of letters, digits and +=,.@_-)` });
  if (name === 'default') reader.fail(namePath, '"default" is reserved: the sandbox never writes a default profile');
  if (name === '__proto__') reader.fail(namePath, '"__proto__" cannot be a principal name in a scenario file (it would be dropped from the account); choose another name');
  const taken = draft.principalsByName.get(name);
  if (taken) {
    reader.fail(
      namePath,
      `${name} is already the name of the ${taken.kind} at ${taken.declaredAt}; principal names must be unique across accounts because profiles are named after them`,
    );
  }
  draft.principalsByName.set(name, { kind, accountId: account.id, declaredAt: path });
  return name;
}

/** Who an IAM identity is: read by each section up front, so that a bad name or path is reported before problems in later fields. */
interface IdentityName {
  readonly kind: 'group' | 'user' | 'role';
  readonly name: string;
  readonly iamPath: string;
  readonly id: string;
}

/** What groups, users and roles share: an ARN, and the policies that apply to them. */
function identityFields(draft: ScenarioDraft, entry: JsonObject, path: string, account: AccountState, { kind, name, iamPath, id }: IdentityName): IamIdentityState {
  return {
    name,
    path: iamPath,
    arn: `arn:aws:iam::${account.id}:${kind}${iamPath}${name}`,
    id,
    createDate: draft.created,
    inlinePolicies: inlinePoliciesOf(draft, entry, path),
    attachedPolicies: attachedPoliciesOf(draft, entry, path, account),
  };
}

/** What users and roles add to that: a permissions boundary and tags. */
function principalFields(draft: ScenarioDraft, entry: JsonObject, path: string, account: AccountState, identity: IdentityName): PrincipalCommon {
  return {
    ...identityFields(draft, entry, path, account, identity),
    ...(entry.permissionsBoundary === undefined
      ? {}
      : { permissionsBoundary: policyReference(draft, entry.permissionsBoundary, fieldPath(path, 'permissionsBoundary'), account) }),
    tags: draft.tagsOf(entry, path),
  };
}

function iamPathOf(draft: ScenarioDraft, entry: JsonObject, path: string): string {
  if (entry.path === undefined) return '/';
  return draft.reader.string(entry.path, fieldPath(path, 'path'), { pattern: formats.iamPath, hint: 'an IAM path such as / or /teams/payments/' });
}

function inlinePoliciesOf(draft: ScenarioDraft, entry: JsonObject, path: string): Record<string, string> {
  if (entry.inlinePolicies === undefined) return {};
  const policiesPath = fieldPath(path, 'inlinePolicies');
  const policies: Record<string, string> = {};
  for (const [name, document] of Object.entries(draft.reader.record(entry.inlinePolicies, policiesPath, 'policy documents by policy name'))) {
    const policyPath = fieldPath(policiesPath, name);
    if (!formats.policyName.test(name)) draft.reader.fail(policyPath, 'is not a valid policy name (letters, digits and +=,.@_- only)');
    policies[name] = draft.policies.read(document, policyPath, 'identity');
  }
  return policies;
}

function attachedPoliciesOf(draft: ScenarioDraft, entry: JsonObject, path: string, account: AccountState): string[] {
  if (entry.attachedPolicies === undefined) return [];
  const listPath = fieldPath(path, 'attachedPolicies');
  const arns = draft.reader.array(entry.attachedPolicies, listPath, (value, itemPath) => policyReference(draft, value, itemPath, account));
  arns.forEach((arn, index) => {
    if (arns.indexOf(arn) !== index) draft.reader.fail(fieldPath(listPath, index), `${arn} is attached twice`);
  });
  return arns;
}

/** A policy reference: an AWS managed policy ARN, or a customer managed policy of the account by name or ARN. */
function policyReference(draft: ScenarioDraft, value: unknown, path: string, account: AccountState): string {
  const reader: JsonReader = draft.reader;
  const reference = reader.nonEmptyString(value, path);
  if (reference.startsWith('arn:aws:iam::aws:policy/')) {
    if (!awsManagedPolicies[reference]) {
      reader.fail(path, `${reference} is not an AWS managed policy the sandbox knows (known: ${Object.keys(awsManagedPolicies).join(', ')})`);
    }
    return reference;
  }
  if (reference.startsWith('arn:')) {
    if (!account.managedPolicies[reference]) reader.fail(path, `${reference} is not a managed policy declared in account ${account.id}`);
    return reference;
  }
  const arn = draft.managedPolicyArns.get(`${account.id}/${reference}`);
  if (!arn) reader.fail(path, `no managed policy named ${reference} is declared in account ${account.id}`);
  return arn;
}
