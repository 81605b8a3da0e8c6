// The wizard's --context KEY=VALUE, like check's: a condition-key value kms-doctor cannot read decides
// a verdict that without it stays condition-unknown. Driven through the real wizard on a training sandbox.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runWizardCommand } from '../../src/wizard-command.js';
import { UsageError } from '../../src/usage-error.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';
import { keys, press, waitForFrame } from './ink-helpers.js';
import type { InkHarness } from './ink-helpers.js';

/** Enter through the steps to the verdict; an undetermined verdict has no "plan the fix", so walkToVerdict's wait does not fit. */
async function walkToUndetermined(harness: InkHarness): Promise<string> {
  for (let step = 1, presses = 0; step < 7 && presses < 6; presses += 1) {
    await press(harness, keys.enter);
    // Wait for the step's data (its "See it yourself" command, or the verdict), not just its frame: an Enter
    // pressed while a step is still loading is not a CONTINUE.
    const frame = await waitForFrame(harness, new RegExp(`step [${step + 1}-7]/8[\\s\\S]*(See it yourself|condition-unknown)`));
    step = Number(/step (\d)\/8/.exec(frame)?.[1] ?? 7);
  }
  return waitForFrame(harness, /step 7\/8[\s\S]*condition-unknown/);
}

afterEach(cleanupWizards);

describe('wizard --context', () => {
  it('without it the source-IP guard is condition-unknown; with the address the verdict names the Deny', async () => {
    const plain = renderWizard({ rows: 60 });
    await openScenario(plain.harness, 'source-ip-perimeter');
    const unknown = await walkToUndetermined(plain.harness);
    expect(unknown).toContain('--context aws:SourceIp=VALUE');
    expect(unknown).not.toContain('✘ explicit-deny');
    await cleanupWizards();

    const given = renderWizard({ rows: 60, runtime: { givenContext: ['aws:SourceIp=127.0.0.1'] } });
    await openScenario(given.harness, 'source-ip-perimeter');
    await walkToVerdict(given.harness);
    const decided = await waitForFrame(given.harness, /step 7\/8[\s\S]*explicit-deny/);
    expect(decided).not.toContain('condition-unknown');
  });

  it('a malformed --context is a one-line usage error before any screen', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.ReadStream;
    const stdout = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
    const stderr = { write: () => true } as unknown as NodeJS.WriteStream;
    await expect(runWizardCommand(['--context', 'aws:SourceIp'], { stdin, stdout, stderr, env: {} })).rejects.toThrow(UsageError);
  });
});
