// Bracketed paste (xterm's mode 2004): with it on, the terminal wraps what is pasted in ESC[200~ … ESC[201~,
// so a pasted multi-line AWS error is text, not keys: its newlines must not submit a field, and an ESC
// inside it must not mean "back". Ink 6.8 cannot be told this: its key parser flushes an unfinished
// sequence one tick after a read (a marker cut across two reads, "ESC[20" then "0~…", becomes a stray key
// and text), and useInput hands the markers on without their ESC. So stdin is wrapped before Ink sees it:
// PasteAwareStdin takes pastes out of the byte stream (across reads) and hands each one, whole, to a
// listener (the text field on screen, through PasteContext); everything else goes on to Ink unchanged.
import { EventEmitter } from 'node:events';
import { createContext } from 'react';

/** Sent to the terminal on start: paste arrives bracketed. */
export const ENABLE_BRACKETED_PASTE = '\u001b[?2004h';
/** Sent on every way out (exit, signal, crash), or the shell would get the markers in its pastes. */
export const DISABLE_BRACKETED_PASTE = '\u001b[?2004l';

export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';

export type StdinPiece = { readonly kind: 'keys'; readonly text: string } | { readonly kind: 'paste'; readonly text: string };

/** The longest end of `text` that is the start of `marker` (it may be completed by the next read). */
function markerStartAtEnd(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length -= 1) {
    if (text.endsWith(marker.slice(0, length))) return length;
  }
  return 0;
}

/**
 * Splits what stdin delivers, read by read, into keys and pastes. Pure: no timers, no streams. A read
 * that ends in the first bytes of a marker keeps them until the next read (or `release`).
 */
export class BracketedPasteReader {
  private pasting = false;
  private pasted = '';
  private held = '';

  /** One read; the pieces it completes, in order (a paste is one piece, however many reads it took). */
  push(chunk: string): StdinPiece[] {
    const pieces: StdinPiece[] = [];
    let data = this.held + chunk;
    this.held = '';
    while (data !== '') {
      const marker = this.pasting ? PASTE_END : PASTE_START;
      const at = data.indexOf(marker);
      const until = at >= 0 ? at : data.length - markerStartAtEnd(data, marker);
      const text = data.slice(0, until);
      if (this.pasting) this.pasted += text;
      else if (text !== '') pieces.push({ kind: 'keys', text });
      if (at < 0) {
        this.held = data.slice(until);
        break;
      }
      if (this.pasting) {
        pieces.push({ kind: 'paste', text: this.pasted });
        this.pasted = '';
      }
      this.pasting = !this.pasting;
      data = data.slice(at + marker.length);
    }
    return pieces;
  }

  /** Outside a paste: the start of a marker that is being held for the next read (a lone ESC may be the Esc key). */
  get holding(): string {
    return this.pasting ? '' : this.held;
  }

  /** No read completed the held bytes: they were keys after all (Esc, Alt-[). */
  release(): StdinPiece[] {
    const text = this.holding;
    this.held = this.pasting ? this.held : '';
    return text === '' ? [] : [{ kind: 'keys', text }];
  }
}

/** Where pasted text goes: the text field on screen listens. */
export interface PasteSource {
  onPaste(listener: (text: string) => void): () => void;
}

export const PasteContext = createContext<PasteSource | undefined>(undefined);

/** A longer marker start ("ESC[20") is no key anyone presses: wait longer for the rest of the read. */
const MARKER_START_WAIT_MS = 100;

/**
 * The stdin Ink reads: the terminal's stdin with the pastes taken out. It forwards what Ink calls
 * (raw mode, encoding, ref/unref) and serves the rest through 'readable' and read(), as a stream does.
 */
export class PasteAwareStdin extends EventEmitter implements PasteSource {
  private readonly reader = new BracketedPasteReader();
  private readonly queue: string[] = [];
  private readonly pastes = new EventEmitter();
  private attached = false;
  private releaseTimer: { cancel(): void } | undefined;

  constructor(private readonly source: NodeJS.ReadStream) {
    super();
  }

  get isTTY(): boolean {
    return this.source.isTTY === true;
  }

  setRawMode(on: boolean): this {
    this.source.setRawMode?.(on);
    if (on && !this.attached) this.source.on('readable', this.onReadable);
    if (!on && this.attached) this.source.off('readable', this.onReadable);
    this.attached = on;
    return this;
  }

  setEncoding(encoding: BufferEncoding): this {
    this.source.setEncoding(encoding);
    return this;
  }

  ref(): this {
    this.source.ref?.();
    return this;
  }

  unref(): this {
    this.source.unref?.();
    return this;
  }

  read(): string | null {
    return this.queue.shift() ?? null;
  }

  onPaste(listener: (text: string) => void): () => void {
    this.pastes.on('paste', listener);
    return () => void this.pastes.off('paste', listener);
  }

  private readonly onReadable = () => {
    this.releaseTimer?.cancel();
    this.releaseTimer = undefined;
    let chunk: unknown;
    while ((chunk = this.source.read()) !== null) this.deliver(this.reader.push(String(chunk)));
    const held = this.reader.holding;
    if (held === '') return;
    const release = () => {
      this.releaseTimer = undefined;
      this.deliver(this.reader.release());
    };
    // A lone ESC at the end of a read is the Esc key unless more follows at once (Ink waits the same tick).
    if (held === '\u001b') {
      const timer = setImmediate(release);
      this.releaseTimer = { cancel: () => clearImmediate(timer) };
    } else {
      const timer = setTimeout(release, MARKER_START_WAIT_MS);
      this.releaseTimer = { cancel: () => clearTimeout(timer) };
    }
  };

  /** In order: keys to Ink (it reads them at once, on 'readable'), each paste to the listeners. */
  private deliver(pieces: readonly StdinPiece[]): void {
    for (const piece of pieces) {
      if (piece.kind === 'paste') this.pastes.emit('paste', piece.text);
      else {
        this.queue.push(piece.text);
        this.emit('readable');
      }
    }
  }
}
