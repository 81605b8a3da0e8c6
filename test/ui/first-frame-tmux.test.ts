// The wizard's first frame, drawn before Ink loads (src/first-frame.ts), in a real terminal (tmux) with
// the built program: Ink's frame replaces it where it stands, leaving exactly Ink's frame (no line
// twice, nothing left over, nothing pushed into the scrollback, the lines above untouched), at 80x24
// and at 40 columns, with credentials and without; keys pressed while Ink loads are honoured; NO_COLOR gets no escapes at all.
import { describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src/sandbox/scenario/built-in-scenarios.js';
import { plainStartFrame } from '../../src/ui/plain-start-frame.js';
import { programInTmux } from '../helpers/tmux.js';

const terminal = programInTmux('first-frame');
const { tmux, screen, waitForScreen, keys } = terminal;

/** Two lines of earlier output, then the program, with nothing of the developer's AWS setup. */
function start(session: string, [columns, rows]: readonly [number, number], extraEnv: Record<string, string> = {}): void {
  terminal.start(session, { size: [columns, rows], env: extraEnv, before: `printf 'earlier output 1\\nearlier output 2\\n'; ` });
}

/** The screen a terminal shows with the wizard's start (Ink's frame: the unit test holds the plain frame to it) under the two earlier lines. */
function expectedScreen(columns: number, rows: number, credentialsFound: boolean): string[] {
  // The program starts two lines down: Ink's frame (rows - 1 lines and a newline) scrolls the terminal by two.
  const frame = plainStartFrame({ scenarios: builtInScenarios(), columns, rows, colour: false, credentialsFound })!;
  return [...['earlier output 1', 'earlier output 2', ...frame].slice(2 + frame.length + 1 - rows), ''].map((line) => line.trimEnd());
}

const lines = (shown: string) => shown.replace(/\n$/, '').split('\n');
const historySize = (session: string) => Number(tmux('display-message', '-p', '-t', session, '#{history_size}').trim());

/** Credentials as the environment gives them: the wizard opens on how to start. Nothing is called before a way is chosen. */
const someCredentials = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe.each([
  [80, 24, false, '❯ no-iam-delegation', '❯ missing-kms-actions'],
  [40, 16, false, '❯ no-iam-delegation', '❯ missing-kms-actions'],
  [80, 24, true, '❯ Paste the error message', '❯ Choose the operation'],
  [40, 24, true, '❯ Paste the error message', '❯ Choose the operation'],
])('the first frame at %ix%i (credentials: %s)', (columns, rows, credentialsFound, firstFocused, secondFocused) => {
  it("becomes Ink's frame in place: no line twice, nothing left over, the scrollback only what scrolled anyway", async () => {
    const session = `handover-${columns}x${rows}-${credentialsFound}`;
    start(session, [columns, rows], credentialsFound ? someCredentials : {});
    await waitForScreen(session, firstFocused);
    // Only Ink moves the focus: once it has, Ink draws; back up, its frame is the first one again.
    await keys(session, 'Down');
    await waitForScreen(session, secondFocused);
    await keys(session, 'Up');
    const shown = await waitForScreen(session, firstFocused);
    expect(lines(shown)).toEqual(expectedScreen(columns, rows, credentialsFound));
    // The two earlier lines scrolled out, as under Ink alone; not one line of a frame went with them.
    expect(tmux('capture-pane', '-p', '-S', '-', '-E', '-1', '-t', session).split('\n').filter((line) => line !== '')).toEqual(['earlier output 1', 'earlier output 2']);
    expect(historySize(session)).toBe(2);
    await keys(session, 'q');
    await waitForScreen(session, 'exit code 0');
  });
});

describe('while Ink loads', () => {
  it('keeps the keys pressed on the first frame: Down Down Down Enter opens key-disabled', async () => {
    start('early-keys', [80, 24]);
    await waitForScreen('early-keys', 'Training scenarios');
    // All at once, with no wait: they reach the program before Ink reads its first key.
    tmux('send-keys', '-t', 'early-keys', 'Down', 'Down', 'Down', 'Enter');
    const intro = await waitForScreen('early-keys', 'Enter start the diagnosis');
    expect(intro).toContain('An error occurred (DisabledException) when calling the Encrypt operation');
    // Nothing echoed over the frame (the terminal was in raw mode): no ^[[B anywhere.
    expect(tmux('capture-pane', '-p', '-S', '-', '-t', 'early-keys')).not.toContain('^[');
    await keys('early-keys', 'q');
    await waitForScreen('early-keys', 'exit code 0');
  });

  it('draws no escape with NO_COLOR, before or after Ink takes over', async () => {
    start('no-colour', [80, 24], { NO_COLOR: '1' });
    const first = await waitForScreen('no-colour', 'Training scenarios');
    expect(screen('no-colour', true)).not.toContain('\u001b[');
    await keys('no-colour', 'Down');
    await waitForScreen('no-colour', '❯ missing-kms-actions');
    expect(screen('no-colour', true)).not.toContain('\u001b[');
    expect(first).toContain('No AWS credentials were found on this machine');
    await keys('no-colour', 'q');
    await waitForScreen('no-colour', 'exit code 0');
  });
});
