// The training course's progress file: where it lives (XDG), how it is written (0600 in a 0700
// directory, replaced atomically) and what it refuses (a planted link, a file others can read, a
// document that is not ours), on the real file system.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFileError } from '../../src/files/new-files.js';
import { readTrainingProgress, recordScenarioFinished, trainingProgressPath, writeTrainingProgress } from '../../src/files/training-progress.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-progress-'));
  dirs.push(dir);
  return dir;
}

describe('training progress', () => {
  it('lives under $XDG_STATE_HOME, else ~/.local/state; a relative XDG_STATE_HOME is ignored as XDG says', () => {
    expect(trainingProgressPath({ XDG_STATE_HOME: '/srv/state' }, '/home/ana')).toBe('/srv/state/kms-doctor/training.json');
    expect(trainingProgressPath({}, '/home/ana')).toBe('/home/ana/.local/state/kms-doctor/training.json');
    expect(trainingProgressPath({ XDG_STATE_HOME: 'state' }, '/home/ana')).toBe('/home/ana/.local/state/kms-doctor/training.json');
    expect(trainingProgressPath({ XDG_STATE_HOME: '' }, '/home/ana')).toBe('/home/ana/.local/state/kms-doctor/training.json');
  });

  it('starts empty, and a finished scenario is written 0600 in a 0700 directory it creates, then read back', () => {
    const path = trainingProgressPath({ XDG_STATE_HOME: join(newDir(), 'state') });
    expect(readTrainingProgress(path).scenarios).toEqual({});
    recordScenarioFinished(path, 'key-disabled', 2, 3, new Date('2026-12-02T07:00:00Z'));
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(path, '..')).mode & 0o777).toBe(0o700);
    expect(readTrainingProgress(path).scenarios).toEqual({ 'key-disabled': { finishedAt: '2026-12-02T07:00:00.000Z', right: 2, asked: 3 } });
    // The atomic write leaves no temporary file behind.
    expect(readdirSync(join(path, '..'))).toEqual(['training.json']);
  });

  it('keeps the other scenarios and the better score of a replayed one', () => {
    const path = join(newDir(), 'kms-doctor', 'training.json');
    recordScenarioFinished(path, 'key-disabled', 3, 3);
    recordScenarioFinished(path, 'no-iam-delegation', 1, 4);
    recordScenarioFinished(path, 'key-disabled', 1, 3);
    const progress = readTrainingProgress(path);
    expect(progress.scenarios['key-disabled']).toMatchObject({ right: 3, asked: 3 });
    expect(progress.scenarios['no-iam-delegation']).toMatchObject({ right: 1, asked: 4 });
    recordScenarioFinished(path, 'no-iam-delegation', 4, 4);
    expect(readTrainingProgress(path).scenarios['no-iam-delegation']).toMatchObject({ right: 4, asked: 4 });
  });

  it('never writes through a link planted at the file name: the rename replaces the link, the target stays untouched', () => {
    const root = newDir();
    const dir = join(root, 'kms-doctor');
    mkdirSync(dir, { mode: 0o700 });
    const target = join(root, 'victim.txt');
    writeFileSync(target, 'precious');
    const path = join(dir, 'training.json');
    symlinkSync(target, path);
    expect(() => readTrainingProgress(path)).toThrow(/symbolic link/);
    writeTrainingProgress(path, { version: 1, scenarios: {} });
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(lstatSync(path).isFile()).toBe(true);
  });

  it('refuses a directory others can write to, a file others can read, and a file that is not a progress document, in one line each', () => {
    const root = newDir();
    const open = join(root, 'open');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o777);
    expect(() => writeTrainingProgress(join(open, 'training.json'), { version: 1, scenarios: {} })).toThrow(/writable by every user/);

    const dir = join(root, 'kms-doctor');
    mkdirSync(dir, { mode: 0o700 });
    const path = join(dir, 'training.json');
    writeFileSync(path, '{"version":1,"scenarios":{}}', { mode: 0o644 });
    chmodSync(path, 0o644);
    expect(() => readTrainingProgress(path)).toThrow(/mode 0644/);

    for (const content of ['not json', '{"version":2,"scenarios":{}}', '{"version":1,"scenarios":{"x":{"finishedAt":"t","right":5,"asked":2}}}']) {
      rmSync(path);
      writeFileSync(path, content, { mode: 0o600 });
      let caught: unknown;
      try {
        readTrainingProgress(path);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(LocalFileError);
      expect((caught as Error).message).not.toContain('\n');
      expect((caught as Error).message).toContain('not');
    }
    // A refused document is left as it was, never reset.
    expect(() => recordScenarioFinished(path, 'key-disabled', 1, 1)).toThrow(LocalFileError);
    expect(readFileSync(path, 'utf8')).toContain('"right":5');
  });
});
