// The training course's progress (`kms-doctor train`): which scenarios a trainee finished, and their
// prediction score. Kept in the user's XDG state directory ($XDG_STATE_HOME/kms-doctor/training.json,
// else ~/.local/state/kms-doctor/training.json), because it is state worth keeping between runs but
// not configuration. The directory is private (0700, checked like the backups') and the file is
// replaced atomically (a new 0600 file, fsynced, renamed over the old one), so a crash or a second
// kms-doctor never leaves half a JSON document behind.
import { closeSync, constants, fsyncSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { LocalFileError, reasonOf } from './new-files.js';
import { checkPrivateFile, preparePrivateDirectory } from './private-directory.js';

/** One finished scenario: when, and how many predictions were right out of how many. */
export interface ScenarioProgress {
  readonly finishedAt: string;
  readonly right: number;
  readonly asked: number;
}

/** Every finished scenario, by scenario name. */
export interface TrainingProgress {
  readonly version: 1;
  readonly scenarios: Readonly<Record<string, ScenarioProgress>>;
}

export const emptyProgress: TrainingProgress = { version: 1, scenarios: {} };

/**
 * The progress file's path. XDG says a relative XDG_STATE_HOME is invalid and must be ignored, so it
 * is, like an empty one.
 */
export function trainingProgressPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  return join(base, 'kms-doctor', 'training.json');
}

function isScenarioProgress(value: unknown): value is ScenarioProgress {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry['finishedAt'] === 'string' &&
    Number.isInteger(entry['right']) &&
    Number.isInteger(entry['asked']) &&
    (entry['right'] as number) >= 0 &&
    (entry['right'] as number) <= (entry['asked'] as number)
  );
}

/**
 * Reads the progress. No file yet is an empty course; a file that is not ours (a link, another
 * owner, readable by others) or not a progress document is refused with a one-line LocalFileError
 * rather than silently reset, so the trainee's record is never lost without a word.
 */
export function readTrainingProgress(path: string): TrainingProgress {
  if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return emptyProgress;
  checkPrivateFile(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LocalFileError(`${path}: not a training progress file (${error instanceof SyntaxError ? 'not JSON' : reasonOf(error)})`);
  }
  const document = parsed as Partial<TrainingProgress> | null;
  if (typeof document !== 'object' || document === null || document.version !== 1 || typeof document.scenarios !== 'object' || document.scenarios === null) {
    throw new LocalFileError(`${path}: not a training progress file (expected {"version": 1, "scenarios": {…}})`);
  }
  const scenarios: Record<string, ScenarioProgress> = {};
  for (const [name, entry] of Object.entries(document.scenarios)) {
    if (!isScenarioProgress(entry)) throw new LocalFileError(`${path}: the entry for scenario ${JSON.stringify(name)} is not a finished scenario`);
    scenarios[name] = { finishedAt: entry.finishedAt, right: entry.right, asked: entry.asked };
  }
  return { version: 1, scenarios };
}

/** Writes the whole progress: a new 0600 file next to it, fsynced, then renamed over it. */
export function writeTrainingProgress(path: string, progress: TrainingProgress): void {
  const dir = join(path, '..');
  try {
    preparePrivateDirectory(dir);
  } catch (error) {
    throw new LocalFileError(`${dir}: ${error instanceof LocalFileError ? error.message : reasonOf(error)}`);
  }
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new LocalFileError(`${temporary}: ${reasonOf(error)}`);
  }
  try {
    const bytes = Buffer.from(`${JSON.stringify(progress, null, 2)}\n`, 'utf8');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(temporary);
    throw new LocalFileError(`${path}: ${reasonOf(error)}; the previous progress is kept`);
  }
}

/**
 * Records a finished scenario. A later run keeps the better score (a trainee replaying a scenario to
 * practise does not lose the record of having got it right).
 */
export function recordScenarioFinished(path: string, scenario: string, right: number, asked: number, now: Date = new Date()): TrainingProgress {
  const current = readTrainingProgress(path);
  const previous = current.scenarios[scenario];
  const better = previous === undefined || right * Math.max(previous.asked, 1) >= previous.right * Math.max(asked, 1);
  const entry: ScenarioProgress = better ? { finishedAt: now.toISOString(), right, asked } : previous;
  const next: TrainingProgress = { version: 1, scenarios: { ...current.scenarios, [scenario]: entry } };
  writeTrainingProgress(path, next);
  return next;
}
