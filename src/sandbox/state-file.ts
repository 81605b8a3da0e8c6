// --state FILE: the whole sandbox state saved after every change, atomically. A temp file in the same
// directory (created exclusively, under a random name) is written and flushed, then renamed over FILE;
// rename is atomic on POSIX filesystems, so a reader (or a restart after kill -9) sees either the
// previous state or the new one, never a mix.
import { existsSync, readFileSync } from 'node:fs';
import { removeStaleTemporaryFiles, writePrivateFileAtomically } from './private-files.js';
import { ScenarioError } from './scenario/scenario-error.js';
import type { SandboxState } from './state.js';
import { validateSavedState } from './state-validation.js';

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

/**
 * Reads a saved state; undefined when the file does not exist yet. A file that is not a whole, consistent
 * state is refused with one line naming the field (state-validation.ts), never served half-working.
 */
export async function readStateFile(path: string): Promise<SandboxState | undefined> {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StateFileError(`${path}: not a sandbox state file (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    return await validateSavedState(path, parsed);
  } catch (error) {
    if (error instanceof ScenarioError) throw new StateFileError(`${error.message} (not a usable sandbox state file)`);
    throw error;
  }
}

export function writeStateFileAtomically(path: string, state: SandboxState): void {
  // 0600: the state holds secret access keys and key material.
  writePrivateFileAtomically(path, JSON.stringify(state), { durable: true });
}

/** Removes temporary files a killed sandbox left beside the state file; called once at start. */
export function removeStaleStateTemporaryFiles(path: string): void {
  removeStaleTemporaryFiles(path);
}
