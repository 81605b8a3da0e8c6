// Driving Ink apps in tests: fake terminal streams (with a width that can change), named keys, key
// presses that give Ink and React time to react between keys, and waiting for content rather than
// for "a frame" — a wait that fails shows the last frame.
import { EventEmitter } from 'node:events';
import { render, type Instance } from 'ink';
import { createElement, type ReactElement } from 'react';
import { PasteAwareStdin, PasteContext } from '../../src/ui/bracketed-paste.js';

/** Key codes as a terminal sends them. Backspace arrives in Ink as key.delete or key.backspace. */
export const keys = {
  enter: '\r',
  escape: '\u001b',
  left: '\u001b[D',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private chunk: string | null = null;
  write(data: string) {
    this.chunk = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = () => {
    const data = this.chunk;
    this.chunk = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export interface InkHarness {
  readonly stdin: FakeStdin;
  readonly stdout: FakeStdout;
  readonly instance: Instance;
  /** The last frame Ink wrote. */
  lastFrame(): string;
  /** Changes the terminal's width (and height), as a resize does. */
  resize(columns: number, rows?: number): void;
  /** Resolves when the app exits (useApp().exit()). */
  exited(): Promise<void>;
}

const mounted: InkHarness[] = [];

/**
 * Renders like ink-testing-library, in a terminal `columns` wide (80 by default) and `rows` high
 * (by default tall enough that no screen scrolls, so the tests see whole screens); with `bracketedPaste`,
 * stdin goes through PasteAwareStdin as in the wizard command.
 */
export function renderInk(tree: ReactElement, { columns = 80, rows = 200, bracketedPaste = false } = {}): InkHarness {
  const stdout = new FakeStdout(columns, rows);
  const stderr = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  // As the wizard command does: Ink reads a stdin with the pastes taken out, the text field gets them.
  const pasteAware = bracketedPaste ? new PasteAwareStdin(stdin as unknown as NodeJS.ReadStream) : undefined;
  const instance = render(pasteAware ? createElement(PasteContext.Provider, { value: pasteAware }, tree) : tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: (pasteAware ?? stdin) as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const exit = instance.waitUntilExit().then(() => undefined);
  exit.catch(() => undefined);
  const harness: InkHarness = {
    stdin,
    stdout,
    instance,
    lastFrame: () => stdout.frames.at(-1) ?? '',
    resize(width, height) {
      stdout.columns = width;
      if (height !== undefined) stdout.rows = height;
      stdout.emit('resize');
    },
    exited: () => exit,
  };
  mounted.push(harness);
  return harness;
}

/** Unmounts everything rendered by renderInk (call in afterEach). */
export function cleanupInk(): void {
  for (const harness of mounted.splice(0)) harness.instance.unmount();
}

/** Lets Ink flush a lone Escape (it waits one setImmediate for more bytes) and React render. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setImmediate(resolve));
}

/** Presses keys one at a time, yielding to Ink and React between them. */
export async function press(harness: InkHarness, ...inputs: string[]): Promise<void> {
  for (const input of inputs) {
    await settle();
    harness.stdin.write(input);
    await settle();
  }
}

/** Types text into a text field, then (by default) presses Enter. */
export async function type(harness: InkHarness, text: string, { submit = true } = {}): Promise<void> {
  await press(harness, text);
  if (submit) await press(harness, keys.enter);
}

export interface WaitOptions {
  readonly timeoutMs?: number;
}

/** Waits until the last frame contains `text` (or matches it), and returns that frame. */
export async function waitForFrame(harness: InkHarness, text: string | RegExp, { timeoutMs = 20_000 }: WaitOptions = {}): Promise<string> {
  const found = (frame: string) => (typeof text === 'string' ? frame.includes(text) : text.test(frame));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = harness.lastFrame();
    if (found(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${String(text)}; the last frame was:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the last frame no longer contains `text`. */
export async function waitForFrameWithout(harness: InkHarness, text: string, options: WaitOptions = {}): Promise<string> {
  return waitForFrame(harness, new RegExp(`^(?![\\s\\S]*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`), options);
}
