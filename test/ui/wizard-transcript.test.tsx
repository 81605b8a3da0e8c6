// The wizard's --transcript: the last diagnosis as Markdown for a ticket, from the context the wizard
// ends with (the same one the card to keep is made from): the steps with their data and conclusions,
// the verdict, the fix's commands, what was applied with its backup and undo, and the verification.
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosisContext } from '../../machines/diagnosis-machine.js';
import { runWizardCommand } from '../../src/commands/wizard-command.js';
import { wizardTranscript } from '../../src/ui/wizard-transcript.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';

afterEach(cleanupWizards);

describe('the wizard transcript', () => {
  it('after fixing key-pending-deletion: steps, data, verdict, the fix, backup, undo in order, verification', async () => {
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
    const markdown = wizardTranscript(last!, new Date('2026-12-02T08:00:00Z'));
    expect(markdown).toMatch(/^# kms-doctor: \S+ — denied\n/);
    expect(markdown).toContain('- When: 2026-12-02T08:00:00.000Z');
    expect(markdown).toContain('- Principal: `arn:aws:iam::111122223333:user/payroll-app`');
    expect(markdown).toContain('Training scenario `key-pending-deletion`');
    // Each step with its data and its conclusion.
    expect(markdown).toMatch(/### Key state\n\nState: PendingDeletion \(deletion date [^)]+\)\n\nConclusion: /);
    for (const step of ['### Who and which key', '### Account boundary', '### Key policy', "### The principal's IAM policies", '### Grants']) expect(markdown).toContain(step);
    expect(markdown).toContain('1. **key-pending-deletion** (layer: key-state)');
    expect(markdown).toMatch(/## The fix\n\n### 1\. [^\n]+\n\n```sh\naws kms cancel-key-deletion/);
    expect(markdown).toMatch(/- Backup of step 1: `[^`]+`/);
    const undo = markdown.slice(markdown.indexOf('Undo, in this order:'));
    expect(undo.indexOf('aws kms disable-key')).toBeGreaterThan(0);
    expect(undo.indexOf('aws kms disable-key')).toBeLessThan(undo.indexOf('aws kms schedule-key-deletion'));
    expect(markdown).toMatch(/## Verification\n\n.*dry run as the principal/);
  });

  it('nothing diagnosed: no transcript', async () => {
    let last: DiagnosisContext | undefined;
    const { harness } = renderWizard({ onExit: (context) => (last = context) });
    await waitForFrame(harness, 'Training scenarios');
    await press(harness, 'q');
    await harness.exited();
    expect(wizardTranscript(last!)).toBe('');
  });

  it('refuses a --transcript FILE that is there already, before the wizard starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-wizard-transcript-'));
    try {
      const path = join(dir, 'ticket.md');
      writeFileSync(path, 'keep me');
      const tty = { isTTY: true } as unknown as NodeJS.ReadStream & NodeJS.WriteStream;
      await expect(runWizardCommand(['--transcript', path], { stdin: tty, stdout: tty, stderr: tty, env: {} })).rejects.toThrow(/--transcript .*ticket\.md: something is there already/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
