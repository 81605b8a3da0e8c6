// Step findings never contradict the verdict: every built-in scenario, plus policy variations generated
// from them (conditional denies that hold and that do not, a key policy that delegates, names the
// principal or neither, identity denies, grants with the wrong operations or constraints), is diagnosed
// and each step's finding is checked against diagnose(). The three contradictions the wizard used to
// show (issue 9) are spelled out as their own tests too.
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/engine/cause.js';
import { diagnose, type DiagnoseOptions } from '../../src/engine/diagnose.js';
import type { DiagnosisFacts, GrantFacts } from '../../src/engine/facts.js';
import { findSteps, type StepFindings } from '../../src/engine/step-findings.js';
import { builtInScenarios, loadScenario } from '../../src/sandbox/scenario.js';
import { factsFromState, optionsFromState } from '../helpers/facts-from-state.js';

interface Case {
  readonly name: string;
  readonly facts: DiagnosisFacts;
  readonly options: DiagnoseOptions;
}

const causeActions = (diagnosis: Diagnosis, code: string, layer?: string) =>
  diagnosis.causes.filter((c) => c.code === code && (layer === undefined || c.layer === layer)).flatMap((c) => c.actions);

/** Every way a step finding could contradict the verdict; returns the contradictions found. */
function contradictions(diagnosis: Diagnosis, findings: StepFindings): string[] {
  const found: string[] = [];
  const result = (action: string) => diagnosis.actionResults.find((r) => r.action === action);
  const { accountBoundary, keyState, keyPolicy, identityPolicies, grants } = findings;
  const codes = diagnosis.causes.map((c) => c.code);
  // Account boundary
  if (codes.includes('cross-account-key-policy') && accountBoundary?.crossAccount !== true) found.push('cross-account cause, but the boundary says same account');
  if (codes.includes('key-policy-no-iam-delegation') && accountBoundary?.crossAccount !== false) found.push('same-account cause, but the boundary says cross account');
  // Key state
  const stateCause = diagnosis.causes.some((c) => c.layer === 'key-state');
  if (stateCause !== (keyState?.usable === false)) found.push(`key-state cause ${stateCause}, but the key-state finding says usable=${keyState?.usable}`);
  for (const action of diagnosis.requiredActions) {
    const decision = result(action);
    // Key policy
    const kp = keyPolicy?.perAction[action];
    if (kp === 'denies' && decision?.decision !== 'denied') found.push(`key policy finding denies ${action}, the verdict says ${decision?.decision}`);
    if (kp === 'denies' && !causeActions(diagnosis, 'explicit-deny', 'key-policy').includes(action)) found.push(`key policy finding denies ${action} without an explicit-deny cause`);
    if (causeActions(diagnosis, 'explicit-deny', 'key-policy').includes(action) && kp !== 'denies') found.push(`explicit deny in the key policy for ${action}, the finding says ${kp}`);
    if ([...causeActions(diagnosis, 'key-policy-no-iam-delegation'), ...causeActions(diagnosis, 'cross-account-key-policy')].includes(action) && kp !== 'none') {
      found.push(`the verdict says the key policy does not allow ${action}, the finding says ${kp}`);
    }
    if (kp === 'none' && decision?.decision === 'allowed' && decision.allowedBy !== 'grant') found.push(`key policy allows nothing for ${action}, yet the policies allow it`);
    // IAM policies
    const role = identityPolicies?.iamRole[action];
    const iam = identityPolicies?.perAction[action];
    if (iam === 'denies' && role !== 'cannot-help' && decision?.decision !== 'denied') found.push(`IAM finding denies ${action}, the verdict says ${decision?.decision}`);
    const missing = [...causeActions(diagnosis, 'identity-policy-missing-actions'), ...causeActions(diagnosis, 'cross-account-identity-policy')];
    if (missing.includes(action) && (role === 'not-needed' || iam === 'allows')) found.push(`the verdict says IAM must allow ${action}, the finding says role=${role} effect=${iam}`);
    if (identityPolicies?.read && role === 'needed' && iam === 'allows' && missing.includes(action)) found.push(`IAM finding allows ${action}, the verdict says it is missing`);
    if (role === 'needed' && iam !== 'allows' && iam !== undefined && decision?.decision === 'allowed' && decision.allowedBy === 'policies') {
      found.push(`IAM finding says ${action} is needed and not allowed, yet the policies allow it`);
    }
    if (role === 'cannot-help' && identityPolicies?.tone === 'ok' && identityPolicies.conclusion.includes('allow') && !identityPolicies.conclusion.includes('not needed')) {
      found.push(`IAM finding claims an allow while the key policy makes IAM irrelevant for ${action}`);
    }
    // Grants
    if (decision?.allowedBy === 'grant' && !grants?.grants.some((g) => g.allows.includes(action))) found.push(`${action} is allowed by a grant the grants finding does not name`);
  }
  if (grants?.read && grants.canDecide && grants.tone === 'ok' && diagnosis.verdict === 'denied' && !diagnosis.causes.some((c) => c.layer !== 'key-policy' && c.layer !== 'identity-policy')) {
    const covered = diagnosis.requiredActions.every((a) => result(a)?.decision === 'allowed');
    if (!covered) found.push('grants finding says a grant makes up for the policies, yet the verdict is denied');
  }
  // Every layer together
  if (diagnosis.verdict === 'allowed' && diagnosis.actionResults.every((r) => r.allowedBy === 'policies')) {
    for (const [step, finding] of Object.entries(findings)) if (finding?.tone === 'bad') found.push(`the verdict allows, yet the ${step} finding is bad: ${finding.conclusion}`);
  }
  if (identityPolicies && !identityPolicies.counts && identityPolicies.tone === 'ok' && !identityPolicies.conclusion.includes('not needed')) found.push('IAM finding does not count, yet concludes ok');
  return found;
}

