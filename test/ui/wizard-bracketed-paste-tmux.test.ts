// Bracketed paste in a real terminal: tmux's paste-buffer -p wraps a paste in ESC[200~ … ESC[201~ only
// while the program in the pane has asked for it (mode 2004). So a multi-line error pasted that way
// staying in the wizard's field (its line breaks would submit it otherwise) shows the mode is on, and the
// same paste after the wizard has quit arriving without the markers shows it was turned off.
import { describe, expect, it } from 'vitest';
import { programInTmux } from '../helpers/tmux.js';

const session = 'paste';
const terminal = programInTmux('paste');
const { tmux } = terminal;

/** The visible screen, line breaks as spaces: Ink wraps a long field itself. */
const screen = (): string => terminal.screen(session).replace(/\s+/g, ' ');

async function waitForScreen(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen();
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${String(text)}; the screen was:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Pastes `text` as a terminal does (paste-buffer -p: bracketed when the program asked for it). */
function paste(text: string): void {
  tmux('set-buffer', '-b', 'pasted', text);
  tmux('paste-buffer', '-p', '-b', 'pasted', '-t', session);
}

describe('bracketed paste in a real terminal', () => {
  it('turns mode 2004 on, so a multi-line error ending in a line break stays in the field, and off again on quitting', async () => {
    terminal.start(session, { size: [120, 40] });
    await waitForScreen('Training scenarios');
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen('How do you want to start?');
    tmux('send-keys', '-t', session, 'Enter');
    // (The start menu names "Paste the error message" too: wait for the field's own screen.)
    await waitForScreen('As the AWS CLI, an SDK or a service printed it');
    // Two lines and a trailing line break, as copied from a terminal: unbracketed, that break is Enter.
    paste('An error occurred (AccessDeniedException) when calling the Decrypt operation:\nUser: arn:aws:sts::444455556666:assumed-role/PartnerRole/nightly is not authorized to perform: kms:Decrypt\n');
    const pasted = await waitForScreen('perform: kms:Decrypt');
    expect(pasted).toContain('As the AWS CLI, an SDK or a service printed it');
    expect(pasted).toContain('Decrypt operation: User: arn:aws:sts');
    expect(pasted).not.toContain('200~');
    tmux('send-keys', '-t', session, 'Enter');
    // Without credentials, what the text alone says.
    await waitForScreen('What the error says on its own');
    tmux('send-keys', '-t', session, 'C-c');
    await waitForScreen('exit code 0');
    // The shell's turn: the terminal echoes what is pasted, markers included (as ^[[200~) if still on.
    paste('after-the-wizard');
    const after = await waitForScreen('after-the-wizard');
    expect(after).not.toContain('[200~');
  }, 120_000);
});
