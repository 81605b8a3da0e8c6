// Checks a saved state (--state FILE) before the sandbox serves it, the way scenario files are checked:
// the first problem becomes one line naming the file and the field. A state is written by the sandbox
// itself, so this looks for what a hand edit or a truncated copy breaks — missing sections, wrong
// types, references to accounts, users or keys that are not there, policies that are not policies —
// and that every request would otherwise meet as InternalFailure. Fields it does not know are left
// alone, so a state saved by a newer sandbox with extra fields still resumes.
import { validatePolicyDocument } from '../engine/policy-evaluation.js';
import { disallowedPolicyCharacter } from './policy-characters.js';
import { fieldPath, isJsonObject, JsonReader, type JsonObject } from './scenario/json-reader.js';
import { stateFormatVersion, type SandboxState } from './state.js';

const keyStates = ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'PendingReplicaDeletion', 'Unavailable', 'Updating'] as const;
const origins = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;

interface PendingPolicy {
  readonly path: string;
  readonly document: unknown;
  readonly kind: 'identity' | 'resource';
}

class StateReader {
  readonly #policies: PendingPolicy[] = [];

  constructor(readonly reader: JsonReader) {}

  /** An object that must have these fields; other fields are allowed. */
  object(value: unknown, path: string, required: readonly string[]): JsonObject {
    const reader: JsonReader = this.reader;
    if (!isJsonObject(value)) reader.fail(path, `must be an object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    for (const key of required) if (value[key] === undefined) reader.fail(fieldPath(path, key), 'is required');
    return value;
  }

  strings(value: JsonObject, path: string, fields: readonly string[]): void {
    for (const field of fields) this.reader.string(value[field], fieldPath(path, field));
  }

  optionalString(value: JsonObject, path: string, field: string): void {
    if (value[field] !== undefined) this.reader.string(value[field], fieldPath(path, field));
  }

  /** A record whose keys must equal one field of each entry (users by name, keys by ARN…). */
  entries(value: unknown, path: string, what: string, keyField: string, each: (entry: JsonObject, entryPath: string) => void): JsonObject {
    const reader: JsonReader = this.reader;
    const record = reader.record(value, path, what);
    for (const [key, item] of Object.entries(record)) {
      const entryPath = fieldPath(path, key);
      const entry = this.object(item, entryPath, [keyField]);
      if (entry[keyField] !== key) reader.fail(fieldPath(entryPath, keyField), `must be ${JSON.stringify(key)}, the name it is filed under`);
      each(entry, entryPath);
    }
    return record;
  }

  /** A policy document stored as text: JSON, printable, and (checked at the end) valid policy grammar. */
  policy(value: unknown, path: string, kind: 'identity' | 'resource'): void {
    const reader: JsonReader = this.reader;
    const text = reader.string(value, path);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      reader.fail(path, 'is not a JSON policy document');
    }
    if (!isJsonObject(document)) reader.fail(path, 'is not a JSON policy document (an object)');
    const disallowed = disallowedPolicyCharacter(document);
    if (disallowed) reader.fail(`${path} ${disallowed.path}`, `holds ${disallowed.codePoint}, a character policies may not contain`);
    this.#policies.push({ path, document, kind });
  }

  async validatePolicies(): Promise<void> {
    const results = await Promise.all(this.#policies.map((p) => validatePolicyDocument(p.document, p.kind)));
    results.forEach((problems, index) => {
      if (problems[0] !== undefined) this.reader.fail(this.#policies[index]!.path, `is not a valid policy: ${problems[0]}`);
    });
  }
}

function readIdentity(s: StateReader, entry: JsonObject, path: string): void {
  const reader: JsonReader = s.reader;
  s.strings(entry, path, ['path', 'arn', 'id', 'createDate']);
  for (const [name, document] of Object.entries(reader.record(entry.inlinePolicies, fieldPath(path, 'inlinePolicies'), 'policy documents'))) {
    s.policy(document, fieldPath(fieldPath(path, 'inlinePolicies'), name), 'identity');
  }
  reader.stringArray(entry.attachedPolicies, fieldPath(path, 'attachedPolicies'));
}

function readAccount(s: StateReader, account: JsonObject, path: string): void {
  const reader: JsonReader = s.reader;
  reader.accountId(account.id, fieldPath(path, 'id'));
  const groups = s.entries(account.groups, fieldPath(path, 'groups'), 'groups', 'name', (group, groupPath) => readIdentity(s, group, groupPath));
  s.entries(account.users, fieldPath(path, 'users'), 'users', 'name', (user, userPath) => {
    readIdentity(s, user, userPath);
    reader.stringMap(user.tags, fieldPath(userPath, 'tags'));
    reader.stringArray(user.groups, fieldPath(userPath, 'groups')).forEach((group, index) => {
      if (!Object.hasOwn(groups, group)) reader.fail(fieldPath(fieldPath(userPath, 'groups'), index), `names no group of account ${String(account.id)}`);
    });
  });
  s.entries(account.roles, fieldPath(path, 'roles'), 'roles', 'name', (role, rolePath) => {
    readIdentity(s, role, rolePath);
    reader.stringMap(role.tags, fieldPath(rolePath, 'tags'));
    s.policy(role.assumeRolePolicyDocument, fieldPath(rolePath, 'assumeRolePolicyDocument'), 'resource');
    reader.integer(role.maxSessionDuration, fieldPath(rolePath, 'maxSessionDuration'), 3600, 43200);
    s.optionalString(role, rolePath, 'sourceProfile');
  });
  s.entries(account.managedPolicies, fieldPath(path, 'managedPolicies'), 'managed policies', 'arn', (policy, policyPath) => {
    s.strings(policy, policyPath, ['name', 'path', 'id', 'createDate', 'updateDate', 'defaultVersionId']);
    const versions = reader.array(policy.versions, fieldPath(policyPath, 'versions'), (version, versionPath) => {
      const entry = s.object(version, versionPath, ['versionId', 'document', 'createDate']);
      s.policy(entry.document, fieldPath(versionPath, 'document'), 'identity');
      return reader.string(entry.versionId, fieldPath(versionPath, 'versionId'));
    });
    if (!versions.includes(policy.defaultVersionId as string)) reader.fail(fieldPath(policyPath, 'defaultVersionId'), 'names no version of the policy');
    reader.integer(policy.nextVersionNumber, fieldPath(policyPath, 'nextVersionNumber'), 1, Number.MAX_SAFE_INTEGER);
  });
}

function readCredential(s: StateReader, credential: JsonObject, path: string, accounts: JsonObject): void {
  const reader: JsonReader = s.reader;
  const kind = reader.oneOf(credential.kind, fieldPath(path, 'kind'), ['long-term', 'session']);
  s.strings(credential, path, ['secretAccessKey', 'accountId']);
  const account = accounts[credential.accountId as string];
  if (!Object.hasOwn(accounts, credential.accountId as string) || !isJsonObject(account)) {
    reader.fail(fieldPath(path, 'accountId'), `names no account of the state`);
  }
  if (kind === 'long-term') {
    const userName = reader.string(credential.userName, fieldPath(path, 'userName'));
    if (!Object.hasOwn(account.users as JsonObject, userName)) reader.fail(fieldPath(path, 'userName'), `names no user of account ${String(credential.accountId)}`);
    reader.oneOf(credential.status, fieldPath(path, 'status'), ['Active', 'Inactive']);
    s.strings(credential, path, ['createDate']);
  } else {
    s.strings(credential, path, ['sessionToken', 'roleName', 'roleArn', 'roleId', 'sessionName', 'assumedRoleArn', 'expiration']);
    if (credential.sessionPolicy !== undefined) s.policy(credential.sessionPolicy, fieldPath(path, 'sessionPolicy'), 'identity');
  }
}

function readKey(s: StateReader, key: JsonObject, path: string, accounts: JsonObject): void {
  const reader: JsonReader = s.reader;
  reader.string(key.arn, fieldPath(path, 'arn'), { pattern: /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, hint: 'a KMS key ARN' });
  s.strings(key, path, ['keyId', 'accountId', 'region', 'description', 'keySpec', 'keyUsage', 'creationDate']);
  if (!Object.hasOwn(accounts, key.accountId as string)) reader.fail(fieldPath(path, 'accountId'), 'names no account of the state');
  reader.oneOf(key.keyState, fieldPath(path, 'keyState'), keyStates);
  reader.oneOf(key.keyManager, fieldPath(path, 'keyManager'), ['AWS', 'CUSTOMER']);
  reader.oneOf(key.origin, fieldPath(path, 'origin'), origins);
  reader.boolean(key.multiRegion, fieldPath(path, 'multiRegion'));
  s.policy(key.policy, fieldPath(path, 'policy'), 'resource');
  reader.array(key.tags, fieldPath(path, 'tags'), (tag, tagPath) => s.strings(s.object(tag, tagPath, ['TagKey', 'TagValue']), tagPath, ['TagKey', 'TagValue']));
  reader.array(key.grants, fieldPath(path, 'grants'), (grant, grantPath) => {
    const entry = s.object(grant, grantPath, ['grantId', 'keyArn', 'granteePrincipal', 'issuingAccount', 'operations', 'creationDate', 'grantToken']);
    s.strings(entry, grantPath, ['grantId', 'keyArn', 'granteePrincipal', 'issuingAccount', 'creationDate', 'grantToken']);
    reader.stringArray(entry.operations, fieldPath(grantPath, 'operations'), undefined, { nonEmpty: true });
    s.optionalString(entry, grantPath, 'effectiveAt');
    if (entry.constraints !== undefined) {
      const constraints = s.object(entry.constraints, fieldPath(grantPath, 'constraints'), []);
      for (const field of ['EncryptionContextSubset', 'EncryptionContextEquals']) {
        if (constraints[field] !== undefined) reader.stringMap(constraints[field], fieldPath(fieldPath(grantPath, 'constraints'), field));
      }
    }
  });
  s.optionalString(key, path, 'material');
}

function readOrganization(s: StateReader, organization: JsonObject, path: string): void {
  const reader: JsonReader = s.reader;
  s.strings(organization, path, ['id', 'managementAccountId']);
  for (const field of ['serviceControlPolicies', 'resourceControlPolicies']) {
    reader.array(organization[field], fieldPath(path, field), (policy, policyPath) => {
      const entry = s.object(policy, policyPath, ['name', 'arn', 'document', 'targets']);
      s.strings(entry, policyPath, ['name', 'arn']);
      s.policy(entry.document, fieldPath(policyPath, 'document'), field === 'serviceControlPolicies' ? 'identity' : 'resource');
      reader.stringArray(entry.targets, fieldPath(policyPath, 'targets'));
    });
  }
  if (organization.delegatedAdministrators !== undefined) {
    reader.array(organization.delegatedAdministrators, fieldPath(path, 'delegatedAdministrators'), (admin, adminPath) => {
      s.strings(s.object(admin, adminPath, ['accountId', 'servicePrincipal']), adminPath, ['accountId', 'servicePrincipal']);
    });
  }
  if (organization.delegationPolicy !== undefined) s.policy(organization.delegationPolicy, fieldPath(path, 'delegationPolicy'), 'resource');
}

/** Checks a parsed state file; throws a ScenarioError-shaped one-line error (file: field: problem). */
export async function validateSavedState(file: string, raw: unknown): Promise<SandboxState> {
  const reader: JsonReader = new JsonReader(file);
  const s = new StateReader(reader);
  const state = s.object(raw, '', ['formatVersion', 'scenarioName', 'defaultRegion', 'accounts', 'credentials', 'keys', 'aliases', 'revision']);
  if (state.formatVersion !== stateFormatVersion) reader.fail('formatVersion', `must be ${stateFormatVersion} (this sandbox reads only format version ${stateFormatVersion})`);
  reader.string(state.scenarioName, 'scenarioName');
  reader.region(state.defaultRegion, 'defaultRegion');
  reader.integer(state.revision, 'revision', 0, Number.MAX_SAFE_INTEGER);
  const accounts = s.entries(state.accounts, 'accounts', 'accounts', 'id', (account, path) => readAccount(s, account, path));
  if (Object.keys(accounts).length === 0) reader.fail('accounts', 'must hold at least one account');
  s.entries(state.credentials, 'credentials', 'credentials', 'accessKeyId', (credential, path) => readCredential(s, credential, path, accounts));
  const keys = s.entries(state.keys, 'keys', 'keys', 'arn', (key, path) => readKey(s, key, path, accounts));
  s.entries(state.aliases, 'aliases', 'aliases', 'aliasArn', (alias, path) => {
    s.strings(alias, path, ['aliasName', 'targetKeyId', 'accountId', 'region', 'creationDate', 'lastUpdatedDate']);
    const target = `arn:aws:kms:${String(alias.region)}:${String(alias.accountId)}:key/${String(alias.targetKeyId)}`;
    if (!Object.hasOwn(keys, target)) reader.fail(fieldPath(path, 'targetKeyId'), `names no key of the state (${target})`);
  });
  if (state.organization !== undefined) readOrganization(s, s.object(state.organization, 'organization', []), 'organization');
  if (state.vpcEndpoints !== undefined) {
    s.entries(state.vpcEndpoints, 'vpcEndpoints', 'vpcEndpoints', 'id', (endpoint, path) => {
      s.strings(endpoint, path, ['id', 'accountId', 'vpcId']);
      s.policy(endpoint.policy, fieldPath(path, 'policy'), 'resource');
    });
  }
  if (state.training !== undefined) {
    const training = s.object(state.training, 'training', ['title', 'description', 'principal', 'call', 'expectedError', 'goal']);
    s.strings(training, 'training', ['title', 'description', 'principal', 'expectedError', 'goal']);
    s.strings(s.object(training.call, 'training.call', ['operation', 'key']), 'training.call', ['operation', 'key']);
  }
  await s.validatePolicies();
  return state as unknown as SandboxState;
}
