// The plain first frame (drawn before Ink loads) is the frame Ink then draws, at every size and with
// colour on or off, with credentials (how to start) and without (the training scenario list): Ink
// replaces it without a visible change only if the two are the same. Ink's own frame comes from the
// real App on its first screen.
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import chalk, { type ColorSupportLevel } from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import wrapAnsi from 'wrap-ansi';
import { createWizardRuntime, type WizardRuntime } from '../../src/live/wizard-actors.js';
import { requestOptionsOfAnswers } from '../../src/commands/wizard-answers.js';
import { builtInScenarios } from '../../src/sandbox/scenario/built-in-scenarios.js';
import { App } from '../../src/ui/app.js';
import { plainStartFrame, wrapAsInk } from '../../src/ui/plain-start-frame.js';
import { cleanupInk, renderInk, waitForFrame } from './ink-helpers.js';

const scenarios = builtInScenarios();
const runtimes: WizardRuntime[] = [];
const levelBefore = chalk.level;

afterEach(async () => {
  chalk.level = levelBefore;
  cleanupInk();
  for (const runtime of runtimes.splice(0)) await runtime.dispose();
});

/** Ink's first frame of the wizard in a terminal of that size. */
async function inkFrame(columns: number, rows: number, colour: boolean, credentialsFound: boolean): Promise<string> {
  const runtime = createWizardRuntime({ connection: {}, requestOptionsOf: requestOptionsOfAnswers, env: { AWS_EC2_METADATA_DISABLED: 'true' } });
  runtimes.push(runtime);
  const harness = renderInk(<App logic={runtime.machine} input={{ interactive: true, credentialsFound }} scenarios={scenarios} colour={colour} />, { columns, rows });
  // The keys line ends the screen ("q quit" may wrap at 40 columns; in colour a style's end follows it).
  return waitForFrame(harness, /quit(?:\u001b\[\d+m)*\s*$/);
}

/** A line as Ink writes it: its escapes in Ink's order (the same styled cells), trailing blanks trimmed. */
const asInkWrites = (line: string) => styledCharsToString(styledCharsFromTokens(tokenize(line))).trimEnd();

const sizes: (readonly [number, number])[] = [
  [80, 24],
  [40, 24],
  [40, 12],
  [50, 16],
  [60, 20],
  [72, 30],
  [100, 40],
  [120, 50],
  [132, 60],
  [200, 15],
];

describe.each([
  ['without credentials: the training scenarios', false],
  ['with credentials: how to start', true],
])('the plain first frame %s', (_, credentialsFound) => {
  // Where the screen is taller than the terminal (how to start at 40x12), Ink cuts it: the plain frame leaves those to Ink.
  const fitting = sizes.filter(([columns, rows]) => plainStartFrame({ scenarios, columns, rows, colour: false, credentialsFound }) !== undefined);
  it.each(fitting)('is the frame Ink draws at %ix%i, without colour', async (columns, rows) => {
    chalk.level = 0;
    const plain = plainStartFrame({ scenarios, columns, rows, colour: false, credentialsFound });
    expect(plain).toBeDefined();
    expect(plain!.map(asInkWrites).join('\n')).toBe(await inkFrame(columns, rows, false, credentialsFound));
    // NO_COLOR (colour off, chalk at level 0): not one escape.
    expect(plain!.join('\n')).not.toContain('\u001b');
  });

  it.each(fitting)('is the frame Ink draws at %ix%i, in colour', async (columns, rows) => {
    chalk.level = 2 as ColorSupportLevel;
    const plain = plainStartFrame({ scenarios, columns, rows, colour: true, credentialsFound });
    expect(plain!.map(asInkWrites).join('\n')).toBe(await inkFrame(columns, rows, true, credentialsFound));
    expect(plain!.join('\n')).toContain('\u001b[36m');
  });

  it('is left to Ink where Ink lays the wizard out wider or taller than the terminal, or cuts the screen', async () => {
    expect(plainStartFrame({ scenarios, columns: 39, rows: 24, colour: false, credentialsFound })).toBeUndefined();
    expect(plainStartFrame({ scenarios, columns: 80, rows: 9, colour: false, credentialsFound })).toBeUndefined();
    // 40x10: the screen is taller than the rows; Ink cuts it.
    expect(plainStartFrame({ scenarios, columns: 40, rows: 10, colour: false, credentialsFound })).toBeUndefined();
    // The usual sizes are drawn at once.
    expect(fitting).toEqual(expect.arrayContaining([[80, 24], [40, 24], [100, 40]]));
  });
});

describe('the plain frame wraps text', () => {
  it('as Ink does (wrap-ansi, trim off, hard), narrow and at the usual widths', () => {
    const texts = [
      ...scenarios.flatMap((s) => [`${s.summary} (${s.difficulty ?? ''})`, `❯ ${s.name} — ${s.title}`]),
      'No AWS credentials were found on this machine, so try a training scenario: it runs on an embedded sandbox, a local KMS, IAM and STS.',
      '↑↓ choose · Enter open · Esc other ways to start · ? help · q quit',
      'a  double  space, trailing space ',
      'arn:aws:kms:us-east-1:111122223333:key/e8cc4d9f-b6d5-419b-bc7c-b9d5577b573a is a long word',
      ' leading space and x',
    ];
    for (const text of texts) {
      // Narrow widths (words longer than the line), and those of 40-, 80-, 100- and 120-column terminals and their descriptions (4 less).
      for (const width of [1, 7, 21, 36, 37, 38, 39, 40, 60, 76, 80, 96, 100, 116, 120]) {
        expect(wrapAsInk(text, width).join('\n'), `${width}: ${text}`).toBe(wrapAnsi(text, width, { trim: false, hard: true }));
      }
    }
  });
});