async function check(c: Case) {
  const diagnosis = await diagnose(c.facts, c.options);
  const findings = await findSteps(c.facts, c.options);
  return { diagnosis, findings, problems: contradictions(diagnosis, findings) };
}

// ---------------------------------------------------------------------------------------------------
// Variations

type Statement = Record<string, unknown>;

function withKeyPolicy(facts: DiagnosisFacts, change: (statements: Statement[]) => Statement[]): DiagnosisFacts {
  if (facts.keyPolicy.status !== 'known') return facts;
  const document = facts.keyPolicy.value.document as { Statement: Statement | Statement[] };
  const statements = change(Array.isArray(document.Statement) ? [...document.Statement] : [document.Statement]);
  const next = { ...document, Statement: statements };
  return { ...facts, keyPolicy: { status: 'known', value: { text: JSON.stringify(next), document: next } } };
}

function withIdentityPolicy(facts: DiagnosisFacts, name: string, statements: Statement[]): DiagnosisFacts {
  if (facts.principalPolicies.status !== 'known') return facts;
  const document = { Version: '2012-10-17', Statement: statements };
  const policies = [...facts.principalPolicies.value.policies, { name, kind: 'inline' as const, text: JSON.stringify(document), document }];
  return { ...facts, principalPolicies: { status: 'known', value: { ...facts.principalPolicies.value, policies } } };
}

function withGrant(facts: DiagnosisFacts, grant: Omit<GrantFacts, 'grantId'>): DiagnosisFacts {
  if (facts.grants.status !== 'known') return facts;
  return { ...facts, grants: { status: 'known', value: [...facts.grants.value, { grantId: `grant-${facts.grants.value.length + 1}`, ...grant }] } };
}

const accountOf = (facts: DiagnosisFacts) => (facts.principal.status === 'known' ? facts.principal.value.accountId : '000000000000');
const entityOf = (facts: DiagnosisFacts) => (facts.principal.status === 'known' ? facts.principal.value.entityArn : '');
const actionsOf = (facts: DiagnosisFacts) => facts.request.operation.actions;
const grantOps = (facts: DiagnosisFacts) => actionsOf(facts).map((a) => a.replace(/^kms:/, ''));

