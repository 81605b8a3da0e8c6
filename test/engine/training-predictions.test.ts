// The training course's expected answers come from the step findings and the verdict of the real
// scenarios: written out here from each scenario's story (what a KMS engineer would answer), so a
// finding that drifted would make a trainee's right answer count as wrong.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.js';
import { findSteps } from '../../src/engine/step-findings.js';
import { judgePrediction, predictionFor, verdictChoices, type PredictionStep } from '../../src/engine/training-predictions.js';
import { loadScenario } from '../../src/sandbox/scenario.js';
import { factsFromState, optionsFromState } from '../helpers/facts-from-state.js';

async function answersFor(name: string) {
  const state = await loadScenario(name);
  const facts = factsFromState(state, state.training);
  const options = optionsFromState(state, state.training);
  const [findings, diagnosis] = await Promise.all([findSteps(facts, options), diagnose(facts, options)]);
  const layer = diagnosis.causes[0]?.layer;
  const steps: PredictionStep[] = ['keyState', 'keyPolicy', 'identityPolicies', 'verdict'];
  return Object.fromEntries(steps.map((step) => [step, predictionFor(step, findings, layer)?.expected]));
}

describe('training predictions: the expected answers', () => {
  it('no-iam-delegation: the key is usable, the key policy does not let the role go on, IAM alone would allow, the key policy says no', async () => {
    expect(await answersFor('no-iam-delegation')).toEqual({ keyState: 'yes', keyPolicy: 'no', identityPolicies: 'yes', verdict: 'key-policy' });
  });

  it('missing-kms-actions: the key policy delegates, IAM does not allow every action the upload needs, IAM says no', async () => {
    expect(await answersFor('missing-kms-actions')).toEqual({ keyState: 'yes', keyPolicy: 'yes', identityPolicies: 'no', verdict: 'identity' });
  });

  it("key-disabled: the key is not usable, and the verdict blames the key's state", async () => {
    const answers = await answersFor('key-disabled');
    expect(answers['keyState']).toBe('no');
    expect(answers['verdict']).toBe('key-state');
  });

  it('asks nothing a finding cannot settle: no key policy read, no verdict question on an allowed request', () => {
    expect(predictionFor('keyPolicy', {})).toBeUndefined();
    expect(predictionFor('identityPolicies', {})).toBeUndefined();
    expect(predictionFor('keyState', { keyState: { tone: 'warn', conclusion: 'unknown' } })).toBeUndefined();
    expect(predictionFor('verdict', {}, undefined)).toBeUndefined();
  });

  it('judges an answer and names the expected choice in words', () => {
    const question = predictionFor('verdict', {}, 'permissions-boundary')!;
    expect(question.choices).toBe(verdictChoices);
    expect(judgePrediction(question, 'identity')).toEqual({ right: true, expectedLabel: "the principal's IAM policies (or its permissions boundary)" });
    expect(judgePrediction(question, 'key-policy').right).toBe(false);
    expect(question.hint).not.toMatch(/IAM policies \(or/);
  });
});
