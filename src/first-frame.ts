// `kms-doctor` with no arguments in a terminal: its first screen (how to start, or without AWS
// credentials the training scenario list) is drawn as plain text the moment the program starts, and
// Ink, once loaded, replaces it with the same frame. Ink and the wizard take ~4x as long to load as a
// Node program takes to start; with this, the user does not wait for them to see the screen.
// - The frame is what Ink will draw (plain-start-frame.ts, tested against Ink's own frame), and it is
//   drawn where Ink's would start. Ink's first frame is written as the first write holding a newline;
//   that same write is prefixed with the erase of the plain frame's lines, as Ink erases a frame of its
//   own, so the terminal goes from one frame to the other in one write (inside Ink's synchronized
//   output): no blank moment, no line left twice, nothing added to the scrollback.
// - Keys pressed before Ink reads them are kept: the terminal is put in raw mode with the frame, so
//   they are neither echoed over the frame nor held for a line (where Enter would arrive as a newline,
//   which Ink does not take for Enter), and they wait in the terminal's buffer until Ink reads stdin
//   (the process does not read it before: stdin starts paused).
import { findCredentials } from './aws/credential-presence.js';
import { colourWanted } from './colour-wanted.js';
import { builtInScenarios } from './sandbox/scenario/built-in-scenarios.js';
import { plainStartFrame } from './ui/plain-start-frame.js';

const hideCursor = '\u001b[?25l';
const showCursor = '\u001b[?25h';

export interface PlainFirstFrame {
  /** Takes the frame off the screen when Ink will not draw over it (the wizard failed to start). */
  discard(): void;
}

/** Draws the wizard's first frame when Ink would lay it out the same (plainStartFrame); undefined otherwise. */
export function drawPlainFirstFrame(
  stdin: NodeJS.ReadStream = process.stdin,
  stdout: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): PlainFirstFrame | undefined {
  if (!stdin.isTTY || !stdout.isTTY) return undefined;
  const credentialsFound = findCredentials(env).found;
  // Sizes as the wizard reads them (withFallbackSize: a terminal reporting 0 is 80x24).
  const lines = plainStartFrame({
    scenarios: credentialsFound ? [] : builtInScenarios(),
    columns: stdout.columns || 80,
    rows: stdout.rows || 24,
    colour: colourWanted(stdout, env),
    credentialsFound,
  });
  if (lines === undefined) return undefined;
  stdout.write(`${hideCursor}${lines.join('\n')}\n`);
  // Right after the frame, not before: opening stdin (a tty.ReadStream, a net.Socket) takes a few ms.
  stdin.setRawMode(true);
  // Erased as Ink erases its own frame before it draws the next (ansi-escapes' eraseLines over the
  // frame's lines and the line below, where the cursor is), line by line: not with an erase to the
  // end of the screen, which from the top-left corner clears the whole screen, and terminals such as
  // tmux (scroll-on-clear) then keep the cleared screen in the scrollback.
  const backToStart = `${'\u001b[2K\u001b[1A'.repeat(lines.length)}\u001b[2K\u001b[G`;
  const ownWrite = Object.hasOwn(stdout, 'write');
  const write = stdout.write;
  let onScreen = true;
  const restoreWrite = () => {
    onScreen = false;
    if (ownWrite) stdout.write = write;
    else delete (stdout as { write?: unknown }).write;
  };
  stdout.write = function writeOverPlainFrame(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.includes('\n')) {
      restoreWrite();
      return (write as (...args: unknown[]) => boolean).call(this, backToStart + chunk, ...rest);
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as NodeJS.WriteStream['write'];
  const discard = () => {
    if (!onScreen) return;
    restoreWrite();
    stdout.write(`${backToStart}${showCursor}`);
    if (stdin.isRaw) stdin.setRawMode(false);
  };
  // A program that ends before Ink drew (a crash) leaves no frame, no hidden cursor and no raw terminal behind.
  process.once('exit', discard);
  return { discard };
}
