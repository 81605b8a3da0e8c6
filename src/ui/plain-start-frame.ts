// The wizard's first screen drawn without Ink (no arguments): how to start, or without AWS credentials
// the training scenario list, as the lines Ink's first frame will hold, so that Ink can replace them with the same
// text when it has loaded (first-frame.ts hands over). The text and the arithmetic come from the
// modules Ink's screen uses (scenario-menu-layout.ts, start-menu.ts, header-parts.ts); the styling from the library
// Ink itself styles with (chalk, with its colour detection), laid out as app.tsx, start-screen.tsx and
// choice-list.tsx lay it out. test/ui/plain-start-frame.test.tsx holds it to Ink's own frame at every size.
import chalk from 'chalk';
import { headerParts } from './header-parts.js';
import { palette } from './palette.js';
import type { Choice } from './components/choice-list.js';
import { scenarioMenuLayout, type ScenarioChoice } from './scenario-menu-layout.js';
import { startChoices, startIntro, startKeysLine, startTitle } from './start-menu.js';

export interface PlainStartFrameInput {
  readonly scenarios: readonly ScenarioChoice[];
  /** The terminal's size as it reports it (0 when it does not say). */
  readonly columns: number;
  readonly rows: number;
  /** colourWanted(): false for NO_COLOR and terminals without colour. */
  readonly colour: boolean;
  /** findCredentials(): with credentials the wizard starts on how to start, without on the training scenarios. */
  readonly credentialsFound: boolean;
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

/** The styles of a frame: colours only when wanted, bold and dim always (chalk drops them where the terminal has none). */
function stylesFor(colour: boolean) {
  return {
    accent: (text: string) => (colour ? chalk[palette.accent](text) : text),
    warn: (text: string) => (colour ? chalk[palette.warn](text) : text),
    bold: (text: string) => chalk.bold(text),
    dim: (text: string) => chalk.dim(text),
  };
}

/** ChoiceList's lines with the first item focused (choice-list.tsx): its description under it, the items past `limit` counted. */
function choiceLines(choices: readonly Choice<string>[], limit: number, width: number, style: ReturnType<typeof stylesFor>): string[] {
  const lines: string[] = [];
  for (const [index, choice] of choices.slice(0, limit).entries()) {
    if (index === 0) {
      lines.push(...wrapped(`❯ ${choice.label}`, width, (line) => style.bold(style.accent(line))));
      if (choice.description) lines.push(...wrapped(choice.description, width - 4, style.dim).map((line) => `    ${line}`));
    } else lines.push(...wrapped(`  ${choice.label}`, width));
  }
  if (limit < choices.length) lines.push(...wrapped(`  ↓ ${choices.length - limit} more`, width, style.dim));
  return lines;
}

/**
 * The lines of the wizard's first frame, as many as Ink's frame has (the terminal's rows less one):
 * with credentials, how to start (the first way focused); without, the training scenario list (the
 * first scenario focused). Undefined where Ink would lay it out otherwise: a terminal narrower than
 * 40 columns or shorter than 10 rows (the wizard widens and heightens its layout there), a screen
 * that overflows the rows (Ink cuts it), or text with characters Ink may count wider.
 */
export function plainStartFrame({ scenarios, columns, rows, colour, credentialsFound }: PlainStartFrameInput): string[] | undefined {
  if (columns < 40 || rows < 10) return undefined;
  const width = columns;
  const style = stylesFor(colour);
  const title = (text: string) => wrapped(text, width, (line) => style.bold(style.accent(line)));
  const header = headerParts(width, undefined, undefined);
  const lines = [`${style.bold('kms-doctor')}${style.dim(` · ${header.title}`)}`, ''];
  let choices: readonly Choice<string>[];
  if (credentialsFound) {
    // StartScreen's "choose" part.
    choices = startChoices;
    lines.push(...title(startTitle), ...wrapped(startIntro, width), '', ...choiceLines(choices, choices.length, width, style), ...wrapped(startKeysLine, width, style.dim));
  } else {
    // ScenarioMenu.
    const layout = scenarioMenuLayout({ scenarios, width, rows, credentialsFound: false });
    choices = layout.choices;
    lines.push(...title(layout.title));
    if (layout.showIntro) lines.push(...wrapped(layout.intro, width, layout.introWarns ? style.warn : plain), '');
    lines.push(...choiceLines(choices, layout.limit, width, style), ...wrapped(layout.keysLine, width, style.dim));
  }
  if (!choices.every((choice) => narrowText.test(choice.label) && narrowText.test(choice.description ?? ''))) return undefined;
  // The app's box is the terminal's height less one row; what does not fit, Ink would cut.
  if (lines.length > rows - 1) return undefined;
  return [...lines, ...Array<string>(rows - 1 - lines.length).fill('')];
}
