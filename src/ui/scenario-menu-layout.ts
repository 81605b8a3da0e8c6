// What the training scenario list shows at a given terminal size: its intro, how many scenarios fit,
// their labels (cut to one line when the list scrolls) and the keys line. Pure and free of Ink, so the
// Ink screen (screens/start-screen.tsx) and the plain first frame drawn before Ink loads
// (plain-start-frame.ts) take their text and their arithmetic from this one place.
import type { Choice } from './components/choice-list.js';

/** A built-in scenario as the menu lists it. */
export interface ScenarioChoice {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly difficulty?: string;
}

export interface ScenarioMenuInput {
  readonly scenarios: readonly ScenarioChoice[];
  /** Columns the screen has (useTerminalWidth: at least 40). */
  readonly width: number;
  /** Rows the terminal has, or undefined when it does not say. */
  readonly rows: number | undefined;
  readonly credentialsFound: boolean;
  readonly trainingCourse?: boolean;
  readonly doneScenarios?: readonly string[];
  readonly trainingScores?: Readonly<Record<string, { readonly right: number; readonly asked: number }>>;
  readonly startError?: string;
}

export interface ScenarioMenuLayout {
  readonly title: string;
  readonly intro: string;
  readonly showIntro: boolean;
  /** The intro is a warning (no credentials outside the training course). */
  readonly introWarns: boolean;
  readonly choices: readonly Choice<string>[];
  /** Scenarios shown at once; the list scrolls around the focus. */
  readonly limit: number;
  readonly keysLine: string;
}

/** Lines `text` takes when wrapped at `width` (words may push a line further: one spare line each wrap). */
export const linesOf = (text: string, width: number) => (text.length <= width ? 1 : Math.ceil(text.length / width) + 1);

/** A label on one line: cut with … when the terminal is narrower (the focused item's description says the rest). */
const oneLine = (label: string, width: number) => (label.length <= width ? label : `${label.slice(0, Math.max(1, width - 1))}…`);

export function scenarioMenuLayout(input: ScenarioMenuInput): ScenarioMenuLayout {
  const { width, rows, trainingCourse = false, credentialsFound, startError } = input;
  const done = new Set(input.doneScenarios ?? []);
  // The training course shows each finished scenario's best score next to its done mark.
  const score = (name: string) => {
    const kept = input.trainingScores?.[name];
    return kept && kept.asked > 0 ? ` · ${kept.right}/${kept.asked} right` : '';
  };
  const listed = input.scenarios.filter((s) => s.name !== 'blank');
  const intro = trainingCourse
    ? `The training course: before each step's data you predict what it will show, then see whether you were right. ${listed.filter((s) => done.has(s.name)).length} of ${listed.length} done.`
    : credentialsFound
      ? 'Each scenario runs on an embedded sandbox: a local KMS, IAM and STS, started on a free port of this machine.'
      : 'No AWS credentials were found on this machine, so try a training scenario: it runs on an embedded sandbox, a local KMS, IAM and STS.';
  const keysLine = `↑↓ choose · Enter open · ${trainingCourse ? '' : 'Esc other ways to start · '}? help · q quit`;
  const descriptionLines = Math.max(0, ...listed.map((s) => linesOf(`${s.summary} (${s.difficulty ?? ''})`, width - 4)));
  // The screen's rows: the terminal's less Ink's spare row and the header's two. A list taller than
  // what is left scrolls around the focus (one line per item: labels are cut to the width), so the
  // title, the intro and the keys are never squeezed or drawn over.
  const room = rows === undefined ? undefined : rows - 3;
  const fixed = (withIntro: boolean) =>
    1 + (withIntro ? linesOf(intro, width) + 1 : 0) + linesOf(keysLine, width) + descriptionLines + 2 + (startError ? linesOf(startError, width) : 0);
  const showIntro = room === undefined || room - fixed(true) >= 3;
  const limit = room === undefined ? listed.length : Math.max(1, Math.min(listed.length, room - fixed(showIntro)));
  const cut = room !== undefined && limit < listed.length;
  const choices = listed.map((s) => {
    const label = `${done.has(s.name) ? '✔ ' : ''}${s.name} — ${s.title}${s.difficulty ? ` (${s.difficulty})` : ''}${done.has(s.name) ? score(s.name) : ''}`;
    const shown = cut ? oneLine(label, width - 2) : label;
    // A label cut short may have lost the difficulty: the description carries it.
    return { value: s.name, label: shown, description: shown !== label && s.difficulty ? `${s.summary} (${s.difficulty})` : s.summary };
  });
  return { title: 'Training scenarios', intro, showIntro, introWarns: !trainingCourse && !credentialsFound, choices, limit, keysLine };
}
