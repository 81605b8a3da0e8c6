// Drives a program in a real pseudo-terminal: a tmux server of its own (-L socket), the screen read with
// capture-pane, keys sent one at a time as typed. Tests wait for content on the screen, never for time.
import { execFileSync } from 'node:child_process';

export interface TmuxDriver {
  /** Runs a tmux command on this driver's server. */
  tmux(...args: string[]): string;
  /** The visible screen of `session`; with escapes (colours) when asked. */
  screen(session: string, escapes?: boolean): string;
  /** Polls the screen until it shows `text`; fails with the last screen after `timeoutMs`. */
  waitForScreen(session: string, text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** One key at a time, as typed. */
  keys(session: string, ...names: string[]): Promise<void>;
}

export function tmuxDriver(socket: string): TmuxDriver {
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = (session: string, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session);
  return {
    tmux,
    screen,
    async waitForScreen(session, text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const shown = screen(session);
        if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
        if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${String(text)}; the screen was:\n${shown}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async keys(session, ...names) {
      for (const name of names) {
        tmux('send-keys', '-t', session, name);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    },
  };
}
