// The statement pre-filter (src/engine/statement-prefilter.ts) must change no outcome: every
// evaluation with it gives what the full evaluation gives — decision, denials, and the statements each
// layer names, with their indexes in the document as written — on every playbook scenario's policies,
// on the big account's, and on generated policies mixing Action, NotAction, wildcards, case and
// principals of this and other accounts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaleScenario } from '../../bench/scale-scenario.js';
import { evaluatePolicies, type EvaluationRequest, type NamedPolicy } from '../../src/engine/policy-evaluation.js';
import { actionPatternMayMatch, statementsThatMayApply } from '../../src/engine/statement-prefilter.js';

const actions = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:CreateGrant',
  'kms:DescribeKey',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
];

/** Evaluates the request without and with the pre-filter; returns both outcomes and whether any statement was left out. */
async function bothWays(request: EvaluationRequest) {
  const full = await evaluatePolicies(request, { prefilter: false });
  // The full evaluation validated the documents: this one is given them filtered.
  const filtered = await evaluatePolicies(request);
  const documents = [request.resourcePolicy, ...request.identityPolicies].filter((p): p is NamedPolicy => p !== undefined);
  const callerAccount = /::(\d{12}):/.exec(request.principalArn)?.[1];
  const leftOut = documents.some((p) => statementsThatMayApply(p.document, request.action, p === request.resourcePolicy ? callerAccount : undefined) !== undefined);
  return { full, filtered, leftOut };
}

describe('actionPatternMayMatch', () => {
  it('matches as IAM does: wildcards, ? and any case', () => {
    for (const pattern of ['*', 'kms:*', 'kms:Decrypt', 'KMS:DECRYPT', 'kms:de*', 'kms:?ecrypt', 'kms:*crypt', 'kms:D*t']) expect(actionPatternMayMatch(pattern, 'kms:Decrypt'), pattern).toBe(true);
  });

  it('rules out another action or service', () => {
    for (const pattern of ['kms:Encrypt', 'kms:Decrypt?', 's3:*', 's3:Decrypt', 'kms:Gen*', 'kms:?crypt']) expect(actionPatternMayMatch(pattern, 'kms:Decrypt'), pattern).toBe(false);
  });

  it('keeps what it cannot read: no service, a wildcard service, other characters, not a string', () => {
    for (const pattern of ['Decrypt', 'km*:Decrypt', 'kms:De.rypt', 'kms:(Encrypt)', 42]) expect(actionPatternMayMatch(pattern, 'kms:Decrypt'), String(pattern)).toBe(true);
  });
});

describe('statementsThatMayApply', () => {
  const account = '111122223333';
  it('keeps NotAction statements, NotPrincipal ones, wildcard principals and this account\'s principals', () => {
    const document = {
      Statement: [
        { Effect: 'Allow', NotAction: 'kms:Decrypt', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Resource: '*' },
        { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:role/App' }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::999988887777:root', `arn:aws:iam::${account}:role/App`] }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*' },
      ],
    };
    expect(statementsThatMayApply(document, 'kms:Decrypt', account)?.kept).toEqual([0, 1, 2, 3, 4]);
    // Without the caller's account (an identity policy), only the action decides.
    expect(statementsThatMayApply(document, 'kms:Decrypt')?.kept).toEqual([0, 1, 2, 3, 4, 5]);
    expect(statementsThatMayApply({ Statement: document.Statement.slice(0, 5) }, 'kms:Decrypt', account)).toBeUndefined();
  });
});

interface ScenarioPrincipal {
  readonly name: string;
  readonly account?: string;
  readonly inlinePolicies?: Record<string, unknown>;
  readonly attachedPolicies?: string[];
}
interface ScenarioFile {
  readonly accounts?: { id: string }[];
  readonly users?: ScenarioPrincipal[];
  readonly roles?: ScenarioPrincipal[];
  readonly managedPolicies?: { name: string; document: unknown }[];
  readonly keys?: { account?: string; keyId: string; policy?: unknown }[];
}

/** Every key × principal × action of a scenario, each evaluated with and without the pre-filter. */
async function compareScenario(scenario: ScenarioFile): Promise<{ compared: number; filtered: number }> {
  const defaultAccount = scenario.accounts?.[0]?.id ?? '111122223333';
  const managed = new Map((scenario.managedPolicies ?? []).map((p) => [p.name, p.document]));
  const principals = [
    ...(scenario.users ?? []).map((p) => ({ ...p, arn: `arn:aws:iam::${p.account ?? defaultAccount}:user/${p.name}` })),
    ...(scenario.roles ?? []).map((p) => ({ ...p, arn: `arn:aws:sts::${p.account ?? defaultAccount}:assumed-role/${p.name}/session` })),
    { name: 'outsider', arn: 'arn:aws:iam::999988887777:role/outsider', inlinePolicies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] } } },
  ];
  let compared = 0;
  let filtered = 0;
  for (const key of scenario.keys ?? []) {
    if (key.policy === undefined) continue;
    const keyAccount = key.account ?? defaultAccount;
    for (const principal of principals) {
      const identityPolicies: NamedPolicy[] = [
        ...Object.entries(principal.inlinePolicies ?? {}).map(([name, document]) => ({ name, document })),
        ...(principal.attachedPolicies ?? []).flatMap((name) => (managed.has(name) ? [{ name, document: managed.get(name) }] : [])),
      ];
      const callerAccount = /::(\d{12}):/.exec(principal.arn)![1]!;
      for (const action of actions) {
        const { full, filtered: outcome, leftOut } = await bothWays({
          principalArn: principal.arn,
          action,
          resourceArn: `arn:aws:kms:us-east-1:${keyAccount}:key/${key.keyId}`,
          resourceAccount: keyAccount,
          context: { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': callerAccount, 'kms:CallerAccount': callerAccount },
          identityPolicies,
          resourcePolicy: { name: 'default', document: key.policy },
        });
        expect(outcome, `${principal.arn} ${action}`).toEqual(full);
        compared += 1;
        if (leftOut) filtered += 1;
      }
    }
  }
  return { compared, filtered };
}

