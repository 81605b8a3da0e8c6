// Drives a program in a real pseudo-terminal: a tmux server of its own (-L socket), the screen read with
// capture-pane, keys sent one at a time as typed. Tests wait for content on the screen, never for time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { bundlePath, ensureBundle } from './bundle.js';

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

export interface ProgramStart {
  /** kms-doctor's arguments (none: the wizard). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Columns and rows of the pane (default 100×40). */
  readonly size?: readonly [number, number];
  /** Shell commands run first in the pane (earlier output above the program). */
  readonly before?: string;
}

/**
 * The built program in a real terminal, for one test file: a tmux server of the file's own and an empty
 * HOME (nothing of the developer's AWS setup), made before its tests and removed after them. A pane keeps
 * the program's exit code on screen once it has quit.
 */
export function programInTmux(name: string): TmuxDriver & { home(): string; start(session: string, options?: ProgramStart): void } {
  const socket = `kms-doctor-${name}-${process.pid}`;
  const driver = tmuxDriver(socket);
  let home = '';
  beforeAll(() => {
    // The global setup built it; a run of one file alone (or after an edit) builds it here.
    ensureBundle();
    home = mkdtempSync(join(tmpdir(), `kms-doctor-${name}-home-`));
  }, 120_000);
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(home, { recursive: true, force: true });
  });
  return {
    ...driver,
    home: () => home,
    start(session, { args = [], env = {}, size = [100, 40], before = '' } = {}) {
      const all = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color', AWS_EC2_METADATA_DISABLED: 'true', ...env };
      const assignments = Object.entries(all).map(([key, value]) => `${key}='${value}'`);
      const program = [process.execPath, bundlePath, ...args].join(' ');
      driver.tmux('new-session', '-d', '-s', session, '-x', String(size[0]), '-y', String(size[1]), `${before}env -i ${assignments.join(' ')} ${program}; echo "exit code $?"; sleep 60`);
    },
  };
}
