// Bracketed paste (xterm's mode 2004): with it on, the terminal wraps what is pasted in ESC[200~ … ESC[201~,
// so a pasted multi-line AWS error is text, not keys: its newlines must not submit the field, even when
// the paste arrives in several reads. Ink 6 splits stdin into key events and keeps the two markers as
// events of their own (useInput hands them on without their ESC), so whether a key event is part of a
// paste is known from the markers seen before it, across reads.

/** Sent to the terminal on start: paste arrives bracketed. */
export const ENABLE_BRACKETED_PASTE = '\u001b[?2004h';
/** Sent on every way out (exit, signal, crash), or the shell would get the markers in its pastes. */
export const DISABLE_BRACKETED_PASTE = '\u001b[?2004l';

export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';

/** A marker as Ink's useInput hands it on: without its ESC. */
export const isPasteMarker = (input: string): boolean => input === PASTE_START.slice(1) || input === PASTE_END.slice(1);

/** Tracks whether the key events read so far are inside a paste. */
export class PasteTracker {
  private inside = false;
  /** Feed every raw key event, in order; true when `event` is a marker (not text). */
  see(event: string): boolean {
    if (event === PASTE_START) this.inside = true;
    else if (event === PASTE_END) this.inside = false;
    else return false;
    return true;
  }
  get pasting(): boolean {
    return this.inside;
  }
}
