// --state FILE: the whole sandbox state saved after every change, atomically. A temp file in the same
// directory is written and flushed, then renamed over FILE; rename is atomic on POSIX filesystems, so a
// reader (or a restart after kill -9) sees either the previous state or the new one, never a mix.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stateFormatVersion, type SandboxState } from './state.js';

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

/** Reads a saved state; undefined when the file does not exist yet. */
export function readStateFile(path: string): SandboxState | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StateFileError(`${path}: not a sandbox state file (${error instanceof Error ? error.message : String(error)})`);
  }
  const state = parsed as Partial<SandboxState> | null;
  if (typeof state !== 'object' || state === null || state.formatVersion !== stateFormatVersion || typeof state.accounts !== 'object') {
    throw new StateFileError(`${path}: not a sandbox state file of format version ${stateFormatVersion}`);
  }
  return state as SandboxState;
}

export function writeStateFileAtomically(path: string, state: SandboxState): void {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${process.pid}.tmp`);
  // 0600: the state holds secret access keys and key material.
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  try {
    const directoryFd = openSync(directory, 'r');
    fsyncSync(directoryFd);
    closeSync(directoryFd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
