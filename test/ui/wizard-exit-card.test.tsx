// The card to keep: quitting after a finished diagnosis hands the last context to the CLI, which prints
// the card from it: cause and layer, the fix applied, backup and undo in the order that works, and the
// checklist commands with the profile of the account each runs in.
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosisContext } from '../../machines/diagnosis-machine.js';
import { exitCardLines } from '../../src/ui/exit-card.js';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

describe('the card to keep', () => {
  it('after fixing a key pending deletion: cause, fix, backup, undo in order, and the checklist', async () => {
    let last: DiagnosisContext | undefined;
    const { harness } = renderWizard({ onExit: (context) => (last = context) });
    await openScenario(harness, 'key-pending-deletion');
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await type(harness, 'yes');
    await waitForFrame(harness, 'Fixed and verified', { timeoutMs: 30_000 });
    await press(harness, 'q');
    await waitForFrame(harness, 'Quit now?');
    await press(harness, 'y');
    await harness.exited();
    const card = exitCardLines(last!).join('\n');
    expect(card).toContain('Cause: key-pending-deletion (layer: key-state)');
    expect(card).toContain('Fix: applied and verified');
    expect(card).toMatch(/Backup: \S+/);
    expect(card.indexOf('aws kms disable-key')).toBeGreaterThan(card.indexOf('Undo, in this order:'));
    expect(card.indexOf('aws kms disable-key')).toBeLessThan(card.indexOf('aws kms schedule-key-deletion'));
    expect(card).toMatch(/1\. The key's state\n {3}\$ aws kms describe-key .* --profile admin --endpoint-url http:\/\/127\.0\.0\.1:\d+/);
    expect(card).toContain('$ aws kms get-key-policy');
    expect(card).toContain('$ aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:user/payroll-app --action-names kms:GenerateDataKey');
    expect(card).toContain('$ aws kms list-grants');
  });

  it('quitting before any diagnosis leaves no card', async () => {
    let last: DiagnosisContext | undefined;
    const { harness } = renderWizard({ onExit: (context) => (last = context) });
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, 'q');
    await harness.exited();
    expect(exitCardLines(last!)).toEqual([]);
  });
});
