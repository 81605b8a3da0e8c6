// The paths issue 11 found trapping a user, walked with real key presses on the real wizard (the
// embedded sandbox behind the real AWS SDK): each must have a way forward or out.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startTrainingSandbox, type TrainingSandbox } from '../../src/live/training-sandbox.js';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

// Asynchronous: the embedded sandbox answers from this same process.
const run = promisify(execFile);

const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

/** A real AccessDenied from another account and key than any training scenario's. */
const realError =
  'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::999988887777:assumed-role/ReportsRole/job is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:999988887777:key/0a1b2c3d-1111-2222-3333-444455556666 because no identity-based policy allows the kms:Decrypt action';

describe('dead ends', () => {
  it('a pasted error after a training scenario is read afresh: not the scenario key, principal or sandbox', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'cross-account-one-side');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'Ready to diagnose');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Paste the error message');
    await type(harness, realError);
    const frame = flat(await waitForFrame(harness, /999988887777/));
    expect(frame).not.toContain('SANDBOX');
    expect(frame).not.toContain('56e21f24');
    expect(frame).not.toContain('PartnerRole');
    expect(frame).toContain('arn:aws:kms:eu-west-1:999988887777:key/0a1b2c3d-1111-2222-3333-444455556666');
  });

  it('with no credentials, a pasted error is explained from its text and its training scenario opens on Enter', async () => {
    const { harness } = renderWizard();
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Paste the error message');
    await type(
      harness,
      'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::444455556666:assumed-role/PartnerRole/nightly is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/56e21f24-7d3f-4d54-9a4b-686456f054a3 because no resource-based policy allows the kms:Decrypt action',
    );
    const explained = flat(await waitForFrame(harness, 'What the error says on its own'));
    expect(explained).toContain('The layer that said no: key policy');
    expect(explained).toContain('both sides must say yes');
    expect(explained).not.toContain('Stopped');
    expect(explained).toContain('Enter open that scenario');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Enter start the diagnosis');
    await press(harness, keys.enter);
    const step1 = await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    expect(step1).toContain('SANDBOX  cross-account-one-side');
  });

  it('with no credentials, a chosen operation stops at the answers with what to do, not on a failed read', async () => {
    const { harness } = renderWizard();
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.down, keys.enter);
    await waitForFrame(harness, /Decrypt/);
    await type(harness, 'Decrypt', { submit: false });
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Which KMS key?');
    await type(harness, 'alias/orders');
    await waitForFrame(harness, 'Whose access?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Ready to diagnose');
    await press(harness, keys.enter);
    const frame = flat(await waitForFrame(harness, 'No AWS credentials were found on this machine, so nothing can be read'));
    expect(frame).not.toContain('Stopped');
    // Esc leads back, all the way to the training scenarios.
    await press(harness, keys.escape, keys.escape, keys.escape, keys.escape, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
  });

  it('after the verified fix, Enter returns to the scenario list with the scenario marked done', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'key-disabled');
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await type(harness, 'yes');
    const finished = await waitForFrame(harness, 'Fixed and verified', { timeoutMs: 30_000 });
    expect(finished).toContain('Enter back to the scenarios');
    // The goal's other half, checked live: the outsider the scenario names is still refused.
    expect(finished.replace(/\s*\n\s*/g, ' ')).toContain('✔ Checked live: MarketingRole still cannot: a dry run as MarketingRole is refused for kms:Encrypt');
    await press(harness, keys.enter);
    const list = await waitForFrame(harness, 'Training scenarios');
    expect(list).toContain('✔ key-disabled');
    expect(list).not.toContain('SANDBOX');
  });

  it('the undo commands after fixing a key pending deletion are in an order that works: run as printed, they put the key back', async () => {
    let training: TrainingSandbox | undefined;
    const startTraining = async (scenario: string) => (training = await startTrainingSandbox(scenario));
    const { harness } = renderWizard({ runtime: { startTraining } });
    await openScenario(harness, 'key-pending-deletion');
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await type(harness, 'yes');
    const finished = await waitForFrame(harness, 'Fixed and verified', { timeoutMs: 30_000 });
    // The commands under "To undo the change:", each joined across its ` \` continuations.
    const undoText = finished.slice(finished.indexOf('To undo the change:')).split('\n').slice(1);
    const commands: string[] = [];
    let current = '';
    for (const line of undoText) {
      const text = line.trim();
      if (text.startsWith('$ ')) current = text.slice(2);
      else if (current !== '') current += ` ${text}`;
      else continue;
      if (current.endsWith('\\')) current = current.slice(0, -1).trimEnd();
      else {
        commands.push(current);
        current = '';
      }
    }
    expect(commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['aws kms disable-key', 'aws kms schedule-key-deletion']);
    const env = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', AWS_CONFIG_FILE: training!.info.configFile, AWS_SHARED_CREDENTIALS_FILE: training!.info.credentialsFile, AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' };
    for (const command of commands) await run('/bin/sh', ['-c', command], { env, timeout: 60_000 });
    const described = JSON.parse(
      (await run('/usr/bin/aws', ['kms', 'describe-key', '--key-id', 'alias/payroll-records', '--profile', training!.adminProfile, '--endpoint-url', training!.info.endpoint, '--region', training!.region, '--output', 'json'], { env, timeout: 60_000 })).stdout,
    ) as { KeyMetadata: { KeyState: string } };
    expect(described.KeyMetadata.KeyState).toBe('PendingDeletion');
  });

  it('cross account: the wizard reads the key with the key account profile it holds, and never asks to run again with --key-profile', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'cross-account-one-side');
    await press(harness, keys.enter, keys.enter);
    const keyState = flat(await waitForFrame(harness, /step 3\/8[\s\S]*See it yourself/));
    expect(keyState).toContain('The key is enabled');
    expect(keyState).not.toMatch(/state is unknown/);
    for (let step = 4; step <= 7; step += 1) {
      await press(harness, keys.enter);
      await waitForFrame(harness, new RegExp(`step ${step}/8[\\s\\S]*(See it yourself|Enter plan the fix)`));
    }
    const verdict = flat(harness.lastFrame());
    expect(verdict).toContain('cross-account-key-policy');
    expect(verdict).not.toContain('--key-profile PROFILE');
  });
});
