// A condition-key value kms-doctor cannot read (aws:SourceIp) decides the verdict: the wizard asks for it
// when the verdict hangs on it (the answer is evaluated like check's --context KEY=VALUE), or takes it
// from --context. Driven through the real wizard on the source-ip-perimeter training sandbox.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runWizardCommand } from '../../src/commands/wizard-command.js';
import { UsageError } from '../../src/usage-error.js';
import { cleanupWizards, openScenario, renderWizard, walkToVerdict } from './wizard-harness.js';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import type { InkHarness } from './ink-helpers.js';

/**
 * Enter through the steps to step 7 and wait for `until` there (the question, or a verdict without "plan
 * the fix"): walkToVerdict's wait does not fit either.
 */
async function walkToStep7(harness: InkHarness, until: RegExp): Promise<string> {
  for (let step = 1, presses = 0; step < 7 && presses < 6; presses += 1) {
    await press(harness, keys.enter);
    // Wait for the step's data (its "See it yourself" command, the verdict, or the question's field), not
    // just its frame: an Enter pressed while a step is still loading is not a CONTINUE.
    const frame = await waitForFrame(harness, new RegExp(`step [${step + 1}-7]/8[\\s\\S]*(See it yourself|condition-unknown|Ctrl-C quit)`));
    step = Number(/step (\d)\/8/.exec(frame)?.[1] ?? 7);
  }
  return waitForFrame(harness, until);
}

const question = /step 7\/8[\s\S]*What is aws:SourceIp in the failing call\?/;

afterEach(cleanupWizards);

describe('wizard --context', () => {
  it('without it, asks for aws:SourceIp; the build server\'s address (127.0.0.1) names the Deny', async () => {
    const { harness } = renderWizard({ rows: 60 });
    await openScenario(harness, 'source-ip-perimeter');
    const asked = await walkToStep7(harness, question);
    // The key, the statement that tests it, and the values that pass and fail, from the engine.
    expect(asked.replace(/\s+/g, ' ')).toContain('the Deny statement "OfficeNetworkOnly" in the key policy tests aws:SourceIp');
    expect(asked).toMatch(/Passes: 198\.51\.100\.\d+/);
    expect(asked).toMatch(/Refused: .*203\.0\.113\.7/);
    expect(asked).not.toContain('explicit-deny');
    await type(harness, '127.0.0.1');
    const decided = await waitForFrame(harness, /step 7\/8[\s\S]*explicit-deny/);
    expect(decided).not.toContain('condition-unknown');
    expect(decided).not.toContain('What is aws:SourceIp');
  });

  it('an office address lets the call through: the verdict is allowed', async () => {
    const { harness } = renderWizard({ rows: 60 });
    await openScenario(harness, 'source-ip-perimeter');
    await walkToStep7(harness, question);
    await type(harness, '198.51.100.20');
    const allowed = await waitForFrame(harness, /step 7\/8[\s\S]*ALLOWED/i);
    expect(allowed).not.toContain('explicit-deny');
    expect(allowed).not.toContain('condition-unknown');
  });

  it('Esc (not known) shows the undetermined verdict with the --context hint instead of the question', async () => {
    const { harness } = renderWizard({ rows: 60 });
    await openScenario(harness, 'source-ip-perimeter');
    await walkToStep7(harness, question);
    await press(harness, keys.escape);
    const unknown = await waitForFrame(harness, /step 7\/8[\s\S]*condition-unknown/);
    expect(unknown).toContain('--context aws:SourceIp=VALUE');
    expect(unknown).not.toContain('✘ explicit-deny');
    expect(unknown).not.toContain('What is aws:SourceIp');
  });

  it('given with --context, no question: the verdict names the Deny', async () => {
    const given = renderWizard({ rows: 60, runtime: { givenContext: ['aws:SourceIp=127.0.0.1'] } });
    await openScenario(given.harness, 'source-ip-perimeter');
    await walkToVerdict(given.harness);
    const decided = await waitForFrame(given.harness, /step 7\/8[\s\S]*explicit-deny/);
    expect(decided).not.toContain('condition-unknown');
    expect(decided).not.toContain('What is aws:SourceIp');
  });

  it('a malformed --context is a one-line usage error before any screen', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.ReadStream;
    const stdout = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
    const stderr = { write: () => true } as unknown as NodeJS.WriteStream;
    await expect(runWizardCommand(['--context', 'aws:SourceIp'], { stdin, stdout, stderr, env: {} })).rejects.toThrow(UsageError);
  });
});
