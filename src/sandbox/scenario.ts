// Scenario files → sandbox state. A scenario is a hand-written JSON description of a small AWS world
// (accounts, IAM principals and policies, KMS keys, an organization, a training exercise); loading it
// checks every field and reference, then fills in what AWS would have generated: unique IDs, ARNs,
// access keys, key material. The format is documented in docs/scenarios.md.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validatePolicyDocument } from '../engine/policy-evaluation.js';
import { awsManagedPolicies } from './aws-managed-policies.js';
import {
  newAccessKeyId,
  newGrantId,
  newGrantToken,
  newGroupId,
  newKeyId,
  newPolicyId,
  newRoleId,
  newSecretAccessKey,
  newUserId,
  nowIso,
} from './ids.js';
import { seal } from './kms/ciphertext.js';
import { awsManagedKeyDescription, awsManagedKeyPolicy, awsManagedKeyServices, defaultKeyPolicy } from './kms/default-key-policy.js';
import {
  stateFormatVersion,
  type AccountState,
  type AliasState,
  type CredentialState,
  type GrantState,
  type GroupState,
  type KeyState,
  type KeyStateName,
  type ManagedPolicyState,
  type OrganizationPolicyState,
  type OrganizationState,
  type RoleState,
  type SandboxState,
  type TrainingCall,
  type TrainingState,
  type UserState,
} from './state.js';

/** A scenario that cannot be loaded. The message is one line: file, field path, what is wrong. */
export class ScenarioError extends Error {
  constructor(
    /** The scenario file as the user named it (or scenarios/NAME.json for a built-in). */
    readonly file: string,
    /** Where in the file, e.g. `keys[0].policy.Statement[1].Principal`; empty for the whole file. */
    readonly fieldPath: string,
    readonly problem: string,
  ) {
    super(oneLine(fieldPath ? `${file}: ${fieldPath}: ${problem}` : `${file}: ${problem}`));
    this.name = 'ScenarioError';
  }
}

export interface ScenarioSummary {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
}

/** Built-in scenarios in teaching order: the empty world first, then the playbook's root causes. */
const builtInOrder = [
  'blank',
  'no-iam-delegation',
  'missing-kms-actions',
  'cross-account-one-side',
  'key-disabled',
  'key-pending-deletion',
  'ebs-grant-denied',
];

/** Cause codes a training scenario may expect (the diagnosis engine's vocabulary). */
export const trainingCauses = [
  'key-policy-no-iam-delegation',
  'identity-policy-missing-actions',
  'cross-account-key-policy',
  'key-disabled',
  'key-pending-deletion',
  'grant-creation-denied',
] as const;

const trainingErrors = [
  'AccessDeniedException',
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'InvalidKeyUsageException',
  'IncorrectKeyException',
  'InvalidCiphertextException',
  'InvalidGrantTokenException',
  'KeyUnavailableException',
] as const;

const keyStateNames = [
  'Creating',
  'Enabled',
  'Disabled',
  'PendingDeletion',
  'PendingImport',
  'PendingReplicaDeletion',
  'Unavailable',
  'Updating',
] as const satisfies readonly KeyStateName[];

const keySpecs = [
  'SYMMETRIC_DEFAULT',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
] as const;
type KeySpec = (typeof keySpecs)[number];

const keyUsages = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
type KeyUsage = (typeof keyUsages)[number];

const keyOrigins = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;

const grantOperations = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
] as const;

const kmsOperations = [
  ...grantOperations.filter((op) => op !== 'ReEncryptFrom' && op !== 'ReEncryptTo'),
  'ReEncrypt',
  'ListGrants',
  'RevokeGrant',
  'GetKeyPolicy',
  'PutKeyPolicy',
  'GetKeyRotationStatus',
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'ListResourceTags',
  'TagResource',
  'UntagResource',
  'UpdateKeyDescription',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
] as const;

/** Which usages each key spec allows, the first being the default. */
function usagesFor(spec: KeySpec): readonly KeyUsage[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['ENCRYPT_DECRYPT'];
  if (spec.startsWith('HMAC_')) return ['GENERATE_VERIFY_MAC'];
  if (spec.startsWith('RSA_')) return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
  if (spec.startsWith('ECC_NIST_')) return ['SIGN_VERIFY', 'KEY_AGREEMENT'];
  if (spec === 'SM2') return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'];
  return ['SIGN_VERIFY'];
}

const patterns = {
  accountId: /^\d{12}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  iamName: /^[\w+=,.@-]{1,64}$/,
  groupName: /^[\w+=,.@-]{1,128}$/,
  organizationPolicyName: /^[\w+=,.@ -]{1,128}$/,
  policyName: /^[\w+=,.@-]{1,128}$/,
  iamPath: /^\/(?:[\w+=,.@-]+\/)*$/,
  scenarioName: /^[a-z0-9][a-z0-9-]{0,63}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  multiRegionKeyId: /^mrk-[0-9a-f]{32}$/,
  aliasName: /^alias\/[a-zA-Z0-9/_-]{1,250}$/,
  grantName: /^[a-zA-Z0-9:/_-]{1,256}$/,
  organizationId: /^o-[a-z0-9]{10,32}$/,
  viaService: /^[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com$/,
  servicePrincipal: /^[a-z0-9.-]+\.amazonaws\.com$/,
  grantPrincipalArn: /^arn:aws:(?:iam::\d{12}:(?:root|user\/.+|role\/.+)|sts::\d{12}:assumed-role\/.+)$/,
  principalArn: /^arn:aws:iam::(\d{12}):(user|role)(\/.*)$/,
} as const;

const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** Appends a field to a path: `keys[0]` + `policy` → `keys[0].policy`; odd keys are quoted. */
function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (!path) return part;
  return part.startsWith('"') ? `${path}[${part}]` : `${path}.${part}`;
}

const describeValue = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;

type Raw = Record<string, unknown>;

interface PendingPolicy {
  readonly path: string;
  readonly document: Raw;
  readonly kind: 'identity' | 'resource';
  /** Checks that need the grammar to be valid first (Principal present, principals exist). */
  readonly after?: () => void;
}

