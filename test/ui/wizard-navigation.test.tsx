// Moving around the wizard: back one step at a time (Esc and ←), the help overlay, quitting (at once
// before anything was written, after a question once something was), and the typed confirmation.
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosisContext } from '../../machines/diagnosis-machine.js';
import { keys, press, type, waitForFrame, waitForFrameWithout } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

describe('wizard navigation', () => {
  it('goes back one step with Esc or ←, from the steps to the start and from the fix to the verdict', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'key-disabled');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Same account, or across accounts?');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'Who is asking, and for which key?');
    await press(harness, keys.enter, keys.enter);
    await waitForFrame(harness, 'Is the key usable?');
    await press(harness, keys.left);
    await waitForFrame(harness, 'Same account, or across accounts?');
    await press(harness, keys.left, keys.left);
    const review = await waitForFrame(harness, 'Ready to diagnose');
    expect(review).toContain('Key:       alias/batch-exports');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');

    // And forward again, to the fix, then back to the verdict, which is derived again.
    await press(harness, keys.down, keys.down, keys.enter);
    await waitForFrame(harness, 'Training scenarios');
    for (let i = 0; i < 3; i += 1) await press(harness, keys.down);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Enter start the diagnosis');
    await press(harness, keys.enter);
    await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.escape);
    const verdict = await waitForFrame(harness, 'Enter plan the fix');
    expect(verdict).toContain('✘ key-disabled');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'nothing is written until you confirm');
  });

  it('shows the help overlay with ? and closes it with ? or Esc; in a text field ? is just typed', async () => {
    const { harness } = renderWizard({ input: { credentialsFound: true } });
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, '?');
    const help = await waitForFrame(harness, 'Keys');
    expect(help).toContain('Esc, ←');
    expect(help).toContain('back one step');
    expect(help).toContain('quit (asks first once something was changed)');
    await press(harness, '?');
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, '?');
    await waitForFrame(harness, 'Keys');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    // The operation, then the key question: a text field.
    await press(harness, keys.down, keys.enter);
    await waitForFrame(harness, 'Which operation failed?');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Which KMS key?');
    await press(harness, 'alias/what?');
    const typed = await waitForFrame(harness, 'alias/what?');
    expect(typed).not.toContain('Keys\n');
    await press(harness, keys.enter);
    await waitForFrame(harness, "'alias/what?' is not a key ID");
    await press(harness, keys.escape);
    await waitForFrame(harness, 'Which operation failed?');
  });

  it('filters the operation list as letters are typed: q, g and Esc belong to the filter while it is typed', async () => {
    let answered: DiagnosisContext | undefined;
    const { harness } = renderWizard({ onExit: (context) => (answered = context) });
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, keys.down, keys.enter);
    await waitForFrame(harness, 'Which operation failed?');
    await press(harness, 'd', 'e', 'c', 'r');
    const filtered = await waitForFrame(harness, 'Filter: decr');
    expect(filtered).toContain('1 of 38');
    expect(filtered).toContain('❯ Direct KMS call: Decrypt');
    // q and g are text now: no quitting, no glossary.
    await press(harness, 'q', 'g');
    await waitForFrame(harness, 'nothing matches');
    expect(harness.lastFrame()).not.toContain('Glossary');
    await press(harness, keys.backspace, keys.backspace);
    await waitForFrame(harness, '1 of 38');
    // Esc clears the filter and stays; the next Esc goes back.
    await press(harness, keys.escape);
    const cleared = await waitForFrameWithout(harness, 'Filter:');
    expect(cleared).toContain('Which operation failed?');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    // '/' starts a filter with a letter that is a wizard key (g); Enter chooses the match.
    await press(harness, keys.down, keys.enter);
    await waitForFrame(harness, 'Which operation failed?');
    await press(harness, '/', 'g', 'e', 't', 'k');
    await waitForFrame(harness, '❯ Direct KMS call: GetKeyPolicy');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Which KMS key?');
    await press(harness, keys.ctrlC);
    await harness.exited();
    expect(answered?.answers.operation).toBe('GetKeyPolicy');
  });

  it('chooses with number keys: the second way to start, the third operation shown', async () => {
    let answered: DiagnosisContext | undefined;
    const { harness } = renderWizard({ onExit: (context) => (answered = context) });
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, keys.escape);
    await waitForFrame(harness, 'How do you want to start?');
    await press(harness, '2');
    await waitForFrame(harness, 'Which operation failed?');
    await press(harness, '3');
    await waitForFrame(harness, 'Which KMS key?');
    await press(harness, keys.ctrlC);
    await harness.exited();
    expect(answered?.answers.operation).toBe('ec2:CopySnapshot');
  });

  it('quits with q at once while nothing was written', async () => {
    const { harness } = renderWizard();
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, 'q');
    await harness.exited();
  });

  it('asks for yes, not y; once something was written, q asks before quitting', async () => {
    const { harness } = renderWizard();
    await openScenario(harness, 'key-disabled');
    await walkToVerdict(harness);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await type(harness, 'y');
    await waitForFrame(harness, "Only 'yes' applies the change");
    await type(harness, 'yes');
    await waitForFrame(harness, 'Fixed and verified');
    await press(harness, 'q');
    const question = await waitForFrame(harness, 'Quit now?');
    expect(question).toContain('Changes were written to the sandbox in this session.');
    await press(harness, 'n');
    await waitForFrameWithout(harness, 'Quit now?');
    await press(harness, 'q');
    await waitForFrame(harness, 'Quit now?');
    await press(harness, 'y');
    await harness.exited();
  });
});
