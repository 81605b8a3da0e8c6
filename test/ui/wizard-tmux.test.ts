// The built program (npm run build → dist/kms-doctor.mjs) in a real pseudo-terminal: tmux, 100x40, on
// a "fresh machine" (empty HOME, no AWS_* variables, the metadata service off). Real key presses walk a
// training scenario from the start screen to the verified fix, then quit; the embedded sandbox goes
// with it. And the same program refuses politely without a terminal, and honours NO_COLOR.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundlePath as bundle } from '../helpers/bundle.js';
import { programInTmux } from '../helpers/tmux.js';
const terminal = programInTmux('wizard');
const { tmux, screen, waitForScreen, keys } = terminal;

/** Starts the program in a new tmux session with nothing of the developer's AWS setup. */
function start(session: string, extraEnv: Record<string, string> = {}, size: readonly [number, number] = [100, 40]): void {
  terminal.start(session, { env: extraEnv, size });
}

describe('the built program in a real terminal', () => {
  it('walks key-disabled from the start screen to the verified fix with real key presses, and quits cleanly', async () => {
    start('walk');
    const first = await waitForScreen('walk', 'Training scenarios');
    expect(first).toContain('No AWS credentials were found on this machine');
    await keys('walk', 'Down', 'Down', 'Down');
    await waitForScreen('walk', '❯ key-disabled');
    await keys('walk', 'Enter');
    // The scenario's story, the failing command and the live error first.
    const intro = await waitForScreen('walk', 'Enter start the diagnosis');
    expect(intro).toContain('An error occurred (DisabledException) when calling the Encrypt operation');
    await keys('walk', 'Enter');
    const identify = await waitForScreen('walk', /step 1\/8[\s\S]*See it yourself/);
    expect(identify).toContain('SANDBOX');
    const configDir = /AWS_CONFIG_FILE=(\S+)\/config/.exec(identify.replace(/\n/g, ''))?.[1];
    expect(configDir).toBeDefined();
    expect(existsSync(configDir!)).toBe(true);
    // Colours are on in a terminal: the conclusion's ✔ is green.
    expect(screen('walk', true)).toMatch(/\u001b\[(?:1;)?32m/);

    // An unusable key: the tree goes from the key state straight to the verdict.
    const steps = ['Same account, or across accounts?', 'The key is disabled'];
    for (const [index, text] of steps.entries()) {
      await keys('walk', 'Enter');
      const shown = await waitForScreen('walk', new RegExp(`step ${index + 2}/8[\\s\\S]*See it yourself`));
      expect(shown.replace(/\n/g, ' ')).toContain(text);
    }
    await keys('walk', 'Enter');
    expect(await waitForScreen('walk', 'Enter plan the fix')).toContain('✘ key-disabled (key-state)');
    await keys('walk', 'Enter');
    expect(await waitForScreen('walk', 'nothing is written until you confirm')).toContain('Key state: Disabled → Enabled');
    await keys('walk', 'Enter');
    const confirm = await waitForScreen('walk', 'Type yes to apply');
    expect(confirm).toContain('arn:aws:kms:us-east-1:111122223333:key/e8cc4d9f-b6d5-419b-bc7c-b9d5577b573a');
    expect(confirm).toContain('in account 111122223333');
    await keys('walk', 'y', 'e', 's', 'Enter');
    const done = await waitForScreen('walk', /Fixed and verified|still denied|Not applied|stopped/);
    expect(done).toContain('✔ Fixed and verified');
    expect(done).toContain('a dry run as the principal would succeed for kms:Encrypt');

    await keys('walk', 'q');
    await waitForScreen('walk', 'Quit now?');
    await keys('walk', 'y');
    await waitForScreen('walk', 'exit code 0');
    // The embedded sandbox and its temporary profile files are gone with the program.
    expect(existsSync(configDir!)).toBe(false);
  });

  it('at 80x24 keeps the header and SANDBOX marker on top of every step, and scrolls the fix review', async () => {
    start('small', {}, [80, 24]);
    await waitForScreen('small', 'Training scenarios');
    await keys('small', 'Enter');
    await waitForScreen('small', 'Enter start the diagnosis');
    await keys('small', 'Enter');
    const top = (shown: string, step: number) => {
      const lines = shown.split('\n');
      expect(lines[0], shown).toMatch(new RegExp(`^kms-doctor · step ${step}/8 .* SANDBOX  no-iam-delegation`));
      expect(lines.filter((line) => line.startsWith('kms-doctor · ')), shown).toHaveLength(1);
    };
    for (let step = 1; step <= 6; step += 1) {
      if (step > 1) await keys('small', 'Enter');
      top(await waitForScreen('small', new RegExp(`step ${step}/8[\\s\\S]*\\n[✔✘•] [\\s\\S]*Enter continue`)), step);
    }
    await keys('small', 'Enter');
    top(await waitForScreen('small', 'Enter plan the fix'), 7);
    await keys('small', 'Enter');
    // The scroll indicator comes with the frame after the region has measured itself: wait for it.
    const review = await waitForScreen('small', /↓ \d+ more lines \(↑\/↓ to scroll\)[\s\S]*nothing is written until you confirm[\s\S]*Enter confirm/);
    top(review, 8);
    expect(review).not.toContain('Rollback:');
    for (let i = 0; i < 60; i += 1) await keys('small', 'Down');
    const end = await waitForScreen('small', /↑ \d+ lines above/);
    top(end, 8);
    expect(end).toContain('Rollback:');
    expect(end).toContain('Enter confirm');
    await keys('small', 'q');
    await waitForScreen('small', 'exit code 0');
  });

  it('honours NO_COLOR: no colour codes on the screen', async () => {
    start('plain', { NO_COLOR: '1' });
    await waitForScreen('plain', 'Training scenarios');
    await keys('plain', 'Enter');
    await waitForScreen('plain', 'Enter start the diagnosis');
    await keys('plain', 'Enter');
    await waitForScreen('plain', /step 1\/8[\s\S]*See it yourself/);
    expect(screen('plain', true)).not.toMatch(/\u001b\[(?:\d+;)*(?:3[0-7]|9[0-7]|38;5;\d+)m/);
    await keys('plain', 'q');
    await waitForScreen('plain', 'exit code 0');
  });

  it('without a terminal: one line pointing to check and fix, exit code 2', async () => {
    const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [bundle], { env: { PATH: process.env.PATH, HOME: terminal.home(), AWS_EC2_METADATA_DISABLED: 'true' } }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^kms-doctor: the wizard needs a terminal; .*kms-doctor check.*kms-doctor fix/)]);
  });
});