/** Reads untyped JSON with a field path for every value, failing with a ScenarioError on the first problem. */
class FieldReader {
  readonly pendingPolicies: PendingPolicy[] = [];

  constructor(readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new ScenarioError(this.file, path, problem);
  }

  /** An object with only the given fields (plus a free-text `$comment`); required ones must be present. */
  object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Raw {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `must be an object, not ${describeValue(value)}`);
    }
    const record = value as Raw;
    const known = new Set([...required, ...optional]);
    for (const key of Object.keys(record)) {
      if (key === '$comment' && typeof record[key] === 'string') continue;
      if (!known.has(key)) this.fail(at(path, key), `unknown field (allowed here: ${[...known].join(', ')})`);
    }
    for (const key of required) {
      if (record[key] === undefined) this.fail(at(path, key), 'is required');
    }
    return record;
  }

  string(value: unknown, path: string, check?: { pattern: RegExp; hint: string }): string {
    if (typeof value !== 'string') this.fail(path, `must be a string, not ${describeValue(value)}`);
    if (check && !check.pattern.test(value)) this.fail(path, `${JSON.stringify(value)} is not ${check.hint}`);
    return value;
  }

  nonEmptyString(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (text.trim() === '') this.fail(path, 'must not be empty');
    return text;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, not ${describeValue(value)}`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be a whole number from ${min} to ${max}, not ${describeValue(value)}`);
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    const text = this.string(value, path);
    if (!(options as readonly string[]).includes(text)) this.fail(path, `${JSON.stringify(text)} is not one of ${options.join(', ')}`);
    return text as T;
  }

  array<T>(value: unknown, path: string, each: (item: unknown, itemPath: string, index: number) => T): T[] {
    if (!Array.isArray(value)) this.fail(path, `must be an array, not ${describeValue(value)}`);
    return value.map((item, index) => each(item, at(path, index), index));
  }

  stringArray(value: unknown, path: string, options?: readonly string[], { unique = true, nonEmpty = false } = {}): string[] {
    const list = this.array(value, path, (item, itemPath) => (options ? this.oneOf(item, itemPath, options) : this.nonEmptyString(item, itemPath)));
    if (nonEmpty && list.length === 0) this.fail(path, 'must list at least one value');
    if (unique) {
      list.forEach((item, index) => {
        if (list.indexOf(item) !== index) this.fail(at(path, index), `${JSON.stringify(item)} is listed twice`);
      });
    }
    return list;
  }

  /** An object whose keys are free (names, tags…), each checked by the caller. */
  record(value: unknown, path: string, what: string): Raw {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `must be an object of ${what}, not ${describeValue(value)}`);
    return value as Raw;
  }

  stringMap(value: unknown, path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(this.record(value, path, 'string values'))) {
      if (key.trim() === '') this.fail(path, 'keys must not be empty');
      out[key] = this.string(item, at(path, key));
    }
    return out;
  }

  accountId(value: unknown, path: string): string {
    if (typeof value === 'number') this.fail(path, `account IDs must be strings of 12 digits (quote it: "${value}")`);
    return this.string(value, path, { pattern: patterns.accountId, hint: 'a 12-digit account ID' });
  }

  /** A policy document (a JSON object), queued for grammar validation; returns it as AWS stores it. */
  policy(value: unknown, path: string, kind: 'identity' | 'resource', after?: (document: Raw) => void): string {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `must be a policy document (a JSON object), not ${describeValue(value)}`);
    }
    const document = value as Raw;
    this.pendingPolicies.push({ path, document, kind, ...(after ? { after: () => after(document) } : {}) });
    return JSON.stringify(document, null, 2);
  }

  /** Validates every queued policy document; reports the first problem in file order. */
  async validatePolicies(): Promise<void> {
    const results = await Promise.all(this.pendingPolicies.map((p) => validatePolicyDocument(p.document, p.kind)));
    this.pendingPolicies.forEach((pending, index) => {
      const problem = results[index]?.[0];
      if (problem !== undefined) {
        const located = /^(.*) \(at (.+)\)$/s.exec(problem);
        if (located) {
          const inner = located[2]!.replace(/(^|\.)#/g, '$1');
          this.fail(`${pending.path}.${inner}`, located[1]!);
        }
        this.fail(pending.path, problem);
      }
      pending.after?.();
    });
  }
}

/** Statements of a policy document with their paths (Statement may be one object or a list). */
function statementsOf(document: Raw, path: string): { statement: Raw; path: string }[] {
  const statements = document.Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.flatMap((statement, index) =>
    typeof statement === 'object' && statement !== null
      ? [{ statement: statement as Raw, path: Array.isArray(statements) ? `${path}.Statement[${index}]` : `${path}.Statement` }]
      : [],
  );
}

/** Looks for the built-in scenarios folder walking up from this module (src/sandbox or dist/src/sandbox). */
export function builtInScenariosDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'scenarios');
    if (existsSync(join(candidate, 'blank.json'))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`the built-in scenarios folder was not found above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
}

function builtInNames(directory: string): string[] {
  const names = readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length));
  const rank = (name: string) => (builtInOrder.includes(name) ? builtInOrder.indexOf(name) : builtInOrder.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The built-in scenarios, in teaching order, with the title and summary each file declares. */
export function builtInScenarios(): ScenarioSummary[] {
  const directory = builtInScenariosDirectory();
  return builtInNames(directory).map((name) => {
    let title = name;
    let summary = '';
    try {
      const raw = JSON.parse(readFileSync(join(directory, `${name}.json`), 'utf8')) as Raw;
      if (typeof raw.title === 'string') title = raw.title;
      if (typeof raw.summary === 'string') summary = raw.summary;
    } catch {
      // A broken built-in still shows up by name; loading it reports the problem.
    }
    return { name, title, summary };
  });
}

/**
 * Loads a scenario: a built-in name (see builtInScenarios) or the path of a .json file.
 * Every field and reference is checked; throws ScenarioError naming the file and field on the first problem.
 */
export async function loadScenario(nameOrPath: string): Promise<SandboxState> {
  const looksLikePath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\');
  let filePath: string;
  let displayName: string;
  if (looksLikePath) {
    filePath = resolve(nameOrPath);
    displayName = nameOrPath;
  } else {
    const directory = builtInScenariosDirectory();
    const names = builtInNames(directory);
    if (!names.includes(nameOrPath)) {
      throw new ScenarioError(
        nameOrPath,
        '',
        `no built-in scenario has this name (built-in: ${names.join(', ')}); to load a file, give its path ending in .json`,
      );
    }
    filePath = join(directory, `${nameOrPath}.json`);
    displayName = `scenarios/${nameOrPath}.json`;
  }
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(displayName, '', code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})`);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(displayName, '', `is not valid JSON: ${describeJsonError(text, (error as Error).message)}`);
  }
  const defaultName = basename(filePath).replace(/\.json$/i, '');
  return new ScenarioBuilder(new FieldReader(displayName)).build(raw, defaultName);
}

