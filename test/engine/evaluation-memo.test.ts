// One check asks the simulator many identical questions (the verdict, then each fix's proof, each probing
// the conditional statements): src/engine/evaluation-memo.ts answers each distinct one once. The answers
// must be the ones a fresh evaluation gives, and any difference in the request must be a new evaluation.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.js';
import { EvaluationMemo } from '../../src/engine/evaluation-memo.js';
import type { DiagnosisFacts } from '../../src/engine/facts.js';
import { proposeProvenFixes } from '../../src/engine/fix-proposal.js';
import { evaluatePolicies, type EvaluationRequest, type NamedPolicy } from '../../src/engine/policy-evaluation.js';
import { account, adminStatement, factsFor, policy, rootStatement } from '../helpers/engine-facts.js';

async function check(facts: DiagnosisFacts, evaluations?: EvaluationMemo) {
  const evaluate = (changed: DiagnosisFacts) => diagnose(changed, evaluations ? { evaluations } : {});
  const diagnosis = await evaluate(facts);
  return { diagnosis, ...(await proposeProvenFixes(facts, diagnosis, evaluate)) };
}

describe('identical evaluations within one check', () => {
  it('are done once, with the same diagnosis and fixes (key-policy statements whose conditions fail, and the fix proved)', async () => {
    const viaService = (n: number) => ({ Sid: `Via${n}`, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/App` }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `s${n}.us-east-1.amazonaws.com` } } });
    const facts = factsFor({ keyPolicy: policy(adminStatement, viaService(1), viaService(2)) });
    const memo = new EvaluationMemo();
    const remembered = await check(facts, memo);
    expect(remembered.diagnosis.causes.map((c) => c.code)).toEqual(['condition-not-met']);
    expect(remembered).toEqual(await check(facts));
    expect(memo.evaluated).toBeGreaterThan(0);
    expect(memo.evaluated).toBeLessThan(memo.asked);
  });

  it('probes a key policy of many conditional statements for others once, not once per statement', async () => {
    // 30 statements that would allow other roles under a condition; the role itself has no IAM policy.
    const others = Array.from({ length: 30 }, (_, n) => ({
      Sid: `Other${n}`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:role/Other${n}` },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `s3.us-east-1.amazonaws.com` } },
    }));
    const facts = factsFor({ keyPolicy: policy(rootStatement, adminStatement, ...others) });
    const memo = new EvaluationMemo();
    const { diagnosis } = await check(facts, memo);
    expect(diagnosis.causes.map((c) => c.code)).toEqual(['identity-policy-missing-actions']);
    expect(memo.evaluated).toBeLessThan(others.length);
  });

  it('evaluates again whenever anything in the request differs, and not when only the objects do', async () => {
    let evaluated = 0;
    const evaluate = (request: EvaluationRequest) => {
      evaluated += 1;
      return evaluatePolicies(request);
    };
    const memo = new EvaluationMemo();
    const keyPolicy = () => ({ name: 'default', document: JSON.parse(JSON.stringify(policy(rootStatement))) });
    const request = (changes: Partial<EvaluationRequest> = {}): EvaluationRequest => ({
      principalArn: 'arn:aws:iam::111122223333:role/App',
      action: 'kms:Decrypt',
      resourceArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      resourceAccount: '111122223333',
      context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/App' },
      identityPolicies: [{ name: 'inline', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] } }],
      resourcePolicy: keyPolicy(),
      ...changes,
    });
    const first = await memo.outcome(request(), evaluate);
    expect(first.decision).toBe('Allowed');
    // Equal documents in other objects: the same question.
    expect(await memo.outcome(request(), evaluate)).toBe(first);
    expect(evaluated).toBe(1);
    await memo.outcome(request({ action: 'kms:Encrypt' }), evaluate);
    await memo.outcome(request({ context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Other' } }), evaluate);
    await memo.outcome(request({ principalArn: 'arn:aws:iam::111122223333:role/Other' }), evaluate);
    const denied = await memo.outcome(request({ identityPolicies: [] }), evaluate);
    expect(denied.decision).toBe('ImplicitlyDenied');
    const withoutRoot = await memo.outcome(request({ resourcePolicy: { name: 'default', document: policy(adminStatement) } }), evaluate);
    expect(withoutRoot.decision).not.toBe('Allowed');
    expect(evaluated).toBe(6);
    expect(memo.asked).toBe(7);
  });
  it('answers from the evaluation before a change the request cannot see, and evaluates again for one it can', async () => {
    let evaluated = 0;
    const evaluate = (request: EvaluationRequest) => {
      evaluated += 1;
      return evaluatePolicies(request);
    };
    const memo = new EvaluationMemo();
    const role = 'arn:aws:iam::111122223333:role/App';
    const encrypt = { Sid: 'Encrypt', Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' };
    const request = (identity: object[], key: object[], action = 'kms:Encrypt', added: NamedPolicy[] = []): EvaluationRequest => ({
      principalArn: role,
      action,
      resourceArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      resourceAccount: '111122223333',
      context: { 'aws:PrincipalArn': role },
      identityPolicies: [{ name: 'inline', document: policy(...identity) }, { name: 'read-only', document: policy({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) }, ...added],
      resourcePolicy: { name: 'default', document: policy(...key) },
    });
    const before = request([encrypt], [rootStatement]);
    const outcome = await memo.outcome(before, evaluate);
    expect(outcome.decision).toBe('Allowed');
    // A fix that adds kms:Decrypt to the role's policy, and a key-policy statement for another account's role:
    // neither can apply to Encrypt by this role, so the outcome is the one before.
    const decryptAdded = [encrypt, { Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }];
    const otherAccount = { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::444455556666:role/App' }, Action: 'kms:*', Resource: '*' };
    const after = request(decryptAdded, [rootStatement, otherAccount]);
    expect(await memo.outcome(after, evaluate)).toBe(outcome);
    expect(await evaluatePolicies(after)).toEqual(outcome);
    // So is a new policy none of whose statements can apply (a fix's own inline policy for Decrypt).
    const newPolicy = request([encrypt], [rootStatement], 'kms:Encrypt', [{ name: 'kms-doctor-decrypt', document: policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) }]);
    expect(await memo.outcome(newPolicy, evaluate)).toBe(outcome);
    expect(await evaluatePolicies(newPolicy, { prefilter: false })).toEqual(outcome);
    expect(evaluated).toBe(1);
    // Each of these can apply: a new evaluation each, with the outcome a fresh one gives.
    for (const changed of [
      request([encrypt], [rootStatement], 'kms:Decrypt'),
      request(decryptAdded, [rootStatement], 'kms:Decrypt'),
      request([encrypt, { Effect: 'Deny', Action: 'kms:Enc*', Resource: '*' }], [rootStatement]),
      request([encrypt], [{ ...otherAccount, Principal: { AWS: role } }, rootStatement]),
      request([{ ...encrypt, Sid: 'Renamed' }], [rootStatement]),
      request([encrypt], [rootStatement], 'kms:Encrypt', [{ name: 'kms-doctor-deny', document: policy({ Effect: 'Deny', Action: 'kms:*', Resource: '*' }) }]),
    ]) {
      expect(await memo.outcome(changed, evaluate)).toEqual(await evaluatePolicies(changed, { prefilter: false }));
    }
    expect(evaluated).toBe(7);
  });
});
