// The glossary: `g` opens it on any screen and Esc closes it; and every term the screens show — marks,
// IAM simulator decisions, condition keys, exception names — is defined in it. The screens are walked
// for real (embedded sandbox, real SDK) and every frame they drew is searched.
import { afterEach, describe, expect, it } from 'vitest';
import { defines } from '../../src/ui/glossary.js';
import { keys, press, waitForFrame, waitForFrameWithout } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

/** Terms a newcomer cannot guess, as they appear on screen. */
function termsIn(text: string): Set<string> {
  const terms = new Set<string>();
  for (const mark of text.match(/[✔✘•↪]/g) ?? []) terms.add(mark);
  for (const decision of text.match(/\b(?:implicitDeny|explicitDeny)\b/g) ?? []) terms.add(decision);
  for (const exception of text.match(/\b[A-Z][A-Za-z]+Exception\b/g) ?? []) terms.add(exception);
  // Condition keys (kms:ViaService), not actions (kms:Decrypt): actions are verbs KMS's API names.
  // (A word cut with … at the edge of a line is not a term.)
  for (const key of text.match(/\b(?:kms|aws):[A-Z][A-Za-z]+\b(?!…)/g) ?? []) {
    if (/^kms:(?:Decrypt|Encrypt|GenerateDataKey\w*|ReEncrypt\w*|CreateGrant|DescribeKey|GetKeyPolicy|PutKeyPolicy|ListGrants|RevokeGrant|RetireGrant|EnableKey|DisableKey|CancelKeyDeletion|ScheduleKeyDeletion|ListAliases|ListResourceTags|Sign|Verify|GenerateMac|VerifyMac|GetPublicKey|GenerateRandom)$/.test(key)) continue;
    terms.add(key);
  }
  return terms;
}

describe('glossary', () => {
  it('g opens the glossary on a step, with the marks and terms; Esc closes it', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'ebs-grant-denied');
    await press(harness, 'g');
    const shown = await waitForFrame(harness, 'Glossary');
    expect(shown).toContain('implicitDeny');
    expect(shown).toContain('↪');
    await press(harness, keys.escape);
    await waitForFrameWithout(harness, 'Glossary');
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
  });

  it.each(['ebs-grant-denied', 'missing-kms-actions', 'key-pending-deletion'])('every term the screens of %s show is in the glossary', async (scenario) => {
    const { harness } = renderWizard();
    await openScenario(harness, scenario);
    await press(harness, 'd');
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    const seen = termsIn(harness.stdout.frames.join('\n'));
    expect(seen.size).toBeGreaterThan(2);
    expect([...seen].filter((term) => !defines(term))).toEqual([]);
  });
});