describe('the pre-filter changes no outcome', () => {
  it('on every playbook scenario\'s key policies and identity policies', async () => {
    const directory = join(import.meta.dirname, '../../scenarios');
    let compared = 0;
    let filtered = 0;
    for (const file of readdirSync(directory).filter((f) => f.endsWith('.json'))) {
      const counts = await compareScenario(JSON.parse(readFileSync(join(directory, file), 'utf8')) as ScenarioFile);
      compared += counts.compared;
      filtered += counts.filtered;
    }
    expect(compared).toBeGreaterThan(500);
    expect(filtered).toBeGreaterThan(100);
  });

  it('on the big account (61 key-policy statements, 20 managed policies)', async () => {
    const { compared, filtered } = await compareScenario(scaleScenario(3) as ScenarioFile);
    expect(compared).toBeGreaterThan(0);
    expect(filtered).toBe(compared);
  });

  it('on generated policies with NotAction, wildcards, case and principals of both accounts', async () => {
    const account = '111122223333';
    const other = '444455556666';
    // A fixed pseudo-random sequence: the same policies on every run.
    let seed = 12;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const actionPatterns = ['*', 'kms:*', 'kms:Decrypt', 'KMS:decrypt', 'kms:De*', 'kms:?ncrypt', 'kms:Gen*', 'kms:Describe*', 's3:*', 'kms:*Key*', ['kms:Encrypt', 's3:GetObject'], ['kms:Create*', 'kms:Put*']];
    const principals = [
      '*',
      { AWS: '*' },
      { AWS: `arn:aws:iam::${account}:root` },
      { AWS: `arn:aws:iam::${other}:root` },
      { AWS: account },
      { AWS: other },
      { AWS: `arn:aws:iam::${account}:role/App` },
      { AWS: `arn:aws:iam::${other}:role/App` },
      { AWS: [`arn:aws:iam::${other}:role/App`, `arn:aws:sts::${other}:assumed-role/App/s1`] },
      { AWS: [`arn:aws:iam::${other}:root`, `arn:aws:iam::${account}:user/alice`] },
      { AWS: `arn:aws:iam::${other}:role/*` },
      { Service: 'logs.amazonaws.com' },
    ];
    const callers = [`arn:aws:sts::${account}:assumed-role/App/s1`, `arn:aws:iam::${account}:user/alice`, `arn:aws:sts::${other}:assumed-role/App/s1`, `arn:aws:iam::${other}:user/bob`];
    let compared = 0;
    let filtered = 0;
    for (let round = 0; round < 40; round++) {
      const statement = (resource: boolean) => {
        const notAction = next() < 0.2;
        const notPrincipal = resource && next() < 0.1;
        const principal = pick(principals);
        return {
          Effect: next() < 0.25 ? 'Deny' : 'Allow',
          ...(notAction ? { NotAction: pick(actionPatterns) } : { Action: pick(actionPatterns) }),
          ...(resource ? (notPrincipal && principal !== '*' ? { NotPrincipal: principal } : { Principal: principal }) : {}),
          Resource: '*',
          ...(next() < 0.3 ? { Condition: { StringEquals: { 'kms:CallerAccount': pick([account, other]) } } } : {}),
        };
      };
      const keyPolicy = { Version: '2012-10-17', Statement: Array.from({ length: 4 + Math.floor(next() * 8) }, () => statement(true)) };
      const identity = { Version: '2012-10-17', Statement: Array.from({ length: 1 + Math.floor(next() * 4) }, () => statement(false)) };
      const caller = pick(callers);
      const callerAccount = /::(\d{12}):/.exec(caller)![1]!;
      for (const action of actions) {
        const { full, filtered: outcome, leftOut } = await bothWays({
          principalArn: caller,
          action,
          resourceArn: `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          resourceAccount: account,
          context: { 'aws:PrincipalArn': caller, 'aws:PrincipalAccount': callerAccount, 'kms:CallerAccount': callerAccount },
          identityPolicies: [{ name: 'generated', document: identity }],
          resourcePolicy: { name: 'default', document: keyPolicy },
        });
        expect(outcome, `round ${round}, ${caller}, ${action}: ${JSON.stringify({ keyPolicy, identity })}`).toEqual(full);
        compared += 1;
        if (leftOut) filtered += 1;
      }
    }
    expect(filtered).toBeGreaterThan(compared / 2);
  });
});
