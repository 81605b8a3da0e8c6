// Fixes proposed from hand-built facts and diagnoses (no network): each cause's least-privilege change,
// the documents kept intact around it, the size limits, the key-state step order, and — through the
// evaluation module — that the proposed documents really let the principal do what failed.
import { keyRef } from '../helpers/parsed-input.js';
import { describe, expect, it } from 'vitest';
import type { Cause, CauseCode, CauseLayer, Diagnosis } from '../../src/engine/cause.js';
import { colorizeDiff, diffLines, renderDiff, unifiedDiff } from '../../src/engine/diff-view.js';
import { known, type DiagnosisFacts, type KeyFacts, type Observation, type PolicyDocumentFacts, type PrincipalIdentity } from '../../src/engine/facts.js';
import type { Fix } from '../../src/engine/fix.js';
import { findOperation } from '../../src/engine/operations.js';
import { evaluatePolicies, type NamedPolicy } from '../../src/engine/policy-evaluation.js';
import { policySizeLimits, proposeFixes } from '../../src/engine/propose-fixes.js';

const account = '111122223333';
const otherAccount = '444455556666';
const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const keyArn = `arn:aws:kms:us-east-1:${account}:key/${keyId}`;
const roleArn = `arn:aws:iam::${account}:role/service/App`;
const sessionArn = `arn:aws:sts::${account}:assumed-role/App/session-1`;
const keyPolicyFile = 'kms-doctor-key-policy-1234abcd.json';

