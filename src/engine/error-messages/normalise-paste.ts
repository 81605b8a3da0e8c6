// Normalising a pasted refusal: terminal colours, JSON escaping and line wrapping removed, so the
// message patterns see one plain line of text.

/** Longer than any real paste needs; keeps the patterns' work bounded. */
export const MAX_INPUT_LENGTH = 200_000;

/** Strips colours and terminal drawing, undoes JSON escaping, and joins wrapped lines into one. */
export function normalize(raw: string): string {
  let text = raw.length > MAX_INPUT_LENGTH ? raw.slice(0, MAX_INPUT_LENGTH) : raw;
  text = text
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '') // OSC sequences (terminal hyperlinks)
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '') // CSI sequences (colours, cursor)
    .replace(/\u001b[@-_]/g, '')
    .replace(/\\{1,4}(?:u001b|x1b|033|e)\[[0-9;]{0,20}m/gi, '') // colour codes written out inside JSON or logs
    .replace(/\[\d{1,3}(?:;\d{1,3})*m/g, ''); // colour codes whose ESC was lost in copying
  // A message quoted inside JSON (sometimes twice) keeps its quotes and line breaks escaped.
  for (let pass = 0; pass < 3 && /\\["\\/nrt]/.test(text); pass++) {
    text = text.replace(/\\(["\\/]|[nrt])/g, (_escape, character: string) =>
      character === 'n' || character === 'r' || character === 't' ? ' ' : character,
    );
  }
  // Box-drawing characters (Terraform's error frame) and line wrapping split sentences.
  return text.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ').trim();
}
