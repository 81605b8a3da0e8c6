// The wizard on the training scenarios of issue 8's last four cause families, with the real actors (AWS
// SDK → embedded sandbox): the verdict shows the cause, its evidence and its fix. Three of them are known
// only from the error the scenario's call got live (a ciphertext made with another context or key, a
// grant not in effect yet): the wizard weighs that error as a pasted one. recreated-role's fix is then
// applied and verified, and the goal's outsider checked, like every policy-writing scenario.
import { afterEach, describe, expect, it } from 'vitest';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

/** Frames wrap at 80 columns: compare text with line breaks as spaces. */
const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

const guidanceScenarios: Record<string, { readonly cause: string; readonly evidence: readonly string[]; readonly fix: string }> = {
  'invoice-context-mismatch': {
    cause: '✘ encryption-context-mismatch (request)',
    evidence: ['AWS answered: InvalidCiphertextException', 'Encryption context of the request'],
    fix: 'Decrypt with exactly the encryption context used to encrypt',
  },
  'rotated-alias-decrypt': {
    cause: '✘ incorrect-key (request)',
    evidence: ['AWS answered: IncorrectKeyException', 'Key named in the request: alias/reports'],
    fix: 'Decrypt naming no key, or the key that encrypted the data',
  },
  'new-grant-deploy': {
    cause: '✘ grant-recently-created (grant)',
    evidence: ['Grant created', 'AWS reported: AccessDeniedException'],
    fix: 'Pass the grant token of grant',
  },
};

describe('the wizard on the causes known only from the error', () => {
  for (const [scenario, expected] of Object.entries(guidanceScenarios)) {
    it(`${scenario}: the verdict names the cause with its evidence and the guidance`, async () => {
      const { harness } = renderWizard();
      await openScenario(harness, scenario);
      await walkToVerdict(harness);
      const verdict = flat(await waitForFrame(harness, 'Enter plan the fix'));
      expect(verdict).toContain(expected.cause);
      for (const line of expected.evidence) expect(verdict).toContain(line);
      expect(verdict).toContain(expected.fix);
      if (expected.cause.endsWith('(request)')) expect(verdict).toContain('Denied by the request itself (not a permission)');
    });
  }
});

describe('the wizard on recreated-role', () => {
  it('names the stale unique ID, shows the one-statement change, applies it and verifies it', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'recreated-role');
    await walkToVerdict(harness);
    const verdict = flat(await waitForFrame(harness, 'Enter plan the fix'));
    expect(verdict).toContain('✘ principal-recreated (key-policy)');
    expect(verdict).toContain('AROAZB3EXAMPLE7OLDID1');
    expect(verdict).toContain("ReportRole's unique ID today: AROA");
    expect(verdict).toContain('Name role ReportRole by its ARN again in the policy of key');

    await press(harness, keys.enter);
    const review = await waitForFrame(harness, 'nothing is written until you confirm');
    expect(review).toMatch(/^- +"AWS": "AROAZB3EXAMPLE7OLDID1"/m);
    expect(review).toMatch(/^\+ +"AWS": "arn:aws:iam::111122223333:role\/ReportRole"/m);

    await press(harness, keys.enter);
    const confirm = flat(await waitForFrame(harness, 'Type yes to apply'));
    expect(confirm).toContain('put-key-policy on');
    await type(harness, 'yes');
    const finished = flat(await waitForFrame(harness, /Fixed and verified|still denied|Not applied|propagating|stopped/, { timeoutMs: 30_000 }));
    expect(finished).toContain('✔ Fixed and verified');
    expect(finished).toContain('AuditRole still cannot');
    // The undo puts back an equivalent of the old policy (KMS refuses the deleted role's ID): the screen says so.
    expect(finished).toMatch(/To undo the change:[\s\S]*put-key-policy[\s\S]*unique ID/);

    // Run again: the error the call got before the fix no longer describes the sandbox, so it is not weighed.
    await press(harness, 'r');
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    // An allowed run's steps end on a verdict without a fix to plan: Enter until it shows.
    for (let i = 0; i < 40 && !/step 7\/8[\s\S]*(Allowed|Denied|Could not decide)/.test(harness.lastFrame()); i += 1) {
      await press(harness, keys.enter);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const again = flat(await waitForFrame(harness, /step 7\/8[\s\S]*(Allowed|Denied|Could not decide)/));
    expect(again).toContain('Allowed: ReportRole may kms:Decrypt with this key now');
  });
});