/**
 * Says where a file stops being JSON, with line and column: JSON.parse's own messages often carry
 * neither (V8 quotes a fragment instead), and a trailing comma is the usual culprit in hand-written files.
 */
function describeJsonError(text: string, parserMessage: string): string {
  let index = 0;
  class Stop {
    constructor(readonly expected: string) {}
  }
  function stop(expected: string): never {
    throw new Stop(expected);
  }
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  };
  const literal = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const readString = () => {
    index++;
    while (index < text.length) {
      const char = text[index]!;
      if (char === '\\') index += 2;
      else if (char === '"') return void index++;
      else if (char < ' ') stop('a closing double quote');
      else index++;
    }
    stop('a closing double quote');
  };
  const readValue = (): void => {
    skipSpace();
    const char = text[index];
    if (char === '"') return readString();
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      index++;
      skipSpace();
      if (text[index] === close) return void index++;
      for (;;) {
        if (char === '{') {
          skipSpace();
          if (text[index] !== '"') stop('a property name in double quotes');
          readString();
          skipSpace();
          if (text[index] !== ':') stop('":"');
          index++;
        }
        readValue();
        skipSpace();
        if (text[index] === ',') index++;
        else if (text[index] === close) return void index++;
        else stop(`"," or "${close}"`);
      }
    }
    literal.lastIndex = index;
    const match = literal.exec(text);
    if (!match) stop('a value');
    index += match[0].length;
  };
  try {
    readValue();
    skipSpace();
    if (index < text.length) stop('the end of the file');
    return parserMessage;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, index);
    const line = before.split('\n').length;
    const column = index - before.lastIndexOf('\n');
    const found = index >= text.length ? 'the end of the file' : JSON.stringify(text[index]);
    const trailingComma = /,\s*$/.test(before) && (text[index] === '}' || text[index] === ']') ? ' (JSON allows no comma before a closing bracket)' : '';
    return `expected ${error.expected} at line ${line}, column ${column}, found ${found}${trailingComma}`;
  }
}

interface PrincipalEntry {
  readonly kind: 'user' | 'role';
  readonly accountId: string;
  /** Where the principal is declared, e.g. users[2]. */
  readonly declaredAt: string;
}

const roleFields = ['account', 'path', 'trustPolicy', 'inlinePolicies', 'attachedPolicies', 'permissionsBoundary', 'tags', 'maxSessionDuration', 'sourceProfile'];
const userFields = ['account', 'path', 'inlinePolicies', 'attachedPolicies', 'groups', 'permissionsBoundary', 'tags', 'accessKey'];
const keyFields = [
  'account',
  'region',
  'keyId',
  'description',
  'state',
  'manager',
  'service',
  'spec',
  'usage',
  'origin',
  'multiRegion',
  'pendingWindowInDays',
  'aliases',
  'policy',
  'grants',
  'tags',
];

/**
 * Builds the state section by section, in an order where every reference points backwards:
 * accounts, managed policies, groups, users, roles, keys, organization, training.
 */
class ScenarioBuilder {
  readonly #reader: FieldReader;
  readonly #created = nowIso();
  #defaultRegion = 'us-east-1';
  #onlyAccount: AccountState | undefined;
  readonly #accounts: Record<string, AccountState> = {};
  readonly #credentials: Record<string, CredentialState> = {};
  readonly #keys: Record<string, KeyState> = {};
  readonly #aliases: Record<string, AliasState> = {};
  /** Users and roles by name: profiles are named after principals, so names are unique across the scenario. */
  readonly #principalsByName = new Map<string, PrincipalEntry>();
  readonly #principalArns = new Set<string>();
  /** Customer managed policy ARNs by `ACCOUNT/NAME`. */
  readonly #managedPolicyArns = new Map<string, string>();
  readonly #usersWithAccessKeys = new Set<string>();

  constructor(reader: FieldReader) {
    this.#reader = reader;
  }

