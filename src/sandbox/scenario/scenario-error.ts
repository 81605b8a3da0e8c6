// The one error a scenario can fail to load with, shaped so the CLI can print it as is.

/** A scenario that cannot be loaded. The message is one line: file, field path, what is wrong. */
export class ScenarioError extends Error {
  constructor(
    /** The scenario file as the user named it (or scenarios/NAME.json for a built-in). */
    readonly file: string,
    /** Where in the file, e.g. `keys[0].policy.Statement[1].Principal`; empty for the whole file. */
    readonly fieldPath: string,
    readonly problem: string,
  ) {
    super(oneLine(fieldPath ? `${file}: ${fieldPath}: ${problem}` : `${file}: ${problem}`));
    this.name = 'ScenarioError';
  }
}

// Problems may quote multi-line text (parser messages, policy validator output); the CLI prints one line.
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
