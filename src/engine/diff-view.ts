// Unified diffs of policy documents, as a reviewer reads them before a fix is applied. The diff itself
// comes from the `diff` package; this module only names the two sides and colours lines. Whether to
// colour (TTY, NO_COLOR, --no-color) is the caller's decision.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** Lines of context around each change: enough to see which statement a change sits in. */
const contextLines = 3;

/**
 * The unified diff of `before` → `after`, with the file names `<label> (before)` and `<label> (after)`.
 * An empty `before` is a new document (every line added). Empty when nothing changed.
 */
export function unifiedDiff(before: string, after: string, label: string): string {
  if (before === after) return '';
  return createTwoFilesPatch(
    `${label} (before)`,
    `${label} (after)`,
    withFinalNewline(before),
    withFinalNewline(after),
    undefined,
    undefined,
    // No "Index:" line or "===" underline: the two file names say it all.
    { context: contextLines, headerOptions: FILE_HEADERS_ONLY },
  );
}

// Without a final newline the patch carries "\ No newline at end of file" markers, noise for a reviewer.
function withFinalNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

export type DiffLineKind = 'file-header' | 'hunk-header' | 'added' | 'removed' | 'context' | 'other';

export interface DiffLine {
  readonly kind: DiffLineKind;
  readonly text: string;
}

/** Splits a unified diff into classified lines, for views that colour with their own components (Ink). */
export function diffLines(diff: string): DiffLine[] {
  if (diff === '') return [];
  const lines = (diff.endsWith('\n') ? diff.slice(0, -1) : diff).split('\n');
  let inHunk = false;
  return lines.map((text): DiffLine => {
    if (text.startsWith('@@')) {
      inHunk = true;
      return { kind: 'hunk-header', text };
    }
    // "--- " and "+++ " are file headers only before the first hunk; inside a hunk they are content.
    if (!inHunk) return { kind: text.startsWith('--- ') || text.startsWith('+++ ') ? 'file-header' : 'other', text };
    if (text.startsWith('+')) return { kind: 'added', text };
    if (text.startsWith('-')) return { kind: 'removed', text };
    if (text.startsWith(' ')) return { kind: 'context', text };
    return { kind: 'other', text };
  });
}

const ansi = { bold: '\u001b[1m', red: '\u001b[31m', green: '\u001b[32m', cyan: '\u001b[36m', reset: '\u001b[0m' } as const;

const colourOf: Record<DiffLineKind, string | undefined> = {
  'file-header': ansi.bold,
  'hunk-header': ansi.cyan,
  added: ansi.green,
  removed: ansi.red,
  context: undefined,
  other: undefined,
};

/** The diff with ANSI colours: additions green, removals red, hunk headers cyan, file names bold. */
export function colorizeDiff(diff: string): string {
  const rendered = diffLines(diff).map(({ kind, text }) => {
    const colour = colourOf[kind];
    // Each line is reset on its own so a pager or a cut-off terminal never bleeds colour.
    return colour === undefined ? text : `${colour}${text}${ansi.reset}`;
  });
  return rendered.length === 0 ? '' : `${rendered.join('\n')}\n`;
}

/** The diff for output: coloured when the caller says the terminal wants colour, unchanged otherwise. */
export function renderDiff(diff: string, options: { readonly color: boolean }): string {
  return options.color ? colorizeDiff(diff) : diff;
}
