// Scenario files: every built-in loads and teaches what it claims (the failing call fails for the
// stated reason, the intended fix works, the unrelated principal stays denied), broken files are
// refused with one line naming file and field, and the generated AWS profiles are right and private.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluatePolicies, validatePolicyDocument } from '../../src/engine/policy-evaluation.js';
import { accessDeniedMessage, authorize } from '../../src/sandbox/authorize.js';
import type { Caller } from '../../src/sandbox/caller.js';
import { awsManagedKeyPolicy, defaultKeyPolicy } from '../../src/sandbox/kms/default-key-policy.js';
import { policiesOfPrincipal } from '../../src/sandbox/principal-policies.js';
import { writeProfiles } from '../../src/sandbox/profiles.js';
import { builtInScenarios, builtInScenariosDirectory, loadScenario, ScenarioError } from '../../src/sandbox/scenario.js';
import type { KeyState, SandboxState } from '../../src/sandbox/state.js';

const temporaryDirectories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kms-doctor-scenario-test-'));
  temporaryDirectories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

const accountA = '111122223333';
const accountB = '444455556666';
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Every policy document the state holds, with the kind of policy it is. */
function policiesIn(state: SandboxState): { where: string; document: string; kind: 'identity' | 'resource'; needsPrincipal: boolean }[] {
  const found: { where: string; document: string; kind: 'identity' | 'resource'; needsPrincipal: boolean }[] = [];
  for (const account of Object.values(state.accounts)) {
    for (const principal of [...Object.values(account.users), ...Object.values(account.roles), ...Object.values(account.groups)]) {
      for (const [name, document] of Object.entries(principal.inlinePolicies)) {
        found.push({ where: `${principal.arn} ${name}`, document, kind: 'identity', needsPrincipal: false });
      }
    }
    for (const role of Object.values(account.roles)) {
      found.push({ where: `${role.arn} trust`, document: role.assumeRolePolicyDocument, kind: 'resource', needsPrincipal: true });
    }
    for (const policy of Object.values(account.managedPolicies)) {
      for (const version of policy.versions) found.push({ where: `${policy.arn} ${version.versionId}`, document: version.document, kind: 'identity', needsPrincipal: false });
    }
  }
  for (const key of Object.values(state.keys)) found.push({ where: key.arn, document: key.policy, kind: 'resource', needsPrincipal: true });
  for (const policy of state.organization?.serviceControlPolicies ?? []) found.push({ where: policy.arn, document: policy.document, kind: 'identity', needsPrincipal: false });
  for (const policy of state.organization?.resourceControlPolicies ?? []) found.push({ where: policy.arn, document: policy.document, kind: 'resource', needsPrincipal: true });
  return found;
}

async function expectValidPolicies(state: SandboxState): Promise<void> {
  for (const policy of policiesIn(state)) {
    const document = JSON.parse(policy.document) as { Statement: unknown };
    expect(await validatePolicyDocument(document, policy.kind), policy.where).toEqual([]);
    if (policy.needsPrincipal) {
      const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) as Record<string, unknown>[];
      for (const statement of statements) expect(statement.Principal ?? statement.NotPrincipal, policy.where).toBeDefined();
    }
  }
}