const variations: readonly { readonly name: string; readonly apply: (facts: DiagnosisFacts) => DiagnosisFacts }[] = [
  {
    name: 'Deny kms:* unless the principal is in the own account (does not hold)',
    apply: (f) => withKeyPolicy(f, (s) => [...s, { Sid: 'OnlyOwnAccount', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': accountOf(f) } } }]),
  },
  {
    name: 'Deny kms:* for the own account (holds)',
    apply: (f) => withKeyPolicy(f, (s) => [...s, { Sid: 'DenyOwnAccount', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': accountOf(f) } } }]),
  },
  { name: 'root statement added', apply: (f) => withKeyPolicy(f, (s) => [...s, { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountOf(f)}:root` }, Action: 'kms:*', Resource: '*' }]) },
  { name: 'principal named directly', apply: (f) => withKeyPolicy(f, (s) => [...s, { Sid: 'Direct', Effect: 'Allow', Principal: { AWS: entityOf(f) }, Action: actionsOf(f), Resource: '*' }]) },
  { name: 'key policy with no statement for the principal', apply: (f) => withKeyPolicy(f, () => [{ Sid: 'Admins', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:role/Admin' }, Action: 'kms:*', Resource: '*' }]) },
  { name: 'IAM Deny when called through a service (does not hold)', apply: (f) => withIdentityPolicy(f, 'NoServiceUse', [{ Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:ViaAWSService': 'true' } } }]) },
  { name: 'IAM Deny of the required actions', apply: (f) => withIdentityPolicy(f, 'DenyAll', [{ Effect: 'Deny', Action: actionsOf(f), Resource: '*' }]) },
  { name: 'IAM allows the required actions', apply: (f) => withIdentityPolicy(f, 'AllowKey', [{ Effect: 'Allow', Action: actionsOf(f), Resource: '*' }]) },
  { name: 'grant with other operations', apply: (f) => withGrant(f, { granteePrincipal: entityOf(f), operations: ['Sign'] }) },
  { name: 'grant with a constraint the request does not meet', apply: (f) => withGrant(f, { granteePrincipal: entityOf(f), operations: grantOps(f), constraints: { encryptionContextEquals: { never: 'matches' } } }) },
  { name: 'grant for the principal', apply: (f) => withGrant(f, { granteePrincipal: entityOf(f), operations: grantOps(f) }) },
];

const scenarioCases: Case[] = await Promise.all(
  builtInScenarios().map(async ({ name }) => {
    const state = await loadScenario(name);
    if (!state.training) return undefined;
    return { name, facts: factsFromState(state, state.training), options: optionsFromState(state, state.training) };
  }),
).then((cases) => cases.filter((c): c is Case => c !== undefined));

describe('step findings agree with the verdict', () => {
  it('has scenarios to check', () => {
    expect(scenarioCases.length).toBeGreaterThanOrEqual(6);
  });

  for (const c of scenarioCases) {
    it(`${c.name}, as built`, async () => {
      const { problems, findings } = await check(c);
      expect(problems).toEqual([]);
      expect(findings.keyPolicy).toBeDefined();
    });
    it(`${c.name}, with every generated variation (and pairs)`, async () => {
      const all: string[] = [];
      for (const [i, first] of variations.entries()) {
        const once = { ...c, facts: first.apply(c.facts) };
        all.push(...(await check(once)).problems.map((p) => `${first.name}: ${p}`));
        const second = variations[(i + 3) % variations.length]!;
        const twice = { ...c, facts: second.apply(once.facts) };
        all.push(...(await check(twice)).problems.map((p) => `${first.name} + ${second.name}: ${p}`));
      }
      expect(all).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------------------
// The contradictions the wizard showed before (issue 9), one by one.

const base = scenarioCases.find((c) => c.name === 'missing-kms-actions') ?? scenarioCases[0]!;

describe('the contradictions issue 9 names', () => {
  it('a key policy Deny whose condition does not hold (aws:PrincipalAccount != own) is not shown as refusing', async () => {
    const facts = variations[2]!.apply(variations[7]!.apply(variations[0]!.apply(base.facts)));
    const { diagnosis, findings, problems } = await check({ ...base, facts });
    expect(diagnosis.verdict).toBe('allowed');
    expect(problems).toEqual([]);
    const deny = findings.keyPolicy!.statements.find((s) => s.statement.sid === 'OnlyOwnAccount')!;
    expect(deny.effect).toBe('none');
    expect(deny.why).toContain('conditions do not hold');
    expect(findings.keyPolicy!.tone).toBe('ok');
  });

  it('an IAM Deny conditioned on aws:ViaAWSService is not shown as refusing a direct call, and is through S3', async () => {
    const { viaService: _through, ...direct } = base.facts.request.operation;
    const facts = variations[2]!.apply(variations[7]!.apply(variations[5]!.apply({ ...base.facts, request: { ...base.facts.request, operation: direct } })));
    const { diagnosis, findings, problems } = await check({ ...base, facts });
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.verdict).toBe('allowed');
    expect(problems).toEqual([]);
    expect(findings.identityPolicies!.policies.find((p) => p.name === 'NoServiceUse')!.statements).toEqual([]);
    expect(findings.identityPolicies!.tone).toBe('ok');

    const throughS3 = await check({ ...base, facts: variations[2]!.apply(variations[7]!.apply(variations[5]!.apply(base.facts))) });
    expect(throughS3.diagnosis.verdict).toBe('denied');
    expect(throughS3.problems).toEqual([]);
    expect(throughS3.findings.identityPolicies!.policies.find((p) => p.name === 'NoServiceUse')!.statements.map((s) => s.effect)).toEqual(['denies']);
    expect(throughS3.findings.identityPolicies!.tone).toBe('bad');
  });

  it('a grant for the principal with the wrong operations or an unmet constraint allows nothing', async () => {
    const facts = variations[9]!.apply(variations[8]!.apply(base.facts));
    const { findings, problems } = await check({ ...base, facts });
    expect(problems).toEqual([]);
    const [wrongOperations, unmet] = findings.grants!.grants.slice(-2);
    expect(wrongOperations!.allows).toEqual([]);
    expect(wrongOperations!.why).toContain('but not for');
    expect(unmet!.allows).toEqual([]);
    expect(unmet!.why).toContain('encryption-context constraint does not match');
  });

  it('IAM is shown as not counting when the key policy neither delegates nor names the principal', async () => {
    const facts = variations[7]!.apply(variations[4]!.apply(base.facts));
    const { diagnosis, findings, problems } = await check({ ...base, facts });
    expect(diagnosis.verdict).toBe('denied');
    expect(problems).toEqual([]);
    expect(findings.keyPolicy!.next).toContain('IAM policies do not count');
    expect(findings.identityPolicies!.counts).toBe(false);
    expect(findings.identityPolicies!.tone).toBe('warn');
    expect(findings.identityPolicies!.conclusion).toContain('do not count');
  });
});

describe('the wordings issue 11 corrected', () => {
  it('the same-account boundary says IAM must allow too when the key policy delegates', async () => {
    const { findings } = await check(base);
    expect(findings.accountBoundary!.crossAccount).toBe(false);
    expect(findings.accountBoundary!.conclusion).toContain('IAM policies must allow the key too');
    expect(findings.accountBoundary!.conclusion).not.toContain('one yes');
  });

  it('a disabled key names DisabledException and CloudTrail before enabling it', async () => {
    const disabled = scenarioCases.find((c) => c.name === 'key-disabled')!;
    const { findings } = await check(disabled);
    expect(findings.keyState!.usable).toBe(false);
    expect(findings.keyState!.conclusion).toContain('DisabledException');
    expect(findings.keyState!.conclusion).toContain('CloudTrail');
  });

  it('a key pending deletion names KMSInvalidStateException', async () => {
    const pending = scenarioCases.find((c) => c.name === 'key-pending-deletion')!;
    const { findings } = await check(pending);
    expect(findings.keyState!.conclusion).toContain('KMSInvalidStateException');
  });
});

describe('a key policy naming a deleted principal', () => {
  it("recreated-role: the key-policy step names the stale unique ID where ReportRole's ARN should be", async () => {
    const recreated = scenarioCases.find((c) => c.name === 'recreated-role')!;
    const { findings } = await check(recreated);
    expect(findings.keyPolicy!.tone).toBe('bad');
    expect(findings.keyPolicy!.conclusion).toContain("names AROAZB3EXAMPLE7OLDID1, the unique ID of a deleted principal, not ReportRole's ARN");
  });
});
