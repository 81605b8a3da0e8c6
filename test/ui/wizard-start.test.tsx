// The other ways in, against a sandbox as if it were real AWS (credentials from profiles, given as
// flags): pasting the error AWS gave, answering what it leaves out, and flags that pre-fill the answers.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard, walkToVerdict } from './wizard-harness.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await cleanupWizards();
  await sandbox?.stop();
  sandbox = undefined;
});

const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

async function throughTheSteps(harness: Parameters<typeof press>[0]): Promise<void> {
  await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
  await walkToVerdict(harness);
}

describe('starting from a pasted error', () => {
  it('a multi-line error pasted in two reads (the start marker cut between them) does not submit until Enter', async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
    const { harness } = renderWizard({
      bracketedPaste: true,
      runtime: { connection: { profile: 'admin-b', keyProfile: 'admin', endpointUrl: sandbox.endpoint }, env: cliEnv(sandbox), backupDir: `${sandbox.configDir}/backups` },
      input: { credentialsFound: true },
    });
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'As the AWS CLI, an SDK or a service printed it');
    // The terminal wraps the paste in ESC[200~ … ESC[201~; the first read ends inside the start marker, the
    // second on the line break (and holds an ESC, which must not go back).
    await press(harness, '\u001b[20');
    await press(harness, '0~An error occurred (AccessDeniedException) when calling the Decrypt operation:\u001b\r\n');
    await press(harness, 'User: arn:aws:sts::444455556666:assumed-role/PartnerRole/nightly is not authorized to perform: kms:Decrypt on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access\u001b[201~');
    const pasted = flat(await waitForFrame(harness, 'explicitly denies access'));
    expect(pasted).toContain('Paste the error message');
    expect(pasted).not.toContain('does not read as');
    expect(pasted).toContain('Decrypt operation: User: arn:aws:sts');
    expect(pasted).not.toContain('[200~');
    expect(pasted).not.toContain('0~An error');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Which KMS key?');
  });

  it('cross account: reads the obscured message, asks for the key it does not name, and fixes the key policy with --key-profile', async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/56e21f24-7d3f-4d54-9a4b-686456f054a3';
    const { harness } = renderWizard({
      runtime: { connection: { profile: 'admin-b', keyProfile: 'admin', endpointUrl: sandbox.endpoint }, env: cliEnv(sandbox), backupDir: `${sandbox.configDir}/backups` },
      input: { credentialsFound: true },
    });
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Paste the error message');
    await type(harness, 'not an error at all');
    await waitForFrame(harness, 'does not read as an AWS KMS or access-denied error message');
    await type(
      harness,
      'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::444455556666:assumed-role/PartnerRole/nightly is not authorized to perform: kms:Decrypt on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access',
    );
    // The message names no key: that is asked; the principal it names is the default.
    await waitForFrame(harness, 'Which KMS key?');
    await type(harness, keyArn);
    const principal = flat(await waitForFrame(harness, /Whose access\?[\s\S]*you:\s+arn:aws:iam::444455556666:user\/admin-b/));
    expect(principal).toContain('arn:aws:sts::444455556666:assumed-role/PartnerRole/nightly');
    await press(harness, keys.enter);
    const review = flat(await waitForFrame(harness, 'Ready to diagnose'));
    expect(review).toContain('Operation: Decrypt');
    expect(review).toContain(`Key: ${keyArn}`);
    expect(review).toContain('Principal: arn:aws:sts::444455556666:assumed-role/PartnerRole/nightly');
    expect(review).toContain('the key-policy step is where to look first');
    await press(harness, keys.enter);

    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    await press(harness, keys.enter, keys.enter, keys.enter);
    expect(await waitForFrame(harness, /step 4\/8[\s\S]*See it yourself/)).toContain('The error you pasted blames this layer');
    await press(harness, keys.left, keys.left, keys.left);
    await throughTheSteps(harness);
    const verdict = flat(harness.lastFrame());
    expect(verdict).toContain('✘ cross-account-key-policy');
    await press(harness, keys.enter);
    const review2 = await waitForFrame(harness, 'nothing is written until you confirm');
    expect(review2).toMatch(/^\+.*444455556666/m);
    expect(flat(review2)).toContain('--profile admin --endpoint-url');
    await press(harness, keys.enter);
    const confirm = await waitForFrame(harness, 'Type yes to apply');
    expect(confirm).toContain('Apply this change to account 111122223333?');
    expect(confirm).toContain(keyArn);
    await type(harness, 'yes');
    const finished = flat(await waitForFrame(harness, /Fixed and verified|still denied|Not applied|propagating/, { timeoutMs: 30_000 }));
    expect(finished).toContain('Fixed and verified');
    expect(sandbox.world.state.keys[keyArn]!.policy).toContain('444455556666');
  });
});

describe('flags pre-fill the answers', () => {
  it('with --operation and --key given, the wizard opens on the summary and diagnoses the caller', async () => {
    sandbox = await startTestSandbox('key-disabled');
    const { harness } = renderWizard({
      runtime: { connection: { profile: 'admin', endpointUrl: sandbox.endpoint }, env: cliEnv(sandbox) },
      input: { credentialsFound: true, answers: { operation: 'Encrypt', key: 'alias/batch-exports' } },
    });
    const review = await waitForFrame(harness, 'Ready to diagnose');
    expect(review).toContain('Principal: you (the identity of your credentials)');
    await press(harness, keys.escape);
    const principal = await waitForFrame(harness, /Whose access\?[\s\S]*you:\s+arn:aws:iam::111122223333:user\/admin/);
    expect(principal).toContain('Leave it empty for');
    await press(harness, keys.escape);
    const key = await waitForFrame(harness, 'Which KMS key?');
    expect(key).toContain('alias/batch-exports');
    await press(harness, keys.enter, keys.enter);
    await waitForFrame(harness, 'Ready to diagnose');
    await press(harness, keys.enter);
    const identify = flat(await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/));
    expect(identify).toContain('admin (user in 111122223333) calls kms:Encrypt');
    expect(identify).not.toContain('SANDBOX');
  });
});