  async build(raw: unknown, defaultName: string): Promise<SandboxState> {
    const reader: FieldReader = this.#reader;
    const top = reader.object(raw, '', ['accounts'], [
      'name',
      'title',
      'summary',
      'defaultRegion',
      'organization',
      'managedPolicies',
      'groups',
      'users',
      'roles',
      'keys',
      'training',
    ]);
    const scenarioName =
      top.name === undefined ? defaultName : reader.string(top.name, 'name', { pattern: patterns.scenarioName, hint: 'a name of lowercase letters, digits and dashes' });
    if (top.title !== undefined) reader.nonEmptyString(top.title, 'title');
    if (top.summary !== undefined) reader.string(top.summary, 'summary');
    if (top.defaultRegion !== undefined) {
      this.#defaultRegion = reader.string(top.defaultRegion, 'defaultRegion', { pattern: patterns.region, hint: 'a Region such as us-east-1' });
    }
    this.#readAccounts(top.accounts);
    const section = (field: string, read: (item: unknown, path: string) => void) => {
      if (top[field] !== undefined) reader.array(top[field], field, read);
    };
    section('managedPolicies', (item, path) => this.#readManagedPolicy(item, path));
    section('groups', (item, path) => this.#readGroup(item, path));
    section('users', (item, path) => this.#readUser(item, path));
    const roleSources: (() => void)[] = [];
    section('roles', (item, path) => roleSources.push(this.#readRole(item, path)));
    // Source profiles may name users declared after the role, so they are resolved once all are known.
    for (const resolveSource of roleSources) resolveSource();
    section('keys', (item, path) => this.#readKey(item, path));
    const organization = top.organization === undefined ? undefined : this.#readOrganization(top.organization);
    const training = top.training === undefined ? undefined : this.#readTraining(top.training);
    await reader.validatePolicies();
    return {
      formatVersion: stateFormatVersion,
      scenarioName,
      defaultRegion: this.#defaultRegion,
      accounts: this.#accounts,
      ...(organization ? { organization } : {}),
      credentials: this.#credentials,
      keys: this.#keys,
      aliases: this.#aliases,
      ...(training ? { training } : {}),
      revision: 0,
    };
  }

  #readAccounts(value: unknown): void {
    const reader: FieldReader = this.#reader;
    const ids = reader.array(value, 'accounts', (item, path) => {
      const entry = reader.object(item, path, ['id'], ['name']);
      const id = reader.accountId(entry.id, at(path, 'id'));
      if (this.#accounts[id]) reader.fail(at(path, 'id'), `account ${id} is declared twice`);
      this.#accounts[id] = {
        id,
        ...(entry.name !== undefined ? { name: reader.nonEmptyString(entry.name, at(path, 'name')) } : {}),
        users: {},
        roles: {},
        groups: {},
        managedPolicies: {},
      };
      return id;
    });
    if (ids.length === 0) reader.fail('accounts', 'must declare at least one account');
    if (ids.length === 1) this.#onlyAccount = this.#accounts[ids[0]!];
  }

  /** The `account` field of a user, role, group, policy or key: required unless there is one account. */
  #accountOf(entry: Raw, path: string): AccountState {
    if (entry.account === undefined) {
      if (this.#onlyAccount) return this.#onlyAccount;
      this.#reader.fail(at(path, 'account'), 'is required when the scenario declares more than one account');
    }
    const id = this.#reader.accountId(entry.account, at(path, 'account'));
    const account = this.#accounts[id];
    if (!account) this.#reader.fail(at(path, 'account'), `account ${id} is not declared in accounts`);
    return account;
  }

  #pathOf(entry: Raw, path: string): string {
    if (entry.path === undefined) return '/';
    return this.#reader.string(entry.path, at(path, 'path'), { pattern: patterns.iamPath, hint: 'an IAM path such as / or /teams/payments/' });
  }

  #tagsOf(entry: Raw, path: string): Record<string, string> {
    return entry.tags === undefined ? {} : this.#reader.stringMap(entry.tags, at(path, 'tags'));
  }

  #inlinePoliciesOf(entry: Raw, path: string): Record<string, string> {
    if (entry.inlinePolicies === undefined) return {};
    const policiesPath = at(path, 'inlinePolicies');
    const policies: Record<string, string> = {};
    for (const [name, document] of Object.entries(this.#reader.record(entry.inlinePolicies, policiesPath, 'policy documents by policy name'))) {
      const policyPath = at(policiesPath, name);
      if (!patterns.policyName.test(name)) this.#reader.fail(policyPath, 'is not a valid policy name (letters, digits and +=,.@_- only)');
      policies[name] = this.#reader.policy(document, policyPath, 'identity');
    }
    return policies;
  }

  /** A policy reference: an AWS managed policy ARN, or a customer managed policy of the account by name or ARN. */
  #policyReference(value: unknown, path: string, account: AccountState): string {
    const reader: FieldReader = this.#reader;
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
    const arn = this.#managedPolicyArns.get(`${account.id}/${reference}`);
    if (!arn) reader.fail(path, `no managed policy named ${reference} is declared in account ${account.id}`);
    return arn;
  }

  #attachedPoliciesOf(entry: Raw, path: string, account: AccountState): string[] {
    if (entry.attachedPolicies === undefined) return [];
    const listPath = at(path, 'attachedPolicies');
    const arns = this.#reader.array(entry.attachedPolicies, listPath, (value, itemPath) => this.#policyReference(value, itemPath, account));
    arns.forEach((arn, index) => {
      if (arns.indexOf(arn) !== index) this.#reader.fail(at(listPath, index), `${arn} is attached twice`);
    });
    return arns;
  }

  #boundaryOf(entry: Raw, path: string, account: AccountState): { permissionsBoundary?: string } {
    if (entry.permissionsBoundary === undefined) return {};
    return { permissionsBoundary: this.#policyReference(entry.permissionsBoundary, at(path, 'permissionsBoundary'), account) };
  }

  #readManagedPolicy(item: unknown, path: string): void {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(item, path, ['name', 'document'], ['account', 'path', 'description']);
    const account = this.#accountOf(entry, path);
    const name = reader.string(entry.name, at(path, 'name'), { pattern: patterns.policyName, hint: 'a valid policy name' });
    const nameKey = `${account.id}/${name}`;
    if (this.#managedPolicyArns.has(nameKey)) reader.fail(at(path, 'name'), `account ${account.id} already has a managed policy named ${name}`);
    const policyPath = this.#pathOf(entry, path);
    const arn = `arn:aws:iam::${account.id}:policy${policyPath}${name}`;
    const document = reader.policy(entry.document, at(path, 'document'), 'identity');
    const policy: ManagedPolicyState = {
      name,
      path: policyPath,
      arn,
      id: newPolicyId(),
      ...(entry.description !== undefined ? { description: reader.string(entry.description, at(path, 'description')) } : {}),
      createDate: this.#created,
      updateDate: this.#created,
      defaultVersionId: 'v1',
      versions: [{ versionId: 'v1', document, createDate: this.#created }],
      nextVersionNumber: 2,
    };
    account.managedPolicies[arn] = policy;
    this.#managedPolicyArns.set(nameKey, arn);
  }

  #readGroup(item: unknown, path: string): void {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(item, path, ['name'], ['account', 'path', 'inlinePolicies', 'attachedPolicies']);
    const account = this.#accountOf(entry, path);
    const name = reader.string(entry.name, at(path, 'name'), { pattern: patterns.groupName, hint: 'a valid group name' });
    if (account.groups[name]) reader.fail(at(path, 'name'), `account ${account.id} already has a group named ${name}`);
    const groupPath = this.#pathOf(entry, path);
    const group: GroupState = {
      name,
      path: groupPath,
      arn: `arn:aws:iam::${account.id}:group${groupPath}${name}`,
      id: newGroupId(),
      createDate: this.#created,
      inlinePolicies: this.#inlinePoliciesOf(entry, path),
      attachedPolicies: this.#attachedPoliciesOf(entry, path, account),
    };
    account.groups[name] = group;
  }

  /** Reserves a principal's name as its profile name. */
  #claimName(value: unknown, path: string, kind: 'user' | 'role', account: AccountState): string {
    const namePath = at(path, 'name');
    const name = this.#reader.string(value, namePath, { pattern: patterns.iamName, hint: `a valid ${kind} name (1-64 of letters, digits and +=,.@_-)` });
    if (name === 'default') this.#reader.fail(namePath, '"default" is reserved: the sandbox never writes a default profile');
    const taken = this.#principalsByName.get(name);
    if (taken) {
      this.#reader.fail(
        namePath,
        `${name} is already the name of the ${taken.kind} at ${taken.declaredAt}; principal names must be unique across accounts because profiles are named after them`,
      );
    }
    this.#principalsByName.set(name, { kind, accountId: account.id, declaredAt: path });
    return name;
  }

