// The wizard on the training scenarios whose cause kms-doctor cannot read directly (issue 8 item 5): a
// session policy and a VPC endpoint policy, inferred from the error the failing call just got (what the
// story's team would paste); an AWS managed key of another account, from its manager read in the key's
// account; an operation KMS does not allow across accounts. The verdict names the cause with its
// evidence and the guidance, and never says the call is allowed.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupWizards, openScenario, renderWizard } from './wizard-harness.js';
import { keys, press, waitForFrame, type InkHarness } from './ink-helpers.js';

afterEach(cleanupWizards);

const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

const expected: Record<string, { readonly cause: string; readonly evidence: string; readonly fix: string }> = {
  'session-policy-scoped-down': { cause: 'session-policy', evidence: 'policy allows the kms:Decrypt action', fix: 'aws sts assume-role --role-arn arn:aws:iam::111122223333:role/ExportJobRole' },
  'vpc-endpoint-policy': { cause: 'vpc-endpoint-policy', evidence: 'VPC endpoint policy', fix: 'aws ec2 modify-vpc-endpoint' },
  'aws-managed-key-cross-account': { cause: 'aws-managed-key-cross-account', evidence: 'Key manager', fix: 'customer managed key' },
  'operation-not-cross-account': { cause: 'operation-not-cross-account', evidence: 'Account of the key', fix: 'aws kms get-key-policy' },
};

/**
 * Enter through the steps the tree shows to the verdict (step 7). A verdict whose every fix is guidance
 * has nothing to plan: its keys offer to run it again instead of "Enter plan the fix".
 */
async function walkToVerdict(harness: InkHarness): Promise<string> {
  let frame = '';
  for (let step = 1, presses = 0; step < 7 && presses < 6; presses += 1) {
    await press(harness, keys.enter);
    frame = await waitForFrame(harness, new RegExp(`step [${step + 1}-7]/8[\\s\\S]*(See it yourself|Enter plan the fix|r run it again)`));
    step = Number(/step (\d)\/8/.exec(frame)?.[1] ?? 7);
  }
  return frame;
}

describe('the wizard names the causes it infers', () => {
  for (const [scenario, want] of Object.entries(expected)) {
    it(scenario, async () => {
      const { harness } = renderWizard();
      await openScenario(harness, scenario);
      expect(await walkToVerdict(harness)).toMatch(/step 7\/8 · Verdict/);
      const verdict = flat(await waitForFrame(harness, `✘ ${want.cause}`));
      expect(verdict).not.toMatch(/\bALLOWED\b|is allowed/);
      expect(verdict).toContain(want.evidence);
      expect(verdict).toContain(want.fix);
    });
  }
});