describe('built-in scenarios', () => {
  const scenarios = builtInScenarios();

  it('lists the blank world first and every root cause of the playbook', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'blank',
      'no-iam-delegation',
      'missing-kms-actions',
      'cross-account-one-side',
      'key-disabled',
      'key-pending-deletion',
      'ebs-grant-denied',
      'boundary-leaves-out-kms',
      'cross-account-caller-side',
      'finance-export-context',
      'wrong-region',
      'key-usage-mismatch',
      'key-updating',
      'alias-cross-account',
      'encryption-context-condition',
      'source-ip-perimeter',
      'scp-allow-list',
      'rcp-tag-perimeter',
      'grant-context-mismatch',
      'contractor-guardrail',
      'aws-managed-key-direct',
      'invoice-context-mismatch',
      'rotated-alias-decrypt',
      'new-grant-deploy',
      'recreated-role',
      'session-policy-scoped-down',
      'vpc-endpoint-policy',
      'aws-managed-key-cross-account',
      'operation-not-cross-account',
    ]);
    for (const scenario of scenarios) {
      expect(scenario.title).not.toBe(scenario.name);
      expect(scenario.summary.length).toBeGreaterThan(20);
    }
  });

  it.each(scenarios.map((s) => s.name))('%s loads, with valid policies and a profile for every principal', async (name) => {
    const state = await loadScenario(name);
    expect(state.scenarioName).toBe(name);
    expect(state.revision).toBe(0);
    await expectValidPolicies(state);
    for (const account of Object.values(state.accounts)) {
      expect(account.users.admin ?? account.users['admin-b']).toBeDefined();
      for (const role of Object.values(account.roles)) expect(role.sourceProfile, role.arn).toBeDefined();
    }
    for (const key of Object.values(state.keys)) {
      expect(key.arn).toBe(`arn:aws:kms:${key.region}:${key.accountId}:key/${key.keyId}`);
      if (key.keySpec === 'SYMMETRIC_DEFAULT' && key.keyState !== 'PendingImport') expect(Buffer.from(key.material!, 'base64')).toHaveLength(32);
    }
    const users = Object.values(state.accounts).flatMap((a) => Object.values(a.users));
    const longTerm = Object.values(state.credentials).filter((c) => c.kind === 'long-term');
    expect(longTerm.map((c) => c.userName).sort()).toEqual(users.map((u) => u.name).sort());
    for (const credential of longTerm) expect(credential.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
  });

  it('fresh IDs and secrets on every load, fixed key IDs where the file fixes them', async () => {
    const first = await loadScenario('no-iam-delegation');
    const second = await loadScenario('no-iam-delegation');
    expect(first.accounts[accountA]!.roles.AppRole!.id).not.toBe(second.accounts[accountA]!.roles.AppRole!.id);
    expect(Object.keys(first.credentials)).not.toEqual(Object.keys(second.credentials));
    expect(Object.keys(first.keys)).toEqual(Object.keys(second.keys));
    expect(Object.values(first.keys)[0]!.material).not.toBe(Object.values(second.keys)[0]!.material);
  });

  it('blank has exactly the two administrators and nothing else', async () => {
    const state = await loadScenario('blank');
    expect(Object.keys(state.accounts)).toEqual([accountA, accountB]);
    expect(Object.keys(state.accounts[accountA]!.users)).toEqual(['admin']);
    expect(Object.keys(state.accounts[accountB]!.users)).toEqual(['admin-b']);
    expect(JSON.parse(state.accounts[accountB]!.users['admin-b']!.inlinePolicies['full-access']!)).toEqual(allowAll);
    expect(state.keys).toEqual({});
    expect(state.training).toBeUndefined();
    expect(state.organization).toBeUndefined();
  });

  it('loads from a path as well as by name, and the folder is found from the module', async () => {
    const path = join(builtInScenariosDirectory(), 'key-disabled.json');
    const state = await loadScenario(path);
    expect(state.training?.expectedError).toBe('DisabledException');
  });

  it('the example in docs/scenarios.md loads', async () => {
    const documentation = readFileSync(new URL('../../docs/scenarios.md', import.meta.url), 'utf8');
    const example = /## Example\n\n```json\n([\s\S]*?)```/.exec(documentation)?.[1];
    expect(example).toBeDefined();
    const file = join(temporaryDirectory(), 'example.json');
    writeFileSync(file, example!);
    const state = await loadScenario(file);
    expect(state.training?.principal).toBe('ReportsRole');
    expect(state.accounts[accountA]!.roles.ReportsRole!.sourceProfile).toBe('admin');
  });

  it('gives an AWS managed key its fixed policy and alias', async () => {
    const state = await loadScenario('ebs-grant-denied');
    const managed = Object.values(state.keys).find((k) => k.keyManager === 'AWS')!;
    expect(JSON.parse(managed.policy)).toEqual(awsManagedKeyPolicy(accountA, 'ebs', 'us-east-1'));
    expect(managed.policy).toContain('"kms:ViaService": "ec2.us-east-1.amazonaws.com"');
    expect(managed.description).toBe('Default key that protects my EBS volumes when no other key is defined');
    const alias = Object.values(state.aliases).find((a) => a.aliasName === 'alias/aws/ebs')!;
    expect(alias.targetKeyId).toBe(managed.keyId);
    const customer = Object.values(state.keys).find((k) => k.keyManager === 'CUSTOMER')!;
    expect(JSON.parse(customer.policy)).toEqual(defaultKeyPolicy(accountA));
  });

  it('puts a pending-deletion key 7 days from deletion', async () => {
    const state = await loadScenario('key-pending-deletion');
    const key = Object.values(state.keys)[0]!;
    expect(key.keyState).toBe('PendingDeletion');
    expect(key.pendingWindowInDays).toBe(7);
    const days = (Date.parse(key.deletionDate!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
  });
});

// --- What the training scenarios teach, checked with the sandbox's own authorizer. ---

function principalArnOf(state: SandboxState, profile: string): { arn: string; accountId: string; kind: 'user' | 'role'; id: string } {
  for (const account of Object.values(state.accounts)) {
    const user = account.users[profile];
    if (user) return { arn: user.arn, accountId: account.id, kind: 'user', id: user.id };
    const role = account.roles[profile];
    if (role) return { arn: role.arn, accountId: account.id, kind: 'role', id: role.id };
  }
  throw new Error(`no principal ${profile}`);
}

/** The caller a profile becomes: the user itself, or a kms-doctor session of the role. */
function callerOf(state: SandboxState, profile: string): Caller {
  const principal = principalArnOf(state, profile);
  if (principal.kind === 'user') {
    return { accountId: principal.accountId, arn: principal.arn, principalArn: principal.arn, userId: principal.id, kind: 'user', name: profile, accessKeyId: 'AKIAEXAMPLE' };
  }
  return {
    accountId: principal.accountId,
    arn: `arn:aws:sts::${principal.accountId}:assumed-role/${profile}/kms-doctor`,
    principalArn: principal.arn,
    userId: `${principal.id}:kms-doctor`,
    kind: 'assumed-role',
    name: profile,
    accessKeyId: 'ASIAEXAMPLE',
  };
}

function trainingKey(state: SandboxState): KeyState {
  const reference = state.training!.call.key;
  const caller = callerOf(state, state.training!.principal);
  const prefix = `arn:aws:kms:${state.defaultRegion}:${caller.accountId}`;
  const aliasArn = reference.startsWith('alias/') ? `${prefix}:${reference}` : reference.includes(':alias/') ? reference : undefined;
  if (aliasArn) {
    const alias = state.aliases[aliasArn]!;
    return Object.values(state.keys).find((k) => k.keyId === alias.targetKeyId && k.accountId === alias.accountId)!;
  }
  return state.keys[reference]!;
}

/** Authorizes the training call (or the same call by another profile) as the sandbox would. */
async function authorizeTrainingCall(state: SandboxState, profile = state.training!.principal) {
  const call = state.training!.call;
  const caller = callerOf(state, profile);
  const key = trainingKey(state);
  const context: Record<string, string | string[]> = { 'kms:CallerAccount': caller.accountId };
  if (call.viaService) context['kms:ViaService'] = call.viaService;
  for (const [name, value] of Object.entries(call.encryptionContext ?? {})) context[`kms:EncryptionContext:${name}`] = value;
  if (call.grant) {
    context['kms:GranteePrincipal'] = call.grant.granteePrincipal;
    context['kms:GrantOperations'] = call.grant.operations;
    context['kms:GrantIsForAWSResource'] = call.viaService ? 'true' : 'false';
  }
  const action = `kms:${call.operation}`;
  const outcome = await authorize(state, caller, {
    action,
    resourceArn: key.arn,
    resourceAccount: key.accountId,
    resourcePolicy: { name: 'default', document: JSON.parse(key.policy) },
    context,
  });
  return {
    decision: outcome.decision,
    message: accessDeniedMessage({ caller, action, resourceArn: key.arn, outcome, resourceAccount: key.accountId }),
  };
}

function addKeyPolicyStatement(state: SandboxState, statement: object): void {
  const key = trainingKey(state);
  const policy = JSON.parse(key.policy) as { Statement: object[] };
  policy.Statement.push(statement);
  key.policy = JSON.stringify(policy, null, 2);
}

function addInlinePolicy(state: SandboxState, profile: string, name: string, statement: object): void {
  const { accountId } = principalArnOf(state, profile);
  const account = state.accounts[accountId]!;
  const principal = account.users[profile] ?? account.roles[profile]!;
  principal.inlinePolicies[name] = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

interface TrainingExpectation {
  readonly name: string;
  /** Authorization before the fix: denied with this message fragment, or allowed (the key state fails the call). */
  readonly before: { readonly denied: string } | 'allowed';
  readonly fix: (state: SandboxState) => void;
}

const trainingExpectations: TrainingExpectation[] = [
  {
    name: 'no-iam-delegation',
    before: { denied: 'because no resource-based policy allows the kms:Decrypt action' },
    fix: (state) =>
      addKeyPolicyStatement(state, {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountA}:root` },
        Action: 'kms:*',
        Resource: '*',
      }),
  },
  {
    name: 'missing-kms-actions',
    before: { denied: 'because no identity-based policy allows the kms:GenerateDataKey action' },
    fix: (state) =>
      addInlinePolicy(state, 'UploaderRole', 'invoice-uploads-data-keys', {
        Effect: 'Allow',
        Action: 'kms:GenerateDataKey',
        Resource: trainingKey(state).arn,
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      }),
  },
  {
    name: 'cross-account-one-side',
    before: { denied: 'because the resource does not exist in this Region, no resource-based policies allow access' },
    fix: (state) =>
      addKeyPolicyStatement(state, {
        Sid: 'Allow PartnerRole to decrypt exports',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountB}:role/PartnerRole` },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
      }),
  },
  {
    name: 'key-disabled',
    before: 'allowed',
    fix: (state) => {
      trainingKey(state).keyState = 'Enabled';
    },
  },
  {
    name: 'key-pending-deletion',
    before: 'allowed',
    fix: (state) => {
      const key = trainingKey(state);
      delete key.deletionDate;
      delete key.pendingWindowInDays;
      key.keyState = 'Enabled';
    },
  },
  {
    name: 'ebs-grant-denied',
    before: { denied: 'because no identity-based policy allows the kms:CreateGrant action' },
    fix: (state) =>
      addInlinePolicy(state, 'EbsOperatorRole', 'ebs-grants', {
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: trainingKey(state).arn,
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
  },
  {
    // The key policy names the deleted ReportRole's unique ID, which the role created again does not match.
    name: 'recreated-role',
    before: { denied: 'because no resource-based policy allows the kms:Decrypt action' },
    fix: (state) => {
      const key = trainingKey(state);
      key.policy = key.policy.replace('"AROAZB3EXAMPLE7OLDID1"', `"${principalArnOf(state, 'ReportRole').arn}"`);
    },
  },
];

describe('training scenarios teach what they claim', () => {
  it.each(trainingExpectations)('$name: the call fails as stated, the intended fix works, the unrelated principal stays denied', async (expectation) => {
    const state = await loadScenario(expectation.name);
    const training = state.training!;
    expect(training.unrelatedPrincipal).toBeDefined();
    const before = await authorizeTrainingCall(state);
    if (expectation.before === 'allowed') {
      expect(before.decision).toBe('Allowed');
      expect(trainingKey(state).keyState).not.toBe('Enabled');
    } else {
      expect(before.decision).not.toBe('Allowed');
      expect(training.expectedError).toBe('AccessDeniedException');
      expect(before.message).toContain(expectation.before.denied);
    }
    expect((await authorizeTrainingCall(state, training.unrelatedPrincipal)).decision).not.toBe('Allowed');

    const fixed = structuredClone(state);
    expectation.fix(fixed);
    await expectValidPolicies(fixed);
    expect((await authorizeTrainingCall(fixed)).decision).toBe('Allowed');
    expect(trainingKey(fixed).keyState).toBe('Enabled');
    expect((await authorizeTrainingCall(fixed, training.unrelatedPrincipal)).decision).not.toBe('Allowed');
  });

  it('cross-account-one-side: trusting the whole partner account still keeps BillingRole out', async () => {
    const state = await loadScenario('cross-account-one-side');
    addKeyPolicyStatement(state, {
      Sid: 'Allow the partner account',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountB}:root` },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
    });
    expect((await authorizeTrainingCall(state)).decision).toBe('Allowed');
    expect((await authorizeTrainingCall(state, 'BillingRole')).decision).not.toBe('Allowed');
  });

  it.each(builtInScenarios().map((s) => s.name))('%s: every role profile can assume its role', async (name) => {
    const state = await loadScenario(name);
    for (const account of Object.values(state.accounts)) {
      for (const role of Object.values(account.roles)) {
        const source = principalArnOf(state, role.sourceProfile!);
        const outcome = await evaluatePolicies({
          principalArn: source.arn,
          action: 'sts:AssumeRole',
          resourceArn: role.arn,
          resourceAccount: account.id,
          context: { 'aws:PrincipalArn': source.arn, 'aws:PrincipalAccount': source.accountId },
          identityPolicies: policiesOfPrincipal(state, source.arn)!.identityPolicies,
          resourcePolicy: { name: 'trust policy', document: JSON.parse(role.assumeRolePolicyDocument) },
        });
        expect(outcome.decision, `${role.sourceProfile} → ${role.arn}`).toBe('Allowed');
      }
    }
  });
});

// --- Broken scenario files. ---

const minimal = () => ({
  accounts: [{ id: accountA }, { id: accountB }],
  users: [
    { name: 'admin', account: accountA, inlinePolicies: { 'full-access': allowAll } },
    { name: 'admin-b', account: accountB, inlinePolicies: { 'full-access': allowAll } },
  ],
});

async function loadError(content: unknown): Promise<{ file: string; error: ScenarioError }> {
  const file = join(temporaryDirectory(), 'broken.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  const error = await loadScenario(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ScenarioError)) throw new Error(`expected a ScenarioError, got ${String(error)}`);
  expect(error.message).not.toContain('\n');
  expect(error.message.startsWith(`${file}: `)).toBe(true);
  return { file, error };
}

describe('broken scenario files are refused with one line naming file and field', () => {
  it('the field path of an undeclared account', async () => {
    const scenario = minimal();
    scenario.users.push({ name: 'ghost', account: '999999999999', inlinePolicies: { 'full-access': allowAll } });
    const { file, error } = await loadError(scenario);
    expect(error.message).toBe(`${file}: users[2].account: account 999999999999 is not declared in accounts`);
  });

  const cases: [string, (s: any) => void, string, RegExp][] = [
    ['unknown field', (s) => (s.users[0].polices = {}), 'users[0].polices', /unknown field/],
    ['account ID as a number', (s) => (s.accounts[1].id = 444455556666), 'accounts[1].id', /strings of 12 digits/],
    ['short account ID', (s) => (s.accounts[1].id = '4444'), 'accounts[1].id', /12-digit/],
    ['duplicate account', (s) => (s.accounts[1].id = accountA), 'accounts[1].id', /declared twice/],
    ['duplicate principal names', (s) => (s.users[1].name = 'admin'), 'users[1].name', /already the name of the user at users\[0\]/],
    ['a principal named default', (s) => (s.users[1].name = 'default'), 'users[1].name', /reserved/],
    [
      'an invalid identity policy',
      (s) => (s.users[0].inlinePolicies['full-access'] = { Version: '2012-10-17', Statement: [{ Effect: 'Alow', Action: '*', Resource: '*' }] }),
      'users[0].inlinePolicies.full-access.Statement[0].Effect',
      /Allow.*Deny/,
    ],
    ['a policy that is a string', (s) => (s.users[0].inlinePolicies['full-access'] = '{"Version":"2012-10-17"}'), 'users[0].inlinePolicies.full-access', /JSON object/],
    [
      'a key-policy statement without Principal',
      (s) => (s.keys = [{ account: accountA, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } }]),
      'keys[0].policy.Statement[0]',
      /has no Principal/,
    ],
    [
      'a key policy naming a missing role',
      (s) =>
        (s.keys = [
          { account: accountA, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:role/Nope` }, Action: 'kms:*', Resource: '*' }] } },
        ]),
      'keys[0].policy.Statement[0].Principal.AWS',
      /not a role declared/,
    ],
    ['an unknown key state', (s) => (s.keys = [{ account: accountA, state: 'Deleted' }]), 'keys[0].state', /is not one of Creating, Enabled/],
    ['PendingImport for an AWS_KMS key', (s) => (s.keys = [{ account: accountA, state: 'PendingImport' }]), 'keys[0].state', /origin EXTERNAL/],
    ['a bad key ID', (s) => (s.keys = [{ account: accountA, keyId: 'my-key' }]), 'keys[0].keyId', /UUID/],
    ['a duplicate alias', (s) => (s.keys = [{ account: accountA, aliases: ['alias/a'] }, { account: accountA, aliases: ['alias/a'] }]), 'keys[1].aliases[0]', /already names another key/],
    ['a reserved alias', (s) => (s.keys = [{ account: accountA, aliases: ['alias/aws/s3'] }]), 'keys[0].aliases[0]', /reserved/],
    ['a policy on an AWS managed key', (s) => (s.keys = [{ account: accountA, manager: 'AWS', service: 'ebs', policy: allowAll }]), 'keys[0].policy', /AWS managed key/],
    ['an unknown managed policy', (s) => (s.users[0].attachedPolicies = ['NoSuchPolicy']), 'users[0].attachedPolicies[0]', /no managed policy named NoSuchPolicy/],
    ['an unknown AWS managed policy', (s) => (s.users[0].attachedPolicies = ['arn:aws:iam::aws:policy/PowerUserAccess']), 'users[0].attachedPolicies[0]', /not an AWS managed policy the sandbox knows/],
    ['an unknown group', (s) => (s.users[0].groups = ['ops']), 'users[0].groups[0]', /no group named ops/],
    ['an unknown source profile', (s) => (s.roles = [{ name: 'R', account: accountA, sourceProfile: 'nobody' }]), 'roles[0].sourceProfile', /not a user/],
    [
      'an SCP target that is not an account',
      (s) => (s.organization = { managementAccount: accountA, serviceControlPolicies: [{ name: 'x', document: allowAll, targets: ['123456789012'] }] }),
      'organization.serviceControlPolicies[0].targets[0]',
      /neither "root" nor an account/,
    ],
    [
      'the management account as a delegated administrator',
      (s) => (s.organization = { managementAccount: accountA, delegatedAdministrators: [{ account: accountA, servicePrincipal: 'securityhub.amazonaws.com' }] }),
      'organization.delegatedAdministrators[0].account',
      /management account cannot be a delegated administrator/,
    ],
    [
      'a delegated administrator for something that is not a service principal',
      (s) => (s.organization = { managementAccount: accountA, delegatedAdministrators: [{ account: accountA, servicePrincipal: 'securityhub' }] }),
      'organization.delegatedAdministrators[0].servicePrincipal',
      /service principal/,
    ],
    [
      'a training principal that does not exist',
      (s) => (s.training = { title: 't', description: 'd', principal: 'nobody', call: { operation: 'Decrypt', key: 'alias/x' }, expectedError: 'AccessDeniedException', goal: 'g' }),
      'training.principal',
      /not a user or role/,
    ],
    [
      'a training key that does not exist',
      (s) => (s.training = { title: 't', description: 'd', principal: 'admin', call: { operation: 'Decrypt', key: 'alias/x' }, expectedError: 'AccessDeniedException', goal: 'g' }),
      'training.call.key',
      /does not name a key/,
    ],
    [
      'an unknown training cause',
      (s) => {
        s.keys = [{ account: accountA, aliases: ['alias/x'] }];
        s.training = { title: 't', description: 'd', principal: 'admin', call: { operation: 'Decrypt', key: 'alias/x' }, expectedCause: 'bad-luck', expectedError: 'AccessDeniedException', goal: 'g' };
      },
      'training.expectedCause',
      /is not one of key-not-found, key-disabled, .*key-policy-no-iam-delegation/,
    ],
    [
      'a key-disabled training on an enabled key',
      (s) => {
        s.keys = [{ account: accountA, aliases: ['alias/x'] }];
        s.training = { title: 't', description: 'd', principal: 'admin', call: { operation: 'Decrypt', key: 'alias/x' }, expectedCause: 'key-disabled', expectedError: 'DisabledException', goal: 'g' };
      },
      'training.expectedCause',
      /needs the training key to be Disabled/,
    ],
  ];

  it.each(cases)('%s', async (_label, breakIt, fieldPath, problem) => {
    const scenario = minimal() as any;
    breakIt(scenario);
    const { file, error } = await loadError(scenario);
    expect(error.fieldPath).toBe(fieldPath);
    expect(error.message.startsWith(`${file}: ${fieldPath}: `)).toBe(true);
    expect(error.problem).toMatch(problem);
  });

  it('invalid JSON, with the line', async () => {
    const { error } = await loadError('{\n  "accounts": [\n    {"id": "111122223333"},\n  ]\n}');
    expect(error.fieldPath).toBe('');
    expect(error.problem).toBe('is not valid JSON: expected a value at line 4, column 3, found "]" (JSON allows no comma before a closing bracket)');
    const unquoted = await loadError('{\n  accounts: []\n}');
    expect(unquoted.error.problem).toBe('is not valid JSON: expected a property name in double quotes at line 2, column 3, found "a"');
  });

  it('a missing file and an unknown built-in name', async () => {
    const missing = join(temporaryDirectory(), 'nope.json');
    await expect(loadScenario(missing)).rejects.toThrow(`${missing}: file not found`);
    await expect(loadScenario('no-such-scenario')).rejects.toThrow(/^no-such-scenario: no built-in scenario has this name \(built-in: blank, /);
  });
});

