// `kms-doctor train` refuses bad input in one line, as a user meets it (the built CLI): an argument it
// does not take, a progress file that is not a progress document or that others can read (never reset
// without a word), and no terminal. --help prints the usage.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKmsDoctor } from '../helpers/sandbox-process.js';

let stateHome: string;
let progress: string;
beforeEach(() => {
  stateHome = mkdtempSync(join(tmpdir(), 'kms-doctor-train-cli-'));
  mkdirSync(join(stateHome, 'kms-doctor'), { mode: 0o700 });
  progress = join(stateHome, 'kms-doctor', 'training.json');
});
afterEach(() => rmSync(stateHome, { recursive: true, force: true }));

const bounded = { timeoutMs: 30_000 };
const run = (args: string[]) => runKmsDoctor(['train', ...args], { XDG_STATE_HOME: stateHome }, bounded);

describe('kms-doctor train: bad input', () => {
  it('--help prints the usage with where progress is kept', async () => {
    const result = await run(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: kms-doctor train');
    expect(result.stdout).toContain('$XDG_STATE_HOME/kms-doctor/training.json');
  });

  it('an argument: one line, exit 2', async () => {
    const result = await run(['key-disabled']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("kms-doctor: train takes no arguments, not 'key-disabled' (kms-doctor train --help)\n");
  });

  it('a progress file that is not JSON: one line naming it, exit 1, the file kept as it was', async () => {
    writeFileSync(progress, '{not json', { mode: 0o600 });
    const result = await run([]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`kms-doctor: ${progress}: not a training progress file (not JSON)\n`);
    expect(readFileSync(progress, 'utf8')).toBe('{not json');
  });

  it('a progress file others can read: refused in one line', async () => {
    writeFileSync(progress, JSON.stringify({ version: 1, scenarios: {} }));
    chmodSync(progress, 0o644);
    const result = await run([]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toContain(progress);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('no terminal: one line, exit 2', async () => {
    const result = await run([]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('kms-doctor: the training course needs a terminal\n');
  });
});
