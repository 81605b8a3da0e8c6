// --state FILE: the whole sandbox state saved after every change, atomically. A temp file in the same
// directory (created exclusively, under a random name) is written and flushed, then renamed over FILE;
// rename is atomic on POSIX filesystems, so a reader (or a restart after kill -9) sees either the
// previous state or the new one, never a mix.
import { existsSync, readFileSync } from 'node:fs';
import { removeStaleTemporaryFiles, writePrivateFileAtomically } from './private-files.js';
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
  // 0600: the state holds secret access keys and key material.
  writePrivateFileAtomically(path, JSON.stringify(state), { durable: true });
}

/** Removes temporary files a killed sandbox left beside the state file; called once at start. */
export function removeStaleStateTemporaryFiles(path: string): void {
  removeStaleTemporaryFiles(path);
}
