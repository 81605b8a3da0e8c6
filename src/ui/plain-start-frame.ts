// The wizard's first screen drawn without Ink: the training scenario list (no AWS credentials, no
// arguments), as the lines Ink's first frame will hold, so that Ink can replace them with the same
// text when it has loaded (first-frame.ts hands over). The text and the arithmetic come from the
// modules Ink's screen uses (scenario-menu-layout.ts, header-parts.ts); the styling from the library
// Ink itself styles with (chalk, with its colour detection), laid out as app.tsx, start-screen.tsx and
// choice-list.tsx lay it out. test/ui/plain-start-frame.test.tsx holds it to Ink's own frame at every size.
import chalk from 'chalk';
import { headerParts } from './header-parts.js';
import { palette } from './palette.js';
import { scenarioMenuLayout, type ScenarioChoice } from './scenario-menu-layout.js';

export interface PlainStartFrameInput {
  readonly scenarios: readonly ScenarioChoice[];
  /** The terminal's size as it reports it (0 when it does not say). */
  readonly columns: number;
  readonly rows: number;
  /** colourWanted(): false for NO_COLOR and terminals without colour. */
  readonly colour: boolean;
}

/**
 * Characters one column wide whatever the terminal: printable ASCII and Latin-1, and the few symbols
 * the list uses (· — … ↑ ↓ ❯ ✔). Text with anything else is left to Ink, which measures it with
 * string-width (its Intl.Segmenter and emoji tables cost ~30 ms at first use: more than the rest of
 * this frame).
 */
const narrowText = /^[\u0020-\u007e\u00a0-\u00ff\u2014\u2026\u2191\u2193\u276f\u2714]*$/;

/**
 * How Ink wraps a <Text> (wrap="wrap": wrap-ansi with trim false and hard true, node_modules/wrap-ansi
 * index.js exec and wrapWord), for text of one-column characters and no escapes: words are split at
 * spaces, a word that does not fit goes to the next line (the space stays at the end of the line), and
 * a word longer than the width is broken across lines.
 */
export function wrapAsInk(text: string, width: number): string[] {
  const rows = [''];
  const columns = (value: string) => [...value].length;
  for (const [index, word] of text.split(' ').entries()) {
    let rowLength = columns(rows.at(-1)!);
    if (index !== 0) {
      if (rowLength >= width) {
        rows.push('');
        rowLength = 0;
      }
      rows[rows.length - 1] += ' ';
      rowLength += 1;
    }
    const wordLength = columns(word);
    if (wordLength > width) {
      const remaining = width - rowLength;
      if (Math.floor((wordLength - 1) / width) < 1 + Math.floor((wordLength - remaining - 1) / width)) rows.push('');
      let visible = columns(rows.at(-1)!);
      const characters = [...word];
      for (const [at, character] of characters.entries()) {
        if (visible + 1 <= width) rows[rows.length - 1] += character;
        else {
          rows.push(character);
          visible = 0;
        }
        visible += 1;
        if (visible === width && at < characters.length - 1) {
          rows.push('');
          visible = 0;
        }
      }
      continue;
    }
    if (rowLength + wordLength > width && rowLength > 0 && wordLength > 0) rows.push('');
    rows[rows.length - 1] += word;
  }
  return rows;
}

type Style = (text: string) => string;
const plain: Style = (text) => text;

/** A <Text>'s lines, each styled on its own as Ink styles them. */
const wrapped = (text: string, width: number, style: Style = plain): string[] => wrapAsInk(text, width).map((line) => style(line));

/**
 * The lines of the training scenario list's first frame (the first scenario focused), as many as
 * Ink's frame has (the terminal's rows less one), or undefined where Ink would lay it out otherwise:
 * a terminal narrower than 40 columns or shorter than 10 rows (the wizard widens and heightens its
 * layout there), a list that overflows the screen, or text with characters Ink may count wider.
 */
export function plainStartFrame({ scenarios, columns, rows, colour }: PlainStartFrameInput): string[] | undefined {
  if (columns < 40 || rows < 10) return undefined;
  const width = columns;
  const accent: Style = (text) => (colour ? chalk[palette.accent](text) : text);
  const warn: Style = (text) => (colour ? chalk[palette.warn](text) : text);
  const bold: Style = (text) => chalk.bold(text);
  const dim: Style = (text) => chalk.dim(text);
  const layout = scenarioMenuLayout({ scenarios, width, rows, credentialsFound: false });
  if (!layout.choices.every((choice) => narrowText.test(choice.label) && narrowText.test(choice.description ?? ''))) return undefined;
  const header = headerParts(width, undefined, undefined);
  const lines = [`${bold('kms-doctor')}${dim(` · ${header.title}`)}`, ''];
  lines.push(...wrapped(layout.title, width, (line) => bold(accent(line))));
  if (layout.showIntro) lines.push(...wrapped(layout.intro, width, layout.introWarns ? warn : plain), '');
  const visible = layout.choices.slice(0, layout.limit);
  for (const [index, choice] of visible.entries()) {
    if (index === 0) {
      lines.push(...wrapped(`❯ ${choice.label}`, width, (line) => bold(accent(line))));
      if (choice.description) lines.push(...wrapped(choice.description, width - 4, dim).map((line) => `    ${line}`));
    } else lines.push(...wrapped(`  ${choice.label}`, width));
  }
  if (layout.limit < layout.choices.length) lines.push(...wrapped(`  ↓ ${layout.choices.length - layout.limit} more`, width, dim));
  lines.push(...wrapped(layout.keysLine, width, dim));
  // The app's box is the terminal's height less one row; what does not fit, Ink would cut.
  if (lines.length > rows - 1) return undefined;
  return [...lines, ...Array<string>(rows - 1 - lines.length).fill('')];
}
