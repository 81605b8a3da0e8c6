// The stdin wrapper in front of Ink: a bracketed paste comes out whole whatever reads the terminal cut it
// into (markers split across reads included), an ESC inside it stays text, and keys around it go on to
// Ink in order.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BracketedPasteReader, PASTE_END, PASTE_START, PasteAwareStdin, type StdinPiece } from '../../src/ui/bracketed-paste.js';

/** Adjacent key pieces merged: how a read is cut must not change what the keys are. */
function merged(pieces: readonly StdinPiece[]): StdinPiece[] {
  const out: StdinPiece[] = [];
  for (const piece of pieces) {
    const last = out.at(-1);
    if (last?.kind === 'keys' && piece.kind === 'keys') out[out.length - 1] = { kind: 'keys', text: last.text + piece.text };
    else out.push(piece);
  }
  return out;
}

const pasted = 'An error occurred (AccessDeniedException) when calling the Decrypt operation:\r\nUser: arn:aws:iam::111122223333:user/a \u001b is not authorized\n';
const stream = `ab${PASTE_START}${pasted}${PASTE_END}\r${PASTE_START}second${PASTE_END}\u001b`;
const expected: StdinPiece[] = [
  { kind: 'keys', text: 'ab' },
  { kind: 'paste', text: pasted },
  { kind: 'keys', text: '\r' },
  { kind: 'paste', text: 'second' },
  { kind: 'keys', text: '\u001b' },
];

function readAll(reads: readonly string[]): StdinPiece[] {
  const reader = new BracketedPasteReader();
  const pieces = reads.flatMap((read) => reader.push(read));
  return merged([...pieces, ...reader.release()]);
}

describe('BracketedPasteReader', () => {
  it('gives the same keys and pastes however the stream is cut into two reads', () => {
    for (let cut = 0; cut <= stream.length; cut += 1) {
      expect(readAll([stream.slice(0, cut), stream.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('gives the same keys and pastes however the stream is cut into three reads', () => {
    for (let first = 0; first <= stream.length; first += 3) {
      for (let second = first; second <= stream.length; second += 1) {
        expect(readAll([stream.slice(0, first), stream.slice(first, second), stream.slice(second)]), `cuts at ${first}, ${second}`).toEqual(expected);
      }
    }
  });

  it('holds the start of a marker at the end of a read, and gives it back as keys when no read completes it', () => {
    const reader = new BracketedPasteReader();
    expect(reader.push('x\u001b[20')).toEqual([{ kind: 'keys', text: 'x' }]);
    expect(reader.holding).toBe('\u001b[20');
    expect(reader.push('0~text')).toEqual([]);
    expect(reader.holding).toBe('');
    expect(reader.push(`${PASTE_END}`)).toEqual([{ kind: 'paste', text: 'text' }]);
    // The Esc key alone: held for the next read, then released as the key it was.
    expect(reader.push('\u001b')).toEqual([]);
    expect(reader.release()).toEqual([{ kind: 'keys', text: '\u001b' }]);
    expect(reader.push('\u001b[A')).toEqual([{ kind: 'keys', text: '\u001b[A' }]);
  });
});

class Source extends EventEmitter {
  isTTY = true;
  private chunks: string[] = [];
  write(data: string) {
    this.chunks.push(data);
    this.emit('readable');
  }
  read = () => this.chunks.shift() ?? null;
  setEncoding() {}
  setRawMode() {}
  ref() {}
  unref() {}
}

describe('PasteAwareStdin', () => {
  it('serves keys to its reader and each paste, whole, to the paste listener, in order', () => {
    const source = new Source();
    const stdin = new PasteAwareStdin(source as unknown as NodeJS.ReadStream);
    const seen: string[] = [];
    stdin.on('readable', () => {
      let keys: string | null;
      while ((keys = stdin.read()) !== null) seen.push(`keys:${keys}`);
    });
    stdin.onPaste((text) => seen.push(`paste:${text}`));
    stdin.setRawMode(true);
    source.write('a\u001b[20');
    source.write('0~line one\r\nline \u001b two\u001b[2');
    source.write('01~\r');
    expect(seen).toEqual(['keys:a', 'paste:line one\r\nline \u001b two', 'keys:\r']);
    stdin.setRawMode(false);
    source.write('b');
    expect(seen).toHaveLength(3);
  });
});
