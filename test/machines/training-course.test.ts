// The training course in the pure machine: with `trainingCourse`, a question comes before the data of
// the key-state, key-policy and IAM steps and before the verdict; Enter (CONTINUE) does not skip it;
// the answer is judged against the same findings the screens show (and the verdict's first cause);
// going back does not ask again; a new run forgets the answers. Outside the course nothing is asked.
import { keyRef } from '../helpers/parsed-input.js';
import { describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { predictionScore } from '../../machines/diagnosis-context.js';
import { diagnosisMachine, verdictTag, type DiagnosisEvent, type EvaluateOutput, type IdentifyOutput } from '../../machines/diagnosis-machine.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';
import type { StepFindings } from '../../src/engine/step-findings.js';

type Snapshot = SnapshotFrom<typeof diagnosisMachine>;

const decrypt: DiagnosisRequest = { operation: findOperation('Decrypt')!, key: keyRef('alias/orders-data'), region: 'us-east-1' };
const identity: IdentifyOutput = {
  caller: { status: 'known', value: { arn: 'arn:aws:iam::111122223333:role/AppRole', accountId: '111122223333', userId: 'AROA' } },
  principal: { status: 'known', value: { arn: 'arn:aws:iam::111122223333:role/AppRole', entityArn: 'arn:aws:iam::111122223333:role/AppRole', kind: 'role', name: 'AppRole', accountId: '111122223333' } },
  key: { status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey', message: 'denied' },
};

/** no-iam-delegation's shape: usable key, a key policy that neither names the role nor delegates, IAM that would allow. */
const findings: StepFindings = {
  accountBoundary: { tone: 'ok', conclusion: 'same account', crossAccount: false },
  keyState: { tone: 'ok', conclusion: 'The key is enabled.', usable: true },
  keyPolicy: { tone: 'bad', conclusion: 'No statement lets AppRole decrypt.', read: true, statements: [], perAction: { 'kms:Decrypt': 'none' }, denies: false, delegatesToIam: false, namesPrincipal: false },
  identityPolicies: { tone: 'ok', conclusion: 'IAM allows kms:Decrypt.', read: true, policies: [], perAction: { 'kms:Decrypt': 'allows' }, iamRole: {}, counts: false },
  grants: { tone: 'ok', conclusion: '', read: true, grants: [], canDecide: false },
};
const result: EvaluateOutput = {
  diagnosis: { verdict: 'denied', operation: 'Decrypt', requiredActions: ['kms:Decrypt'], actionResults: [], causes: [{ code: 'key-policy-no-iam-delegation', layer: 'key-policy', summary: 'The key policy has no statement for the account.', actions: ['kms:Decrypt'], evidence: [] }], unverified: [], notes: [] },
  fixes: [],
};

const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output }) as unknown as DiagnosisEvent;
const name = (snapshot: Snapshot) => JSON.stringify(snapshot.value);

/** Walks to the verdict, answering each question from `answers` (by the state's name) and continuing past each step. */
function walk(trainingCourse: boolean, answers: Record<string, string>) {
  let snapshot = diagnosisMachine.resolveState({
    value: { identify: 'loading' },
    context: { interactive: true, credentialsFound: true, answers: {}, progress: [], request: decrypt, ...(trainingCourse ? { trainingCourse: true } : {}) },
  });
  const asked: string[] = [];
  const send = (event: DiagnosisEvent) => (snapshot = transition(diagnosisMachine, snapshot, event)[0]);
  for (let guard = 0; guard < 40 && !snapshot.hasTag(verdictTag); guard += 1) {
    const value = name(snapshot);
    if (value.includes('concluding')) send(done('findSteps', findings));
    else if (value.includes('"loading"') && value.includes('identify')) send(done('identify', identity));
    else if (value.includes('keyPolicy') && value.includes('loading')) send(done('readKeyPolicy', { status: 'known', value: { text: '{}', document: {} } }));
    else if (value.includes('identityPolicies') && value.includes('loading')) send(done('readIdentityPolicies', { principalPolicies: { status: 'known', value: { policies: [] } }, simulation: { status: 'skipped', why: 'fixture' } }));
    else if (value.includes('grants') && value.includes('loading')) send(done('readGrants', { status: 'known', value: [] }));
    else if (value === JSON.stringify('evaluating')) send(done('evaluate', result));
    else if (value.includes('predict')) {
      asked.push(value);
      // Enter on the question does not skip it.
      expect(name(transition(diagnosisMachine, snapshot, { type: 'CONTINUE' })[0])).toBe(value);
      send({ type: 'PREDICTED', answer: answers[value] ?? 'yes' });
    } else send({ type: 'CONTINUE' });
  }
  return { asked, final: snapshot };
}

describe('the training course in the machine', () => {
  it('asks before the key state, the key policy, IAM and the verdict, and judges against the findings', () => {
    const { asked, final } = walk(true, { [JSON.stringify({ keyPolicy: 'predict' })]: 'yes', [JSON.stringify('predictVerdict')]: 'key-policy' });
    expect(asked).toEqual([{ keyState: 'predict' }, { keyPolicy: 'predict' }, { identityPolicies: 'predict' }, 'predictVerdict'].map((v) => JSON.stringify(v)));
    const predictions = final.context.predictions!;
    expect(predictions.keyState).toMatchObject({ answer: 'yes', right: true, why: 'The key is enabled.' });
    expect(predictions.keyPolicy).toMatchObject({ answer: 'yes', expected: 'no', right: false, why: 'No statement lets AppRole decrypt.' });
    expect(predictions.identityPolicies).toMatchObject({ right: true });
    expect(predictions.verdict).toMatchObject({ answer: 'key-policy', right: true, expectedLabel: 'the key policy', why: 'The key policy has no statement for the account.' });
    expect(predictionScore(final.context)).toEqual({ right: 3, asked: 4 });
    expect(final.value).toEqual({ denied: 'keyPolicyNoIamDelegation' });
  });

  it('back from the verdict and on again: nothing is asked twice; RESTART forgets the answers', () => {
    const { final } = walk(true, {});
    let snapshot = transition(diagnosisMachine, final, { type: 'BACK' })[0];
    expect(name(snapshot)).not.toContain('predict');
    snapshot = transition(diagnosisMachine, snapshot, { type: 'CONTINUE' })[0];
    expect(name(snapshot)).toBe(JSON.stringify({ grants: 'loading' }));
    // A run started again (here from an allowed verdict) asks again.
    const allowed = diagnosisMachine.resolveState({ value: 'allowed', context: { ...final.context } });
    expect(allowed.context.predictions).toBeDefined();
    expect(transition(diagnosisMachine, allowed, { type: 'RESTART' })[0].context.predictions).toBeUndefined();
  });

  it('outside the course nothing is asked', () => {
    const { asked, final } = walk(false, {});
    expect(asked).toEqual([]);
    expect(final.context.predictions).toBeUndefined();
  });
});