const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
const adminStatement = {
  Sid: 'Allow administration of the key',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${account}:role/KeyAdmin` },
  Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
  Resource: '*',
};

const role = (overrides: Partial<PrincipalIdentity> = {}): PrincipalIdentity => ({
  arn: sessionArn,
  entityArn: roleArn,
  kind: 'role',
  name: 'App',
  accountId: account,
  ...overrides,
});

const user = (name: string, accountId = account): PrincipalIdentity => ({
  arn: `arn:aws:iam::${accountId}:user/${name}`,
  entityArn: `arn:aws:iam::${accountId}:user/${name}`,
  kind: 'user',
  name,
  accountId,
});

const inline = (name: string, document: object): PolicyDocumentFacts => ({ name, kind: 'inline', text: JSON.stringify(document, null, 2), document });
const managed = (arn: string, document: object): PolicyDocumentFacts => ({ name: arn, kind: 'managed', arn, versionId: 'v1', text: JSON.stringify(document), document });

const unreadable = (call: string, reason: 'access-denied' | 'cross-account' | 'not-found' = 'access-denied'): Observation<never> => ({
  status: 'unreadable',
  reason,
  call,
  message: `refused: ${call}`,
});

interface Scenario {
  readonly operation?: string;
  readonly keyInput?: string;
  readonly region?: string;
  readonly key?: Partial<KeyFacts> | 'not-found';
  readonly keyPolicy?: object | 'cross-account';
  readonly principal?: PrincipalIdentity;
  readonly callerAccount?: string;
  readonly policies?: readonly PolicyDocumentFacts[] | 'unreadable';
  readonly boundary?: PolicyDocumentFacts;
}

function factsFor(scenario: Scenario = {}): DiagnosisFacts {
  const operation = findOperation(scenario.operation ?? 'Decrypt');
  if (!operation) throw new Error(`unknown operation ${scenario.operation}`);
  const principal = scenario.principal ?? role();
  const keyFacts: KeyFacts = {
    arn: keyArn,
    keyId,
    accountId: account,
    region: 'us-east-1',
    state: 'Enabled',
    enabled: true,
    manager: 'CUSTOMER',
    spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    multiRegion: false,
    description: '',
    ...(typeof scenario.key === 'object' ? scenario.key : {}),
  };
  const keyPolicy = scenario.keyPolicy ?? policy(rootStatement, adminStatement);
  return {
    request: { operation, key: keyRef(scenario.keyInput ?? keyArn), region: scenario.region ?? 'us-east-1' },
    caller: known({ arn: principal.arn, accountId: scenario.callerAccount ?? principal.accountId, userId: 'AROAEXAMPLE:session-1' }),
    principal: known(principal),
    key: scenario.key === 'not-found' ? unreadable('kms:DescribeKey', 'not-found') : known(keyFacts),
    keyPolicy:
      keyPolicy === 'cross-account'
        ? unreadable('kms:GetKeyPolicy', 'cross-account')
        : known({ text: JSON.stringify(keyPolicy), document: keyPolicy }),
    grants: known([]),
    principalPolicies:
      scenario.policies === 'unreadable'
        ? unreadable('iam:ListRolePolicies')
        : known({ policies: scenario.policies ?? [], ...(scenario.boundary ? { permissionsBoundary: scenario.boundary } : {}) }),
    simulation: { status: 'skipped', why: 'not needed here' },
  };
}

const layerOf: Partial<Record<CauseCode, CauseLayer>> & Record<string, CauseLayer> = {
  'key-not-found': 'key-identifier',
  'key-disabled': 'key-state',
  'key-pending-deletion': 'key-state',
  'key-pending-import': 'key-state',
  'key-unavailable': 'key-state',
  'key-policy-no-iam-delegation': 'key-policy',
  'identity-policy-missing-actions': 'identity-policy',
  'cross-account-key-policy': 'key-policy',
  'cross-account-identity-policy': 'identity-policy',
  'grant-creation-denied': 'identity-policy',
  'explicit-deny': 'identity-policy',
  'permissions-boundary': 'permissions-boundary',
  'session-policy': 'session-policy',
  'aws-managed-key-cross-account': 'key-policy',
};

function cause(code: CauseCode, actions: readonly string[], extra: Partial<Cause> = {}): Cause {
  return { code, layer: layerOf[code] ?? 'request', summary: `The diagnosis found ${code}.`, actions, evidence: [], ...extra };
}

function diagnosisOf(...causes: Cause[]): Diagnosis {
  const actions = [...new Set(causes.flatMap((c) => c.actions))];
  return {
    verdict: 'denied',
    principal: sessionArn,
    key: keyArn,
    operation: 'Decrypt',
    requiredActions: actions,
    actionResults: actions.map((action) => ({ action, decision: 'denied' })),
    causes,
    unverified: [],
    notes: [],
  };
}

/** proposeFixes, with every fix held to the least-privilege and consistency rules below. */
function propose(facts: DiagnosisFacts, ...causes: Cause[]): Fix[] {
  const fixes = proposeFixes(facts, diagnosisOf(...causes));
  expect(fixes).toHaveLength(causes.length);
  for (const fix of fixes) expect(leastPrivilegeProblems(fix)).toEqual([]);
  return fixes;
}

function only(fixes: Fix[]): Fix {
  expect(fixes).toHaveLength(1);
  return fixes[0]!;
}

type Json = Record<string, unknown>;
const statementsIn = (text: string | undefined): Json[] => {
  if (!text) return [];
  const statement = (JSON.parse(text) as Json).Statement;
  return (Array.isArray(statement) ? statement : [statement]) as Json[];
};
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/**
 * What no proposed fix may ever do, checked independently of how the fixes are built: an added Allow
 * never has a wildcard action (so never kms:*), a key-policy Allow names one IAM role or user (never `*`,
 * an account root or a session), an identity Allow names the key ARN (never `*` or an alias); what is
 * written is what is shown; a blocked fix has nothing to run.
 */
function leastPrivilegeProblems(fix: Fix): string[] {
  const problems: string[] = [];
  if (fix.blockedBy !== undefined && (fix.steps.length > 0 || fix.commands.length > 0)) problems.push('a blocked fix has steps or commands');
  if (fix.after === undefined) return problems;
  const before = new Set(statementsIn(fix.before).map((s) => JSON.stringify(s)));
  const added = statementsIn(fix.after).filter((s) => !before.has(JSON.stringify(s)) && s.Effect === 'Allow');
  for (const statement of added) {
    if (statement.NotAction !== undefined || statement.NotPrincipal !== undefined || statement.NotResource !== undefined) problems.push('Not* element');
    for (const action of listOf(statement.Action)) {
      if (typeof action !== 'string' || action.includes('*') || action.includes('?')) problems.push(`wildcard action ${String(action)}`);
    }
    if (fix.target.type === 'key-policy') {
      const principal = statement.Principal as Json | string | undefined;
      const arns = typeof principal === 'object' ? listOf(principal.AWS) : [principal];
      if (typeof principal !== 'object' || Object.keys(principal).length !== 1 || arns.length !== 1) problems.push('key-policy principal is not one AWS principal');
      for (const arn of arns) {
        if (typeof arn !== 'string' || !/^arn:aws:iam::\d{12}:(role|user)\/./.test(arn)) problems.push(`broad or session principal ${String(arn)}`);
      }
    } else {
      for (const resource of listOf(statement.Resource)) {
        if (typeof resource !== 'string' || !/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(resource)) problems.push(`identity resource ${String(resource)}`);
      }
    }
  }
  if (fix.blockedBy === undefined) {
    for (const step of fix.steps) {
      const written = 'policy' in step ? step.policy : 'document' in step ? step.document : undefined;
      if (written !== undefined && JSON.stringify(JSON.parse(written)) !== JSON.stringify(JSON.parse(fix.after))) problems.push(`${step.kind} writes another document than "after"`);
    }
    for (const file of fix.files) {
      if (!fix.commands.some((c) => c.includes(`file://${file.path}`))) problems.push(`no command reads ${file.path}`);
      if (JSON.stringify(JSON.parse(file.content)) !== JSON.stringify(JSON.parse(fix.after))) problems.push(`${file.path} differs from "after"`);
    }
  }
  return problems;
}

const afterDocument = (fix: Fix): Json => JSON.parse(fix.after ?? 'null') as Json;
const addedStatement = (fix: Fix): Json => {
  const statements = statementsIn(fix.after);
  return statements[statements.length - 1]!;
};

interface Check {
  readonly action: string;
  readonly keyPolicy: unknown;
  readonly identity?: readonly unknown[];
  readonly boundary?: unknown;
  readonly principalArn?: string;
  readonly entityArn?: string;
  readonly context?: Record<string, string>;
}

async function decision(check: Check): Promise<string> {
  const identityPolicies: NamedPolicy[] = (check.identity ?? []).map((document, i) => ({ name: `identity-${i}`, document }));
  const outcome = await evaluatePolicies({
    principalArn: check.principalArn ?? sessionArn,
    action: check.action,
    resourceArn: keyArn,
    resourceAccount: account,
    context: { 'aws:PrincipalArn': check.entityArn ?? roleArn, ...check.context },
    identityPolicies,
    resourcePolicy: { name: 'default', document: check.keyPolicy },
    ...(check.boundary !== undefined ? { permissionsBoundary: { name: 'boundary', document: check.boundary } } : {}),
  });
  return outcome.decision;
}

