// `kms-doctor train`, the built program (dist/kms-doctor.mjs) in a real pseudo-terminal (tmux, 100x40)
// on a fresh machine (empty HOME, no AWS_* variables, the metadata service off, its own
// XDG_STATE_HOME): real key presses walk key-disabled through the course — a prediction before the
// key's state and before the verdict, the fix verified, the score — back to the list with the done
// mark, and the progress file is left behind. And the wizard with --transcript FILE leaves its
// Markdown behind after a walk to the verified fix.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrainingProgress } from '../../src/files/training-progress.js';
import { programInTmux } from '../helpers/tmux.js';

const terminal = programInTmux('train');
const { screen, waitForScreen, keys } = terminal;
let stateHome: string;

beforeAll(() => {
  stateHome = mkdtempSync(join(tmpdir(), 'kms-doctor-state-'));
});

afterAll(() => {
  rmSync(stateHome, { recursive: true, force: true });
});

describe('kms-doctor train in a real terminal', () => {
  it('walks key-disabled with predictions, shows the score, marks it done and keeps the progress', async () => {
    terminal.start('train', { args: ['train'], env: { XDG_STATE_HOME: stateHome } });

    const list = await waitForScreen('train', 'Training scenarios');
    expect(list).toContain('before each step');
    expect(list).not.toContain('✔');
    await keys('train', 'Down', 'Down', 'Down');
    await waitForScreen('train', '❯ key-disabled');
    await keys('train', 'Enter');
    await waitForScreen('train', 'Enter start the diagnosis');
    await keys('train', 'Enter');
    await waitForScreen('train', /step 1\/8[\s\S]*See it yourself/);
    await keys('train', 'Enter');
    await waitForScreen('train', /step 2\/8[\s\S]*See it yourself/);
    await keys('train', 'Enter');

    // The key's state: asked before it is shown; h gives the hint; "no" is right (the key is disabled).
    const question = await waitForScreen('train', 'Will the key be usable for this call');
    expect(question).not.toContain('Is the key usable?');
    await keys('train', 'h');
    await waitForScreen('train', 'Hint:');
    await keys('train', 'Down', 'Enter');
    const keyState = await waitForScreen('train', /step 3\/8[\s\S]*Is the key usable\?/);
    expect(keyState).toContain('✔ You predicted "no": right.');

    // The verdict: "which layer says no?" — the key's state, the first choice.
    await keys('train', 'Enter');
    await waitForScreen('train', 'Which layer says no?');
    await keys('train', 'Enter');
    const verdict = await waitForScreen('train', 'Enter plan the fix');
    expect(verdict).toContain('✔ You predicted "the key\'s state": right.');

    await keys('train', 'Enter');
    await waitForScreen('train', 'nothing is written until you confirm');
    await keys('train', 'Enter');
    await waitForScreen('train', 'Type yes to apply');
    await keys('train', 'y', 'e', 's', 'Enter');
    const done = await waitForScreen('train', /Fixed and verified|still denied|Not applied|stopped/, 30_000);
    expect(done).toContain('✔ Fixed and verified');
    expect(done).toContain('Your predictions: 2 of 2 right.');

    await keys('train', 'Enter');
    const after = await waitForScreen('train', /✔ key-disabled/);
    expect(after).toMatch(/✔ key-disabled — .* · 2\/2 right/);
    await keys('train', 'q');
    await waitForScreen('train', 'exit code 0');

    const progressPath = join(stateHome, 'kms-doctor', 'training.json');
    expect(readTrainingProgress(progressPath).scenarios['key-disabled']).toMatchObject({ right: 2, asked: 2 });
    expect(statSync(progressPath).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('the wizard with --transcript FILE: walks key-disabled to the verified fix, quits, and leaves the Markdown', async () => {
    const transcript = join(stateHome, 'ticket.md');
    terminal.start('ticket', { args: ['--transcript', transcript] });
    await waitForScreen('ticket', 'Training scenarios');
    await keys('ticket', 'Down', 'Down', 'Down');
    await waitForScreen('ticket', '❯ key-disabled');
    await keys('ticket', 'Enter');
    await waitForScreen('ticket', 'Enter start the diagnosis');
    await keys('ticket', 'Enter');
    await waitForScreen('ticket', /step 1\/8[\s\S]*See it yourself/);
    await keys('ticket', 'Enter', 'Enter', 'Enter');
    await waitForScreen('ticket', 'Enter plan the fix');
    await keys('ticket', 'Enter');
    await waitForScreen('ticket', 'nothing is written until you confirm');
    await keys('ticket', 'Enter');
    await waitForScreen('ticket', 'Type yes to apply');
    await keys('ticket', 'y', 'e', 's', 'Enter');
    await waitForScreen('ticket', '✔ Fixed and verified', 30_000);
    await keys('ticket', 'q');
    await waitForScreen('ticket', 'Quit now?');
    await keys('ticket', 'y');
    const end = await waitForScreen('ticket', 'exit code 0');
    expect(end.replace(/\n/g, '')).toContain(`wrote the transcript to ${transcript}`);
    const markdown = readFileSync(transcript, 'utf8');
    expect(markdown).toContain('1. **key-disabled** (layer: key-state)');
    expect(markdown).toMatch(/State: Disabled/);
    expect(markdown).toContain('aws kms enable-key');
    expect(markdown).toContain('## Verification');
    expect(statSync(transcript).mode & 0o777).toBe(0o600);
  }, 120_000);
});