// --- Profiles. ---

describe('writeProfiles', () => {
  it('writes one profile per principal, private files, no default profile', async () => {
    const state = await loadScenario('cross-account-one-side');
    const directory = join(temporaryDirectory(), 'aws');
    const endpoint = 'http://127.0.0.1:4599';
    const written = writeProfiles(state, directory, endpoint);

    expect(written.configFile).toBe(join(directory, 'config'));
    expect(written.credentialsFile).toBe(join(directory, 'credentials'));
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(written.configFile).mode & 0o777).toBe(0o600);
    expect(statSync(written.credentialsFile).mode & 0o777).toBe(0o600);
    expect(written.profiles.map((p) => `${p.name}:${p.kind}`).sort()).toEqual(
      ['admin:user', 'admin-b:user', 'partner-etl:user', 'PartnerRole:role', 'BillingRole:role'].sort(),
    );
    expect(written.profiles.find((p) => p.name === 'PartnerRole')!.principalArn).toBe(`arn:aws:iam::${accountB}:role/PartnerRole`);

    const config = readFileSync(written.configFile, 'utf8');
    const credentials = readFileSync(written.credentialsFile, 'utf8');
    expect(config).not.toMatch(/^\[(profile )?default\]/m);
    expect(credentials).not.toMatch(/^\[default\]/m);
    expect(config).toContain(['[profile admin]', 'region = us-east-1', 'output = json', `endpoint_url = ${endpoint}`].join('\n'));
    expect(config).toContain(
      [
        '[profile PartnerRole]',
        `role_arn = arn:aws:iam::${accountB}:role/PartnerRole`,
        'source_profile = partner-etl',
        'role_session_name = kms-doctor',
        'region = us-east-1',
        'output = json',
        `endpoint_url = ${endpoint}`,
      ].join('\n'),
    );
    expect(config).not.toContain('aws_secret_access_key');

    const partnerKey = Object.values(state.credentials).find((c) => c.kind === 'long-term' && c.userName === 'partner-etl')!;
    expect(credentials).toContain(`[partner-etl]\naws_access_key_id = ${partnerKey.accessKeyId}\naws_secret_access_key = ${partnerKey.secretAccessKey}\n`);
    expect(credentials).not.toContain('[PartnerRole]');
  });

  it('skips users without an access key, and roles whose source has none', async () => {
    const directory = temporaryDirectory();
    const file = join(directory, 'no-keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        accounts: [{ id: accountA }],
        users: [{ name: 'admin', inlinePolicies: { 'full-access': allowAll } }, { name: 'console-only', accessKey: false }],
        roles: [{ name: 'AppRole' }],
      }),
    );
    const state = await loadScenario(file);
    expect(state.accounts[accountA]!.roles.AppRole!.sourceProfile).toBe('admin');
    const written = writeProfiles(state, join(directory, 'aws'), 'http://127.0.0.1:1');
    expect(written.profiles.map((p) => p.name)).toEqual(['admin', 'AppRole']);
    expect(readFileSync(written.credentialsFile, 'utf8')).not.toContain('console-only');
  });
});