describe('key policy: one new statement for the principal', () => {
  const withoutDelegation = policy(adminStatement, { Sid: 'AllowAuditRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/Audit` }, Action: 'kms:DescribeKey', Resource: '*' });

  it('appends a statement naming the role ARN (with its path) for exactly the missing actions, and it works', async () => {
    const facts = factsFor({ keyPolicy: withoutDelegation });
    const fix = only(propose(facts, cause('key-policy-no-iam-delegation', ['kms:Decrypt'])));
    expect(fix.blockedBy).toBeUndefined();
    expect(fix.target).toEqual({ type: 'key-policy', arn: keyArn, policyName: 'default' });
    expect(addedStatement(fix)).toEqual({
      Sid: 'AllowAppRoleUseOfKey',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: ['kms:Decrypt'],
      Resource: '*',
    });
    expect(fix.before).toBe(JSON.stringify(withoutDelegation, null, 2));
    expect(fix.after).toBe(JSON.stringify(afterDocument(fix), null, 2));
    expect(fix.steps).toEqual([{ kind: 'put-key-policy', keyArn, policy: fix.after }]);
    expect(fix.files).toEqual([{ path: keyPolicyFile, content: `${fix.after}\n` }]);
    expect(fix.commands).toEqual([`aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://${keyPolicyFile} --region us-east-1`]);
    expect(fix.diff).toMatch(/^--- key-policy \(before\)\n\+\+\+ key-policy \(after\)\n@@ /);
    expect(fix.diff).toContain('+      "Sid": "AllowAppRoleUseOfKey",');
    expect(fix.diff?.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);

    const identity = [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn })];
    expect(await decision({ action: 'kms:Decrypt', keyPolicy: withoutDelegation, identity })).toBe('ImplicitlyDenied');
    expect(await decision({ action: 'kms:Decrypt', keyPolicy: afterDocument(fix) })).toBe('Allowed');
    // Least privilege: nothing else is allowed to the role, and nobody else gains anything.
    expect(await decision({ action: 'kms:Encrypt', keyPolicy: afterDocument(fix) })).toBe('ImplicitlyDenied');
    expect(
      await decision({ action: 'kms:Decrypt', keyPolicy: afterDocument(fix), principalArn: `arn:aws:sts::${account}:assumed-role/Other/s`, entityArn: `arn:aws:iam::${account}:role/Other` }),
    ).toBe('ImplicitlyDenied');
  });

  it('keeps every existing statement, the root statement included, byte-identical after a JSON round trip', () => {
    const original = policy(rootStatement, adminStatement, { Sid: 'Deny outside org', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } } });
    const fix = only(propose(factsFor({ keyPolicy: original, principal: role() }), cause('key-policy-no-iam-delegation', ['kms:GenerateDataKey', 'kms:Decrypt'])));
    const after = afterDocument(fix);
    const statements = after.Statement as unknown[];
    expect(statements).toHaveLength(original.Statement.length + 1);
    original.Statement.forEach((statement, i) => expect(JSON.stringify(statements[i])).toBe(JSON.stringify(statement)));
    expect(Object.keys(after)).toEqual(Object.keys(original));
    expect(after.Version).toBe(original.Version);
    expect(addedStatement(fix).Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  it('picks a unique Sid when the policy has that Sid already', () => {
    const taken = policy(adminStatement, { Sid: 'AllowAppRoleUseOfKey', Effect: 'Allow', Principal: { AWS: roleArn }, Action: 'kms:DescribeKey', Resource: '*' });
    const fix = only(propose(factsFor({ keyPolicy: taken }), cause('key-policy-no-iam-delegation', ['kms:Decrypt'])));
    expect(addedStatement(fix).Sid).toBe('AllowAppRoleUseOfKey2');
    expect(statementsIn(fix.after).filter((s) => s.Sid === 'AllowAppRoleUseOfKey')).toHaveLength(1);
  });

  it('derives the Sid from a user name, and names the user ARN', () => {
    const deployer = user('ci-deployer');
    const fix = only(propose(factsFor({ keyPolicy: policy(adminStatement), principal: deployer }), cause('key-policy-no-iam-delegation', ['kms:Encrypt'])));
    expect(addedStatement(fix)).toMatchObject({ Sid: 'AllowCiDeployerUserUseOfKey', Principal: { AWS: deployer.entityArn } });
  });

  it('limits the statement to the service with kms:ViaService for an operation through a service, and explains it', async () => {
    const facts = factsFor({ operation: 's3:PutObject', keyPolicy: policy(adminStatement) });
    const fix = only(propose(facts, cause('key-policy-no-iam-delegation', ['kms:GenerateDataKey', 'kms:Decrypt'])));
    expect(addedStatement(fix)).toEqual({
      Sid: 'AllowAppRoleUseOfKey',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    expect(fix.explanation).toContain('s3.us-east-1.amazonaws.com');
    expect(fix.explanation).toMatch(/Direct KMS calls/);
    const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(await decision({ action, keyPolicy: afterDocument(fix), context: viaS3 })).toBe('Allowed');
    }
    expect(await decision({ action: 'kms:Decrypt', keyPolicy: afterDocument(fix) })).toBe('ImplicitlyDenied');
  });

  it('refuses to name a session ARN or an account root as the principal', () => {
    for (const entityArn of [sessionArn, `arn:aws:iam::${account}:root`]) {
      const fix = only(propose(factsFor({ principal: role({ entityArn }) }), cause('key-policy-no-iam-delegation', ['kms:Decrypt'])));
      expect(fix.blockedBy).toMatch(/not an IAM role or user ARN/);
      expect(fix.after).toBeUndefined();
    }
  });

  it('blocks an AWS managed key, whose key policy cannot change', () => {
    const fix = only(propose(factsFor({ key: { manager: 'AWS' } }), cause('key-policy-no-iam-delegation', ['kms:Decrypt'])));
    expect(fix.blockedBy).toMatch(/AWS managed key/);
  });
});

describe('cross account', () => {
  const external = role({
    arn: `arn:aws:sts::${otherAccount}:assumed-role/Reader/s`,
    entityArn: `arn:aws:iam::${otherAccount}:role/Reader`,
    name: 'Reader',
    accountId: otherAccount,
  });

  it('adds the key-policy statement and the IAM policy, which together allow the call', async () => {
    const facts = factsFor({ principal: external, policies: [] });
    const [keySide, iamSide] = propose(facts, cause('cross-account-key-policy', ['kms:Decrypt']), cause('cross-account-identity-policy', ['kms:Decrypt']));
    expect(addedStatement(keySide!)).toMatchObject({ Sid: 'AllowReaderRoleUseOfKey', Principal: { AWS: external.entityArn }, Action: ['kms:Decrypt'] });
    expect(keySide!.explanation).toMatch(/also needs an IAM policy/);
    expect(keySide!.notes?.join(' ')).toContain(`credentials of account ${account}`);
    expect(iamSide!.target).toEqual({ type: 'identity-policy', arn: external.entityArn, policyName: 'kms-doctor-1234abcd', principalKind: 'role' });
    expect(iamSide!.notes).toBeUndefined();

    const check = { action: 'kms:Decrypt', principalArn: external.arn, entityArn: external.entityArn };
    expect(await decision({ ...check, keyPolicy: afterDocument(keySide!) })).toBe('ImplicitlyDenied');
    expect(await decision({ ...check, keyPolicy: policy(rootStatement), identity: [afterDocument(iamSide!)] })).toBe('ImplicitlyDenied');
    expect(await decision({ ...check, keyPolicy: afterDocument(keySide!), identity: [afterDocument(iamSide!)] })).toBe('Allowed');
  });

  it('blocks the key-policy side when the key policy can only be read from the owner account, with the statement to add', () => {
    const fix = only(propose(factsFor({ principal: external, keyPolicy: 'cross-account' }), cause('cross-account-key-policy', ['kms:Decrypt'])));
    expect(fix.blockedBy).toContain(`credentials of account ${account}`);
    expect(fix.steps).toEqual([]);
    expect(JSON.parse(fix.snippet ?? '[]')).toEqual([
      { Sid: 'AllowReaderRoleUseOfKey', Effect: 'Allow', Principal: { AWS: external.entityArn }, Action: ['kms:Decrypt'], Resource: '*' },
    ]);
  });
});

describe('identity policy: the kms-doctor inline policy', () => {
  const existing = inline('s3-access', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }));

  it('creates kms-doctor-<key ID> on the role with the key ARN as Resource, and it works', async () => {
    const fix = only(propose(factsFor({ policies: [existing] }), cause('identity-policy-missing-actions', ['kms:GenerateDataKey', 'kms:Decrypt'])));
    expect(fix.blockedBy).toBeUndefined();
    expect(fix.before).toBe('');
    expect(afterDocument(fix)).toEqual(
      policy({ Sid: 'AllowUseOfKey1234abcd', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn }),
    );
    expect(fix.target).toEqual({ type: 'identity-policy', arn: roleArn, policyName: 'kms-doctor-1234abcd', principalKind: 'role' });
    expect(fix.steps).toEqual([{ kind: 'put-role-policy', roleName: 'App', policyName: 'kms-doctor-1234abcd', document: fix.after }]);
    const file = 'kms-doctor-role-policy-App-kms-doctor-1234abcd.json';
    expect(fix.files.map((f) => f.path)).toEqual([file]);
    expect(fix.commands).toEqual([`aws iam put-role-policy --role-name App --policy-name kms-doctor-1234abcd --policy-document file://${file}`]);
    expect(fix.diff).toMatch(/^--- role-policy App\/kms-doctor-1234abcd \(before\)\n\+\+\+ role-policy App\/kms-doctor-1234abcd \(after\)\n@@ -0,0 \+1,/);

    const keyPolicy = policy(rootStatement);
    expect(await decision({ action: 'kms:Decrypt', keyPolicy, identity: [existing.document] })).toBe('ImplicitlyDenied');
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      expect(await decision({ action, keyPolicy, identity: [existing.document, afterDocument(fix)] })).toBe('Allowed');
    }
    expect(await decision({ action: 'kms:Encrypt', keyPolicy, identity: [afterDocument(fix)] })).toBe('ImplicitlyDenied');
  });

  it('writes a user policy for a user', () => {
    const fix = only(propose(factsFor({ principal: user('alice') }), cause('identity-policy-missing-actions', ['kms:Encrypt'])));
    expect(fix.steps[0]).toMatchObject({ kind: 'put-user-policy', userName: 'alice', policyName: 'kms-doctor-1234abcd' });
    expect(fix.commands[0]).toBe('aws iam put-user-policy --user-name alice --policy-name kms-doctor-1234abcd --policy-document file://kms-doctor-user-policy-alice-kms-doctor-1234abcd.json');
  });

  it('extends an existing kms-doctor policy with a new statement, keeping its statements', () => {
    const earlier = inline('kms-doctor-1234abcd', policy({ Sid: 'AllowUseOfKey1234abcd', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keyArn }));
    const fix = only(propose(factsFor({ policies: [existing, earlier] }), cause('identity-policy-missing-actions', ['kms:GenerateDataKey'])));
    expect(fix.before).toBe(JSON.stringify(earlier.document, null, 2));
    expect(statementsIn(fix.after)).toEqual([
      { Sid: 'AllowUseOfKey1234abcd', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keyArn },
      { Sid: 'AllowUseOfKey1234abcd2', Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: keyArn },
    ]);
    expect(fix.explanation).toMatch(/^Adds one statement to the inline policy kms-doctor-1234abcd/);
    expect(fix.steps[0]).toMatchObject({ kind: 'put-role-policy', policyName: 'kms-doctor-1234abcd' });
  });

  it('blocks when the inline policies could not be read: writing could replace a policy', () => {
    const fix = only(propose(factsFor({ policies: 'unreadable' }), cause('identity-policy-missing-actions', ['kms:Decrypt'])));
    expect(fix.blockedBy).toMatch(/could not read the inline policies/);
    expect(JSON.parse(fix.snippet ?? '[]')[0]).toMatchObject({ Resource: keyArn });
  });

  it('never writes to a service-linked role', () => {
    const slr = role({ entityArn: `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`, name: 'AWSServiceRoleForAutoScaling' });
    const fix = only(propose(factsFor({ principal: slr }), cause('identity-policy-missing-actions', ['kms:Decrypt'])));
    expect(fix.blockedBy).toMatch(/service-linked role/);
  });

  it('uses the key ARN when DescribeKey was refused but the user named the key by ARN, and blocks on an alias', () => {
    const byArn = only(propose({ ...factsFor(), key: unreadable('kms:DescribeKey') }, cause('identity-policy-missing-actions', ['kms:Decrypt'])));
    expect(addedStatement(byArn).Resource).toBe(keyArn);
    const byAlias = only(propose({ ...factsFor({ keyInput: 'alias/app' }), key: unreadable('kms:DescribeKey') }, cause('identity-policy-missing-actions', ['kms:Decrypt'])));
    expect(byAlias.blockedBy).toMatch(/key ARN/);
  });
});

