// The wizard shows data from AWS with its control characters escaped: a key-policy Sid holding an OSC
// (window title), a screen clear and the C1 CSI U+009B appears as \x1b…\x9b on the key policy screen,
// and the terminal never receives them.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { keys, press, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard } from './wizard-harness.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await cleanupWizards();
  await sandbox?.stop();
  sandbox = undefined;
});

const hostile = 'Admins\u001b]0;pwned\u0007\u001b[2J\u009b31m';

describe('the key policy screen', () => {
  it('shows a hostile Sid escaped', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';
    const key = sandbox.world.state.keys[keyArn]!;
    const policy = JSON.parse(key.policy) as { Statement: { Sid?: string }[] };
    policy.Statement[0]!.Sid = hostile;
    key.policy = JSON.stringify(policy);
    const { harness } = renderWizard({
      runtime: { connection: { profile: 'admin', endpointUrl: sandbox.endpoint }, env: cliEnv(sandbox), backupDir: `${sandbox.configDir}/backups` },
      input: { credentialsFound: true, answers: { operation: 'Decrypt', key: 'alias/orders-data', principal: 'arn:aws:iam::111122223333:role/AppRole' } },
      columns: 120,
    });
    await waitForFrame(harness, 'Ready to diagnose');
    await press(harness, keys.enter);
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    for (let step = 2; step <= 4; step += 1) {
      await press(harness, keys.enter);
      await waitForFrame(harness, new RegExp(`step ${step}/8[\\s\\S]*See it yourself`));
    }
    const frame = await waitForFrame(harness, '\\x9b31m');
    expect(frame).toContain('Admins\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m');
    expect(frame).not.toMatch(/[\u0007\u009b]|\u001b\]/);
  });
});
