// The wizard's "pick the failure from CloudTrail", against a sandbox as if it were real AWS: the
// scenario's failing call is made first (real aws CLI, as the principal in trouble, through S3's
// endpoint path), the sandbox's CloudTrail records it, the picker lists it, and choosing it leads the
// diagnosis to the right cause.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';
import { keys, press, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard, walkToVerdict } from './wizard-harness.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await cleanupWizards();
  await sandbox?.stop();
  sandbox = undefined;
});

const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

describe('pick the failure from CloudTrail', () => {
  it('lists the refused call (time, principal, operation, key, error) and diagnoses it to its cause', async () => {
    sandbox = await startTestSandbox('missing-kms-actions');
    const target = { endpoint: sandbox.endpoint, configFile: sandbox.configFile, credentialsFile: sandbox.credentialsFile };
    const training = sandbox.world.state.training!;
    await runTrainingCall(target, training.call, await cliIdentity(target, sandbox.world.state, training.principal));

    const { harness } = renderWizard({
      runtime: { connection: { profile: 'admin', endpointUrl: sandbox.endpoint }, env: cliEnv(sandbox), backupDir: `${sandbox.configDir}/backups` },
      input: { credentialsFound: true },
    });
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.down, keys.down, keys.down);
    await waitForFrame(harness, '❯ Pick the failure from CloudTrail');
    await press(harness, keys.enter);
    const list = flat(await waitForFrame(harness, /❯ \d{4}-\d\d-\d\d/));
    expect(list).toMatch(/UploaderRole\/\S+ +GenerateDataKey +key\/fb837266-fee2-4efc-a86a-4dde75ace1c2 +AccessDenied/);
    await press(harness, keys.enter);
    // The event pre-fills key, operation (the S3 upload it was made for) and principal: Enter accepts each.
    await waitForFrame(harness, 'Which KMS key?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Whose access?');
    await press(harness, keys.enter);
    const review = flat(await waitForFrame(harness, 'Ready to diagnose'));
    expect(review).toContain('Operation: s3:PutObject');
    expect(review).toContain('Key: arn:aws:kms:us-east-1:111122223333:key/fb837266-fee2-4efc-a86a-4dde75ace1c2');
    expect(review).toMatch(/Principal: arn:aws:sts::111122223333:assumed-role\/UploaderRole\//);
    await press(harness, keys.enter);
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    await walkToVerdict(harness);
    expect(flat(harness.lastFrame())).toContain('✘ identity-policy-missing-actions');
  });
});