describe('grant creation', () => {
  it('allows kms:CreateGrant only for AWS resources in the identity policy, and it works', async () => {
    const facts = factsFor({ operation: 'ec2:RunInstances' });
    const fix = only(propose(facts, cause('grant-creation-denied', ['kms:CreateGrant'])));
    expect(addedStatement(fix)).toEqual({
      Sid: 'AllowGrantsForAwsResourcesOnKey1234abcd',
      Effect: 'Allow',
      Action: ['kms:CreateGrant'],
      Resource: keyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    const keyPolicy = policy(rootStatement);
    const identity = [afterDocument(fix)];
    expect(await decision({ action: 'kms:CreateGrant', keyPolicy, identity, context: { 'kms:GrantIsForAWSResource': 'true' } })).toBe('Allowed');
    expect(await decision({ action: 'kms:CreateGrant', keyPolicy, identity, context: { 'kms:GrantIsForAWSResource': 'false' } })).toBe('ImplicitlyDenied');
  });

  it('adds the grant statement to the key policy when the key policy is the missing side', async () => {
    const fix = only(propose(factsFor({ operation: 'ec2:RunInstances', keyPolicy: policy(adminStatement) }), cause('grant-creation-denied', ['kms:CreateGrant'], { layer: 'key-policy' })));
    expect(fix.target.type).toBe('key-policy');
    expect(addedStatement(fix)).toEqual({
      Sid: 'AllowAppRoleGrantsForAwsResources',
      Effect: 'Allow',
      Principal: { AWS: roleArn },
      Action: ['kms:CreateGrant'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(await decision({ action: 'kms:CreateGrant', keyPolicy: afterDocument(fix), context: { 'kms:GrantIsForAWSResource': 'true' } })).toBe('Allowed');
  });

  it('leaves the condition out when the principal calls CreateGrant itself', () => {
    const fix = only(propose(factsFor({ operation: 'CreateGrant' }), cause('grant-creation-denied', ['kms:CreateGrant'])));
    expect(addedStatement(fix).Condition).toBeUndefined();
    expect(fix.explanation).toMatch(/calls CreateGrant itself/);
  });
});

describe('permissions boundary', () => {
  const boundaryArn = `arn:aws:iam::${account}:policy/AppBoundary`;
  const boundary = managed(boundaryArn, policy({ Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' }));

  it('proposes a new default version allowing the missing actions on the key, and it works', async () => {
    const facts = factsFor({ principal: role({ permissionsBoundaryArn: boundaryArn }), boundary });
    const fix = only(propose(facts, cause('permissions-boundary', ['kms:Decrypt'])));
    expect(fix.target).toEqual({ type: 'identity-policy', arn: boundaryArn, policyName: 'AppBoundary', principalKind: 'managed-policy' });
    expect(statementsIn(fix.after)).toEqual([
      { Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Sid: 'AllowUseOfKey1234abcd', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keyArn },
    ]);
    expect(fix.steps).toEqual([{ kind: 'create-policy-version', policyArn: boundaryArn, document: fix.after }]);
    expect(fix.commands).toEqual([
      `aws iam create-policy-version --policy-arn ${boundaryArn} --policy-document file://kms-doctor-managed-policy-AppBoundary.json --set-as-default`,
    ]);
    expect(fix.notes?.join(' ')).toMatch(/five versions/);

    const keyPolicy = policy(rootStatement);
    const identity = [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn })];
    expect(await decision({ action: 'kms:Decrypt', keyPolicy, identity, boundary: boundary.document })).toBe('ImplicitlyDenied');
    expect(await decision({ action: 'kms:Decrypt', keyPolicy, identity, boundary: afterDocument(fix) })).toBe('Allowed');
  });

  it('blocks an AWS managed boundary', () => {
    const awsBoundary = managed('arn:aws:iam::aws:policy/PowerUserAccess', policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const fix = only(propose(factsFor({ boundary: awsBoundary }), cause('permissions-boundary', ['kms:Decrypt'])));
    expect(fix.blockedBy).toMatch(/AWS managed policy/);
  });
});

describe('explicit deny', () => {
  const readBucket = { Sid: 'ReadBucket', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
  const noKeyUse = { Sid: 'NoKeyUse', Effect: 'Deny', Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } };
  const quarantine = inline('guardrails', policy(readBucket, noKeyUse));
  const denied = (extra: Partial<NonNullable<Cause['deniedBy']>> = {}) =>
    cause('explicit-deny', ['kms:Decrypt'], { deniedBy: { layer: 'identity-policy', policyName: 'guardrails', statementId: 'NoKeyUse', statementIndex: 1, ...extra } });

  it('offers the request the Deny lets through first (MFA), then removes only the denied action from the Deny, keeping everything else, and it works', async () => {
    const allowKey = inline('use-key', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }));
    const lead = only(propose(factsFor({ policies: [quarantine, allowKey] }), denied()));
    expect(lead.title).toMatch(/lets through/);
    expect(lead.explanation).toMatch(/with credentials signed in with MFA/);
    expect(lead.steps).toEqual([]);
    expect(lead.alternatives).toHaveLength(1);
    const fix = lead.alternatives![0]!;
    expect(leastPrivilegeProblems(fix)).toEqual([]);
    expect(fix.blockedBy).toBeUndefined();
    const [allow, deny] = statementsIn(fix.after);
    expect(JSON.stringify(allow)).toBe(JSON.stringify(readBucket));
    expect(JSON.stringify(deny)).toBe(JSON.stringify({ ...noKeyUse, Action: ['kms:ScheduleKeyDeletion'] }));
    expect(fix.steps).toEqual([{ kind: 'put-role-policy', roleName: 'App', policyName: 'guardrails', document: fix.after }]);
    expect(fix.notes?.[0]).toMatch(/deliberate/);

    const context = { 'aws:MultiFactorAuthPresent': 'false' };
    const keyPolicy = policy(rootStatement);
    expect(await decision({ action: 'kms:Decrypt', keyPolicy, identity: [quarantine.document, allowKey.document], context })).toBe('ExplicitlyDenied');
    expect(await decision({ action: 'kms:Decrypt', keyPolicy, identity: [afterDocument(fix), allowKey.document], context })).toBe('Allowed');
    expect(await decision({ action: 'kms:ScheduleKeyDeletion', keyPolicy: policy(rootStatement), identity: [afterDocument(fix), policy({ Effect: 'Allow', Action: 'kms:ScheduleKeyDeletion', Resource: keyArn })], context })).toBe(
      'ExplicitlyDenied',
    );
  });

  it('excepts only the principal from a key-policy Deny by default; narrowing it for everyone is only an alternative; both leave the other statements byte-identical', async () => {
    const keyPolicy = policy(rootStatement, { Sid: 'DenyDecryptAndSign', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*' });
    const lead = only(propose(factsFor({ keyPolicy }), cause('explicit-deny', ['kms:Decrypt'], { layer: 'key-policy', deniedBy: { layer: 'key-policy', statementId: 'DenyDecryptAndSign', statementIndex: 1 } })));
    const excepted = statementsIn(lead.after);
    expect(JSON.stringify(excepted[0])).toBe(JSON.stringify(rootStatement));
    expect(excepted[1]).toEqual({ Sid: 'DenyDecryptAndSign', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArn } } });
    expect(lead.steps[0]?.kind).toBe('put-key-policy');
    const identity = [policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn })];
    expect(await decision({ action: 'kms:Decrypt', keyPolicy, identity })).toBe('ExplicitlyDenied');
    expect(await decision({ action: 'kms:Decrypt', keyPolicy: afterDocument(lead), identity })).toBe('Allowed');
    const other = { principalArn: `arn:aws:sts::${account}:assumed-role/Other/s`, entityArn: `arn:aws:iam::${account}:role/Other` };
    expect(await decision({ action: 'kms:Decrypt', keyPolicy: afterDocument(lead), identity, ...other })).toBe('ExplicitlyDenied');

    const fix = lead.alternatives![0]!;
    expect(fix.explanation).toMatch(/no longer refuses kms:Decrypt to anyone it covers/);
    const statements = statementsIn(fix.after);
    expect(JSON.stringify(statements[0])).toBe(JSON.stringify(rootStatement));
    expect(statements[1]).toEqual({ Sid: 'DenyDecryptAndSign', Effect: 'Deny', Principal: '*', Action: ['kms:Sign'], Resource: '*' });
    expect(fix.steps[0]?.kind).toBe('put-key-policy');
  });

  it('hands a Deny it cannot narrow exactly to a human, never deleting it', () => {
    const wildcard = inline('guardrails', policy({ Sid: 'NoKeyUse', Effect: 'Deny', Action: 'kms:*', Resource: '*' }));
    const single = inline('guardrails', policy({ Sid: 'NoKeyUse', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }));
    const notAction = inline('guardrails', policy({ Sid: 'NoKeyUse', Effect: 'Deny', NotAction: 's3:*', Resource: '*' }));
    const cases: [PolicyDocumentFacts, RegExp][] = [
      [wildcard, /through "kms:\*"/],
      [single, /would delete it/],
      [notAction, /NotAction/],
    ];
    for (const [document, reason] of cases) {
      const fix = only(propose(factsFor({ policies: [document] }), denied({ statementIndex: 0 })));
      expect(fix.blockedBy).toMatch(reason);
      expect(fix.blockedBy).toMatch(/human must review/);
      expect(fix.steps).toEqual([]);
      expect(fix.after).toBeUndefined();
    }
  });

  it('sends an SCP deny to the organization administrators', () => {
    const fix = only(propose(factsFor(), cause('explicit-deny', ['kms:Decrypt'], { layer: 'scp', deniedBy: { layer: 'scp', policyName: 'p-1234' } })));
    expect(fix.blockedBy).toMatch(/organization's administrators/);
    expect(fix.steps).toEqual([]);
  });
});

describe('key state', () => {
  it('enables a disabled key', () => {
    const fix = only(propose(factsFor({ key: { state: 'Disabled', enabled: false } }), cause('key-disabled', ['kms:Decrypt'])));
    expect(fix.target).toEqual({ type: 'key-state', arn: keyArn });
    expect(fix.steps).toEqual([{ kind: 'enable-key', keyArn }]);
    expect(fix.commands).toEqual([`aws kms enable-key --key-id ${keyArn} --region us-east-1`]);
    expect(fix.files).toEqual([]);
  });

  it('cancels the deletion first and then enables the key, which KMS leaves disabled', () => {
    const fix = only(propose(factsFor({ key: { state: 'PendingDeletion', enabled: false, deletionDate: '2026-10-01T00:00:00Z' } }), cause('key-pending-deletion', ['kms:Decrypt'])));
    expect(fix.steps).toEqual([
      { kind: 'cancel-key-deletion', keyArn },
      { kind: 'enable-key', keyArn },
    ]);
    expect(fix.commands).toEqual([
      `aws kms cancel-key-deletion --key-id ${keyArn} --region us-east-1`,
      `aws kms enable-key --key-id ${keyArn} --region us-east-1`,
    ]);
    expect(fix.explanation).toContain('2026-10-01');
  });

  it('gives guidance without steps for key material and a missing key', () => {
    const pendingImport = only(propose(factsFor({ key: { state: 'PendingImport', origin: 'EXTERNAL' } }), cause('key-pending-import', ['kms:Decrypt'])));
    expect(pendingImport.blockedBy).toMatch(/import-key-material/);
    expect(pendingImport.steps).toEqual([]);
    const wrongRegion = only(propose(factsFor({ key: 'not-found', region: 'eu-west-1' }), cause('key-not-found', ['kms:Decrypt'])));
    expect(wrongRegion.blockedBy).toMatch(/names Region us-east-1 but the call was made in eu-west-1/);
    const byAlias = only(propose(factsFor({ key: 'not-found', keyInput: 'alias/shared' }), cause('key-not-found', ['kms:Decrypt'])));
    expect(byAlias.blockedBy).toMatch(/full key ARN/);
  });
});

describe('size limits', () => {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  /** A valid key policy that grows one principal at a time until its compact or pretty form is just under `target` bytes. */
  function largeKeyPolicy(target: number, form: 'compact' | 'pretty') {
    const principals: string[] = [];
    const document = () => policy(rootStatement, { Sid: 'ManyReaders', Effect: 'Allow', Principal: { AWS: principals }, Action: 'kms:DescribeKey', Resource: '*' });
    const size = () => bytes(form === 'compact' ? JSON.stringify(document()) : JSON.stringify(document(), null, 2));
    while (size() < target) principals.push(`arn:aws:iam::${account}:role/reader-${String(principals.length).padStart(5, '0')}`);
    principals.pop();
    return document();
  }

  it('blocks a key-policy fix that would pass 32 KB, with the sizes', () => {
    const compactNearLimit = largeKeyPolicy(policySizeLimits.keyPolicyBytes - 40, 'compact');
    expect(bytes(JSON.stringify(compactNearLimit))).toBeGreaterThan(policySizeLimits.keyPolicyBytes - 100);
    expect(bytes(JSON.stringify(compactNearLimit))).toBeLessThanOrEqual(policySizeLimits.keyPolicyBytes);
    const fix = only(propose(factsFor({ keyPolicy: compactNearLimit }), cause('key-policy-no-iam-delegation', ['kms:Decrypt'])));
    expect(fix.blockedBy).toMatch(/would be \d+ bytes, over KMS's limit of 32768 bytes/);
    expect(fix.steps).toEqual([]);
    expect(fix.commands).toEqual([]);
    expect(fix.files).toEqual([]);
    expect(fix.diff).toContain('AllowAppRoleUseOfKey');
  });

  it('writes the key policy without whitespace when only the pretty-printed form is too big', () => {
    const prettyNearLimit = largeKeyPolicy(policySizeLimits.keyPolicyBytes - 40, 'pretty');
    const fix = only(propose(factsFor({ keyPolicy: prettyNearLimit }), cause('key-policy-no-iam-delegation', ['kms:Decrypt'])));
    expect(fix.blockedBy).toBeUndefined();
    expect(bytes(fix.after ?? '')).toBeGreaterThan(policySizeLimits.keyPolicyBytes);
    expect(fix.files[0]?.content).toBe(`${JSON.stringify(afterDocument(fix))}\n`);
    expect(fix.notes?.join(' ')).toMatch(/without whitespace/);
  });

  it('blocks an inline policy that would take a user past 2,048 characters', () => {
    const big = inline('big', policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 70 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }));
    const bigSize = big.text.replace(/\s/g, '').length;
    expect(bigSize).toBeGreaterThan(1900);
    expect(bigSize).toBeLessThanOrEqual(policySizeLimits.userInlineCharacters);
    const fix = only(propose(factsFor({ principal: user('alice'), policies: [big] }), cause('identity-policy-missing-actions', ['kms:Decrypt'])));
    expect(fix.blockedBy).toMatch(/would total \d+ characters without whitespace \(this policy \d+, the others \d+\), over IAM's limit of 2048 for a user/);
    expect(fix.steps).toEqual([]);
  });
});

describe('several fixes on one document', () => {
  it('chains them: each starts from the previous one\'s result, with its own file', () => {
    const facts = factsFor({ operation: 'ec2:RunInstances', keyPolicy: policy(adminStatement) });
    const [use, grant] = propose(
      facts,
      cause('key-policy-no-iam-delegation', ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom']),
      cause('grant-creation-denied', ['kms:CreateGrant'], { layer: 'key-policy' }),
    );
    expect(grant!.before).toBe(use!.after);
    expect(statementsIn(grant!.after).map((s) => s.Sid)).toEqual(['Allow administration of the key', 'AllowAppRoleUseOfKey', 'AllowAppRoleGrantsForAwsResources']);
    expect(use!.files[0]?.path).toBe(keyPolicyFile);
    expect(grant!.files[0]?.path).toBe('kms-doctor-key-policy-1234abcd-2.json');
  });
});

describe('the least-privilege check itself', () => {
  const fixWith = (target: Fix['target'], statement: object): Fix => ({
    cause: 'identity-policy-missing-actions',
    title: 't',
    explanation: 'e',
    target,
    before: '',
    after: JSON.stringify(policy(statement), null, 2),
    commands: [],
    files: [],
    steps: [],
  });
  const identityTarget: Fix['target'] = { type: 'identity-policy', arn: roleArn, policyName: 'p', principalKind: 'role' };
  const keyTarget: Fix['target'] = { type: 'key-policy', arn: keyArn, policyName: 'default' };

  it('fails kms:* for a broad principal and Resource "*" in an identity policy', () => {
    expect(leastPrivilegeProblems(fixWith(keyTarget, { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }))).toEqual([
      'wildcard action kms:*',
      'broad or session principal *',
    ]);
    expect(leastPrivilegeProblems(fixWith(keyTarget, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:Decrypt', Resource: '*' }))).toHaveLength(1);
    expect(leastPrivilegeProblems(fixWith(identityTarget, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }))).toEqual(['identity resource *']);
    expect(leastPrivilegeProblems(fixWith(identityTarget, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-east-1:${account}:alias/app` }))).toHaveLength(1);
    expect(leastPrivilegeProblems(fixWith(identityTarget, { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }))).toEqual([]);
  });
});

describe('diff view', () => {
  const before = JSON.stringify({ a: 1 }, null, 2);
  const after = JSON.stringify({ a: 1, b: 2 }, null, 2);

  it('names both sides after the label and is empty when nothing changed', () => {
    const diff = unifiedDiff(before, after, 'key-policy');
    expect(diff).toBe('--- key-policy (before)\n+++ key-policy (after)\n@@ -1,3 +1,4 @@\n {\n-  "a": 1\n+  "a": 1,\n+  "b": 2\n }\n');
    expect(unifiedDiff(before, before, 'key-policy')).toBe('');
    expect(unifiedDiff('', after, 'new')).toContain('@@ -0,0 +1,4 @@');
  });

  it('colours additions, removals and hunk headers, and leaves the plain variant alone', () => {
    const diff = unifiedDiff(before, after, 'key-policy');
    const coloured = colorizeDiff(diff);
    expect(coloured).toContain('\u001b[32m+  "b": 2\u001b[0m');
    expect(coloured).toContain('\u001b[31m-  "a": 1\u001b[0m');
    expect(coloured).toContain('\u001b[36m@@ -1,3 +1,4 @@\u001b[0m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(diff);
    expect(renderDiff(diff, { color: false })).toBe(diff);
    expect(diffLines(diff).map((l) => l.kind)).toEqual(['file-header', 'file-header', 'hunk-header', 'context', 'removed', 'added', 'added', 'context']);
  });
});