  #readUser(item: unknown, path: string): void {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(item, path, ['name'], userFields);
    const account = this.#accountOf(entry, path);
    const name = this.#claimName(entry.name, path, 'user', account);
    const userPath = this.#pathOf(entry, path);
    const groups = entry.groups === undefined ? [] : reader.stringArray(entry.groups, at(path, 'groups'));
    groups.forEach((group, index) => {
      if (!account.groups[group]) reader.fail(at(at(path, 'groups'), index), `no group named ${group} is declared in account ${account.id}`);
    });
    const user: UserState = {
      name,
      path: userPath,
      arn: `arn:aws:iam::${account.id}:user${userPath}${name}`,
      id: newUserId(),
      createDate: this.#created,
      inlinePolicies: this.#inlinePoliciesOf(entry, path),
      attachedPolicies: this.#attachedPoliciesOf(entry, path, account),
      ...this.#boundaryOf(entry, path, account),
      tags: this.#tagsOf(entry, path),
      groups,
    };
    account.users[name] = user;
    this.#principalArns.add(user.arn);
    const accessKey = entry.accessKey === undefined ? true : reader.boolean(entry.accessKey, at(path, 'accessKey'));
    if (!accessKey) return;
    const accessKeyId = newAccessKeyId();
    this.#credentials[accessKeyId] = {
      kind: 'long-term',
      accessKeyId,
      secretAccessKey: newSecretAccessKey(),
      accountId: account.id,
      userName: name,
      status: 'Active',
      createDate: this.#created,
    };
    this.#usersWithAccessKeys.add(name);
  }

  /** Reads a role; returns the step that resolves its source profile once every user is known. */
  #readRole(item: unknown, path: string): () => void {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(item, path, ['name'], roleFields);
    const account = this.#accountOf(entry, path);
    const name = this.#claimName(entry.name, path, 'role', account);
    const rolePath = this.#pathOf(entry, path);
    const trustPath = at(path, 'trustPolicy');
    const trustPolicy =
      entry.trustPolicy === undefined
        ? JSON.stringify(
            { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account.id}:root` }, Action: 'sts:AssumeRole' }] },
            null,
            2,
          )
        : reader.policy(entry.trustPolicy, trustPath, 'resource', (document) => this.#checkPrincipals(document, trustPath));
    const role: RoleState = {
      name,
      path: rolePath,
      arn: `arn:aws:iam::${account.id}:role${rolePath}${name}`,
      id: newRoleId(),
      createDate: this.#created,
      inlinePolicies: this.#inlinePoliciesOf(entry, path),
      attachedPolicies: this.#attachedPoliciesOf(entry, path, account),
      ...this.#boundaryOf(entry, path, account),
      tags: this.#tagsOf(entry, path),
      assumeRolePolicyDocument: trustPolicy,
      maxSessionDuration: entry.maxSessionDuration === undefined ? 3600 : reader.integer(entry.maxSessionDuration, at(path, 'maxSessionDuration'), 3600, 43200),
    };
    account.roles[name] = role;
    this.#principalArns.add(role.arn);
    const sourcePath = at(path, 'sourceProfile');
    const sourceProfile = entry.sourceProfile === undefined ? undefined : reader.nonEmptyString(entry.sourceProfile, sourcePath);
    return () => {
      if (sourceProfile === undefined) {
        // Default: the account's first user with an access key (usually its admin); none → no profile.
        const fallback = Object.values(account.users).find((user) => this.#usersWithAccessKeys.has(user.name));
        if (fallback) role.sourceProfile = fallback.name;
        return;
      }
      if (this.#principalsByName.get(sourceProfile)?.kind !== 'user') reader.fail(sourcePath, `${sourceProfile} is not a user declared in this scenario`);
      if (!this.#usersWithAccessKeys.has(sourceProfile)) {
        reader.fail(sourcePath, `user ${sourceProfile} has "accessKey": false, so there is no profile to assume the role from`);
      }
      role.sourceProfile = sourceProfile;
    };
  }

  /** Key, trust and resource control policies: every statement names a principal, and named users and roles of the scenario's accounts exist. */
  #checkPrincipals(document: Raw, path: string): void {
    for (const { statement, path: statementPath } of statementsOf(document, path)) {
      const field = statement.Principal !== undefined ? 'Principal' : statement.NotPrincipal !== undefined ? 'NotPrincipal' : undefined;
      if (!field) this.#reader.fail(statementPath, 'has no Principal: every statement of a key policy or trust policy must name who it applies to');
      const principal = statement[field];
      if (typeof principal !== 'object' || principal === null) continue;
      const aws = (principal as Raw).AWS;
      const values = Array.isArray(aws) ? aws : [aws];
      values.forEach((value, index) => {
        const valuePath = Array.isArray(aws) ? `${statementPath}.${field}.AWS[${index}]` : `${statementPath}.${field}.AWS`;
        if (typeof value === 'string') this.#checkPrincipalExists(value, valuePath);
      });
    }
  }

  #checkPrincipalExists(arn: string, path: string): void {
    const match = patterns.principalArn.exec(arn);
    if (match && this.#accounts[match[1]!] && !this.#principalArns.has(arn)) {
      this.#reader.fail(path, `${arn} is not a ${match[2]} declared in this scenario (IAM rejects policies naming principals that do not exist)`);
    }
  }

  #readKey(item: unknown, path: string): void {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(item, path, [], keyFields);
    const account = this.#accountOf(entry, path);
    const region =
      entry.region === undefined ? this.#defaultRegion : reader.string(entry.region, at(path, 'region'), { pattern: patterns.region, hint: 'a Region such as us-east-1' });
    const manager = entry.manager === undefined ? 'CUSTOMER' : reader.oneOf(entry.manager, at(path, 'manager'), ['CUSTOMER', 'AWS'] as const);
    if (manager === 'AWS') {
      for (const field of ['policy', 'aliases', 'keyId', 'spec', 'usage', 'origin', 'multiRegion', 'pendingWindowInDays'] as const) {
        if (entry[field] !== undefined) reader.fail(at(path, field), 'cannot be set for an AWS managed key: AWS chooses it');
      }
    }
    const multiRegion = entry.multiRegion === undefined ? false : reader.boolean(entry.multiRegion, at(path, 'multiRegion'));
    const keyId =
      entry.keyId === undefined
        ? multiRegion
          ? `mrk-${randomBytes(16).toString('hex')}`
          : newKeyId()
        : multiRegion
          ? reader.string(entry.keyId, at(path, 'keyId'), { pattern: patterns.multiRegionKeyId, hint: 'a multi-Region key ID (mrk- and 32 lowercase hex digits)' })
          : reader.string(entry.keyId, at(path, 'keyId'), { pattern: patterns.uuid, hint: 'a key ID (a lowercase UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab)' });
    const arn = `arn:aws:kms:${region}:${account.id}:key/${keyId}`;
    if (this.#keys[arn]) reader.fail(at(path, 'keyId'), `another key already has the ID ${keyId} in account ${account.id}, ${region}`);
    const spec = entry.spec === undefined ? 'SYMMETRIC_DEFAULT' : reader.oneOf(entry.spec, at(path, 'spec'), keySpecs);
    const allowedUsages = usagesFor(spec);
    const usage = entry.usage === undefined ? allowedUsages[0]! : reader.oneOf(entry.usage, at(path, 'usage'), keyUsages);
    if (!allowedUsages.includes(usage)) reader.fail(at(path, 'usage'), `a ${spec} key cannot have usage ${usage} (allowed: ${allowedUsages.join(', ')})`);
    const origin = entry.origin === undefined ? 'AWS_KMS' : reader.oneOf(entry.origin, at(path, 'origin'), keyOrigins);
    const keyState = entry.state === undefined ? (origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled') : reader.oneOf(entry.state, at(path, 'state'), keyStateNames);
    if (keyState === 'PendingImport' && origin !== 'EXTERNAL') reader.fail(at(path, 'state'), 'only a key with origin EXTERNAL can be PendingImport');
    if (keyState === 'PendingReplicaDeletion' && !multiRegion) reader.fail(at(path, 'state'), 'only a multi-Region key can be PendingReplicaDeletion');
    if (manager === 'AWS' && keyState !== 'Enabled') reader.fail(at(path, 'state'), 'an AWS managed key is always Enabled');
    const pendingDeletion = keyState === 'PendingDeletion' || keyState === 'PendingReplicaDeletion';
    if (entry.pendingWindowInDays !== undefined && !pendingDeletion) {
      reader.fail(at(path, 'pendingWindowInDays'), 'applies only to a key whose state is PendingDeletion or PendingReplicaDeletion');
    }
    const pendingWindowInDays = !pendingDeletion
      ? undefined
      : entry.pendingWindowInDays === undefined
        ? 30
        : reader.integer(entry.pendingWindowInDays, at(path, 'pendingWindowInDays'), 7, 30);

    let service: string | undefined;
    let policy: string;
    if (manager === 'AWS') {
      if (entry.service === undefined) reader.fail(at(path, 'service'), `is required for an AWS managed key (one of ${awsManagedKeyServices.join(', ')})`);
      service = reader.oneOf(entry.service, at(path, 'service'), awsManagedKeyServices);
      policy = JSON.stringify(awsManagedKeyPolicy(account.id, service, region), null, 2);
    } else {
      if (entry.service !== undefined) reader.fail(at(path, 'service'), 'applies only to AWS managed keys ("manager": "AWS")');
      const policyPath = at(path, 'policy');
      policy =
        entry.policy === undefined
          ? JSON.stringify(defaultKeyPolicy(account.id), null, 2)
          : reader.policy(entry.policy, policyPath, 'resource', (document) => this.#checkPrincipals(document, policyPath));
    }

    // Material exists for symmetric encryption keys, except imported-material keys still waiting for it.
    const hasMaterial = spec === 'SYMMETRIC_DEFAULT' && keyState !== 'PendingImport';
    const key: KeyState = {
      arn,
      keyId,
      accountId: account.id,
      region,
      description: entry.description !== undefined ? reader.string(entry.description, at(path, 'description')) : service ? awsManagedKeyDescription(service) : '',
      keyState,
      keyManager: manager,
      keySpec: spec,
      keyUsage: usage,
      origin,
      multiRegion,
      creationDate: this.#created,
      ...(pendingWindowInDays !== undefined ? { pendingWindowInDays, deletionDate: isoSeconds(Date.now() + pendingWindowInDays * 86_400_000) } : {}),
      policy,
      tags: Object.entries(this.#tagsOf(entry, path)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
      grants: [],
      ...(hasMaterial ? { material: randomBytes(32).toString('base64') } : {}),
    };
    this.#keys[arn] = key;

    if (service) {
      this.#addAlias(`alias/aws/${service}`, key, at(path, 'service'));
    } else if (entry.aliases !== undefined) {
      reader.stringArray(entry.aliases, at(path, 'aliases')).forEach((aliasName, index) => {
        const aliasPath = at(at(path, 'aliases'), index);
        reader.string(aliasName, aliasPath, { pattern: patterns.aliasName, hint: 'an alias name such as alias/orders-data' });
        if (aliasName.startsWith('alias/aws/')) reader.fail(aliasPath, 'alias/aws/ names are reserved for AWS managed keys');
        this.#addAlias(aliasName, key, aliasPath);
      });
    }
    if (entry.grants !== undefined) key.grants = reader.array(entry.grants, at(path, 'grants'), (grant, grantPath) => this.#readGrant(grant, grantPath, key));
  }

  #addAlias(aliasName: string, key: KeyState, path: string): void {
    const aliasArn = `arn:aws:kms:${key.region}:${key.accountId}:${aliasName}`;
    if (this.#aliases[aliasArn]) this.#reader.fail(path, `${aliasName} already names another key in account ${key.accountId}, ${key.region}`);
    this.#aliases[aliasArn] = {
      aliasName,
      aliasArn,
      targetKeyId: key.keyId,
      accountId: key.accountId,
      region: key.region,
      creationDate: this.#created,
      lastUpdatedDate: this.#created,
    };
  }

  #readGrant(item: unknown, path: string, key: KeyState): GrantState {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(item, path, ['granteePrincipal', 'operations'], ['name', 'retiringPrincipal', 'constraints']);
    let constraints: GrantState['constraints'];
    if (entry.constraints !== undefined) {
      const constraintsPath = at(path, 'constraints');
      const raw = reader.object(entry.constraints, constraintsPath, [], ['EncryptionContextSubset', 'EncryptionContextEquals']);
      const kinds = (['EncryptionContextSubset', 'EncryptionContextEquals'] as const).filter((kind) => raw[kind] !== undefined);
      if (kinds.length !== 1) reader.fail(constraintsPath, 'must hold exactly one of EncryptionContextSubset or EncryptionContextEquals');
      constraints = { [kinds[0]!]: reader.stringMap(raw[kinds[0]!], at(constraintsPath, kinds[0]!)) };
    }
    return {
      grantId: newGrantId(),
      keyArn: key.arn,
      ...(entry.name !== undefined ? { name: reader.string(entry.name, at(path, 'name'), { pattern: patterns.grantName, hint: 'a grant name' }) } : {}),
      granteePrincipal: this.#grantPrincipal(entry.granteePrincipal, at(path, 'granteePrincipal')),
      ...(entry.retiringPrincipal !== undefined ? { retiringPrincipal: this.#grantPrincipal(entry.retiringPrincipal, at(path, 'retiringPrincipal')) } : {}),
      issuingAccount: `arn:aws:iam::${key.accountId}:root`,
      operations: reader.stringArray(entry.operations, at(path, 'operations'), grantOperations, { nonEmpty: true }),
      ...(constraints ? { constraints } : {}),
      creationDate: this.#created,
      grantToken: newGrantToken(),
    };
  }

  /** A grantee or retiring principal: an IAM or STS ARN (that exists, when in a scenario account) or a service principal. */
  #grantPrincipal(value: unknown, path: string): string {
    const principal = this.#reader.nonEmptyString(value, path);
    if (!patterns.grantPrincipalArn.test(principal) && !patterns.servicePrincipal.test(principal)) {
      this.#reader.fail(path, `${JSON.stringify(principal)} is not a principal ARN (arn:aws:iam::ACCOUNT:role/NAME, …) or a service principal (SERVICE.amazonaws.com)`);
    }
    this.#checkPrincipalExists(principal, path);
    return principal;
  }

  #readOrganization(value: unknown): OrganizationState {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(value, 'organization', ['managementAccount'], ['id', 'serviceControlPolicies', 'resourceControlPolicies']);
    const managementAccountId = reader.accountId(entry.managementAccount, 'organization.managementAccount');
    if (!this.#accounts[managementAccountId]) reader.fail('organization.managementAccount', `account ${managementAccountId} is not declared in accounts`);
    const id =
      entry.id === undefined ? `o-${randomLowercase(10)}` : reader.string(entry.id, 'organization.id', { pattern: patterns.organizationId, hint: 'an organization ID such as o-a1b2c3d4e5' });
    const policies = (field: 'serviceControlPolicies' | 'resourceControlPolicies'): OrganizationPolicyState[] => {
      if (entry[field] === undefined) return [];
      const type = field === 'serviceControlPolicies' ? 'service_control_policy' : 'resource_control_policy';
      const names = new Set<string>();
      return reader.array(entry[field], `organization.${field}`, (item, path) => {
        const policy = reader.object(item, path, ['name', 'document', 'targets'], ['description']);
        const name = reader.string(policy.name, at(path, 'name'), { pattern: patterns.organizationPolicyName, hint: 'a policy name' });
        if (names.has(name)) reader.fail(at(path, 'name'), `another policy in organization.${field} is named ${name}`);
        names.add(name);
        if (policy.description !== undefined) reader.string(policy.description, at(path, 'description'));
        const targets = reader.stringArray(policy.targets, at(path, 'targets'), undefined, { nonEmpty: true });
        targets.forEach((target, index) => {
          if (target !== 'root' && !this.#accounts[target]) {
            reader.fail(at(at(path, 'targets'), index), `${JSON.stringify(target)} is neither "root" nor an account declared in accounts`);
          }
        });
        const documentPath = at(path, 'document');
        const document =
          field === 'serviceControlPolicies'
            ? reader.policy(policy.document, documentPath, 'identity')
            : reader.policy(policy.document, documentPath, 'resource', (doc) => this.#checkPrincipals(doc, documentPath));
        return { name, arn: `arn:aws:organizations::${managementAccountId}:policy/${id}/${type}/p-${randomLowercase(8)}`, document, targets };
      });
    };
    return {
      id,
      managementAccountId,
      serviceControlPolicies: policies('serviceControlPolicies'),
      resourceControlPolicies: policies('resourceControlPolicies'),
    };
  }

  /** A user with an access key, or a role with a source profile, gets a profile. */
  #hasProfile(name: string): boolean {
    const entry = this.#principalsByName.get(name);
    if (!entry) return false;
    if (entry.kind === 'user') return this.#usersWithAccessKeys.has(name);
    return this.#accounts[entry.accountId]?.roles[name]?.sourceProfile !== undefined;
  }

  /** Finds the key a principal of `callerAccount` means by a key ARN, alias ARN, alias name or key ID. */
  #resolveKey(reference: string, callerAccount: string): KeyState | undefined {
    const keyById = (arnPrefix: string, keyId: string) => this.#keys[`${arnPrefix}:key/${keyId}`];
    const aliasArn = /^(arn:aws:kms:[^:]+:\d{12}):alias\/.+$/.exec(reference);
    if (aliasArn) {
      const alias = this.#aliases[reference];
      return alias ? keyById(aliasArn[1]!, alias.targetKeyId) : undefined;
    }
    if (reference.startsWith('arn:')) return this.#keys[reference];
    const localPrefix = `arn:aws:kms:${this.#defaultRegion}:${callerAccount}`;
    if (reference.startsWith('alias/')) {
      const alias = this.#aliases[`${localPrefix}:${reference}`];
      return alias ? keyById(localPrefix, alias.targetKeyId) : undefined;
    }
    return keyById(localPrefix, reference);
  }

  #readTraining(value: unknown): TrainingState {
    const reader: FieldReader = this.#reader;
    const entry = reader.object(value, 'training', ['title', 'description', 'principal', 'call', 'expectedError', 'goal'], ['unrelatedPrincipal', 'expectedCause']);
    const profile = (field: 'principal' | 'unrelatedPrincipal'): string => {
      const path = at('training', field);
      const name = reader.nonEmptyString(entry[field], path);
      if (!this.#principalsByName.has(name)) reader.fail(path, `${name} is not a user or role declared in this scenario`);
      if (!this.#hasProfile(name)) reader.fail(path, `${name} has no profile (a user needs an access key; a role needs a sourceProfile)`);
      return name;
    };
    const principal = profile('principal');
    const unrelatedPrincipal = entry.unrelatedPrincipal === undefined ? undefined : profile('unrelatedPrincipal');
    if (unrelatedPrincipal === principal) reader.fail('training.unrelatedPrincipal', 'must be a different principal from training.principal');
    const callerAccount = this.#principalsByName.get(principal)!.accountId;

    const call = reader.object(entry.call, 'training.call', ['operation', 'key'], ['viaService', 'encryptionContext', 'grant']);
    const operation = reader.oneOf(call.operation, 'training.call.operation', kmsOperations);
    const keyReference = reader.nonEmptyString(call.key, 'training.call.key');
    const key = this.#resolveKey(keyReference, callerAccount);
    if (!key) {
      reader.fail(
        'training.call.key',
        `${keyReference} does not name a key of this scenario as seen from account ${callerAccount} in ${this.#defaultRegion} (a key in another account must be named by its key ARN or alias ARN)`,
      );
    }
    if (operation === 'CreateGrant' && call.grant === undefined) reader.fail('training.call.grant', 'is required when the operation is CreateGrant');
    if (operation !== 'CreateGrant' && call.grant !== undefined) reader.fail('training.call.grant', 'applies only to the CreateGrant operation');
    let grant: TrainingCall['grant'];
    if (call.grant !== undefined) {
      const grantEntry = reader.object(call.grant, 'training.call.grant', ['granteePrincipal', 'operations']);
      grant = {
        granteePrincipal: this.#grantPrincipal(grantEntry.granteePrincipal, 'training.call.grant.granteePrincipal'),
        operations: reader.stringArray(grantEntry.operations, 'training.call.grant.operations', grantOperations, { nonEmpty: true }),
      };
    }
    const trainingCall: { -readonly [K in keyof TrainingCall]: TrainingCall[K] } = {
      operation,
      key: keyReference,
      ...(call.viaService !== undefined
        ? {
            viaService: reader.string(call.viaService, 'training.call.viaService', {
              pattern: patterns.viaService,
              hint: 'a service endpoint name such as s3.us-east-1.amazonaws.com',
            }),
          }
        : {}),
      ...(call.encryptionContext !== undefined ? { encryptionContext: reader.stringMap(call.encryptionContext, 'training.call.encryptionContext') } : {}),
      ...(grant ? { grant } : {}),
    };
    if (operation === 'Decrypt' && key.material !== undefined) {
      // A Decrypt exercise needs a ciphertext the principal in trouble cannot read yet: sealed now, with
      // the scenario's own key and context, so the failing command can be run (and printed) as is.
      trainingCall.ciphertext = seal(key.arn, key.material, Buffer.from(trainingPlaintext, 'utf8'), trainingCall.encryptionContext).toString('base64');
    }

    const expectedCause = entry.expectedCause === undefined ? undefined : reader.oneOf(entry.expectedCause, 'training.expectedCause', trainingCauses);
    const expectedError = reader.oneOf(entry.expectedError, 'training.expectedError', trainingErrors);
    const requiredState = expectedCause === 'key-disabled' ? 'Disabled' : expectedCause === 'key-pending-deletion' ? 'PendingDeletion' : undefined;
    if (requiredState && key.keyState !== requiredState) {
      reader.fail('training.expectedCause', `${expectedCause} needs the training key to be ${requiredState}, but ${key.arn} is ${key.keyState}`);
    }
    return {
      title: reader.nonEmptyString(entry.title, 'training.title'),
      description: reader.nonEmptyString(entry.description, 'training.description'),
      principal,
      call: trainingCall,
      ...(unrelatedPrincipal !== undefined ? { unrelatedPrincipal } : {}),
      ...(expectedCause !== undefined ? { expectedCause } : {}),
      expectedError,
      goal: reader.nonEmptyString(entry.goal, 'training.goal'),
    };
  }
}

/** What a training ciphertext decrypts to. */
export const trainingPlaintext = 'kms-doctor training data';

const isoSeconds = (epochMs: number): string => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

function randomLowercase(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
