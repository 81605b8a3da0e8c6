// When the endpoint stops answering: while a step reads, the failed screen says what happened and
// offers retry (and quit); before an apply, nothing is written and AWS is left as it was.
import { afterEach, describe, expect, it } from 'vitest';
import { startTrainingSandbox, type TrainingSandbox } from '../../src/live/training-sandbox.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await cleanupWizards();
  await sandbox?.stop();
  sandbox = undefined;
});

describe('the endpoint stops answering', () => {
  it('while a step loads: the failed screen says so and offers retry and quit; nothing was written', async () => {
    let training: TrainingSandbox | undefined;
    // Slow answers, so the key policy read is still under way when the server goes.
    const startTraining = async (scenario: string) => (training = await startTrainingSandbox(scenario, { latencyMs: 400 }));
    const { harness } = renderWizard({ runtime: { startTraining } });
    await openScenario(harness, 'no-iam-delegation');
    await press(harness, keys.enter, keys.enter);
    await waitForFrame(harness, 'Is the key usable?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Reading the key policy (kms:GetKeyPolicy)');
    await training!.stop();

    const failed = await waitForFrame(harness, 'Stopped while reading the key policy', { timeoutMs: 30_000 });
    expect(failed).toContain('kms:GetKeyPolicy: could not reach');
    expect(failed).toContain('The endpoint did not answer');
    expect(failed).toContain('Nothing was changed in AWS.');
    expect(failed).toContain('r retry · Enter continue without it · q quit');

    // Retrying reads again (and fails again: the server is gone).
    await press(harness, 'r');
    await waitForFrame(harness, 'Reading the key policy');
    await waitForFrame(harness, 'Stopped while reading the key policy', { timeoutMs: 30_000 });
    // Nothing was applied, so q quits without asking.
    await press(harness, 'q');
    await harness.exited();
  });

  it('right before applying: the change is not applied and AWS is left as it was', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';
    const policyBefore = sandbox.world.state.keys[keyArn]!.policy;
    expect(policyBefore).toContain('Statement');
    const { harness } = renderWizard({
      runtime: { connection: { profile: 'admin', endpointUrl: sandbox.endpoint }, env: cliEnv(sandbox), backupDir: `${sandbox.configDir}/backups` },
      input: { credentialsFound: true, answers: { operation: 'Decrypt', key: 'alias/orders-data', principal: 'arn:aws:iam::111122223333:role/AppRole' } },
    });
    await waitForFrame(harness, 'Ready to diagnose');
    await press(harness, keys.enter);
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await sandbox.running.close();
    await type(harness, 'yes');

    const finished = await waitForFrame(harness, /Not applied|Applying stopped/, { timeoutMs: 30_000 });
    expect(finished).toContain('Not applied: everything was put back');
    expect(finished).toMatch(/Step 1 failed: .*No earlier step had been written/s);
    expect(finished).not.toContain('Backups taken');
    expect(sandbox.world.state.keys[keyArn]!.policy).toBe(policyBefore);
  });
});
