// Messages built from other messages (AWS's, Node's) end every part with a full stop, so "… does not
// exist" followed by "Nothing was written." reads as two sentences, not one run-on line.

/** The text, trimmed, ending with `.`, `!` or `?` (a full stop is added when it has none). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The message of anything thrown, as a sentence. */
export function errorSentence(error: unknown): string {
  return sentence(error instanceof Error ? error.message : String(error));
}
