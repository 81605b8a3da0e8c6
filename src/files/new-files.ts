// Files kms-doctor writes where other people may also write (--fix-files DIR, backups, transcripts):
// each one is created new, never opened through a symlink and never overwritten, so a link planted at a
// predictable name (kms-doctor-key-policy-<id>.json) cannot make kms-doctor write somewhere else.
// Directories are created one component at a time, because Node's recursive mkdir never returns on a
// path under /proc (it retries the ENOENT the kernel answers, at 100% CPU).
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/** A file or directory that cannot be written as asked; the message is one line naming the path and why. */
export class LocalFileError extends Error {
  override readonly name = 'LocalFileError';
}

const reasons: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'it exists already',
  ELOOP: 'it is a symbolic link',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  ENOENT: 'no such file or directory, and it cannot be created there',
  EISDIR: 'it is a directory',
  ENAMETOOLONG: 'the name is too long',
};

/** Node's error code in words (EACCES → "permission denied"); the code itself when we have no words for it. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return reasons[code] ?? code;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/**
 * `mkdir -p` without `recursive: true`: each missing component is created with `mode`; an existing one
 * must be a directory (a symlink to one is followed, as the shell does). Returns the directories it
 * created, deepest last. Fails at once with a LocalFileError, never loops.
 */
export function makeDirectories(path: string, mode = 0o777): string[] {
  const target = resolve(path);
  const missing: string[] = [];
  for (let at = target; ; at = dirname(at)) {
    let exists = true;
    try {
      lstatSync(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new LocalFileError(`${reasonOf(error)} (${at})`);
      exists = false;
    }
    if (exists || dirname(at) === at) break;
    missing.unshift(at);
  }
  const created: string[] = [];
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode });
      created.push(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new LocalFileError(`${reasonOf(error)} (creating ${dir})`);
    }
  }
  return created;
}

/** How a new file was placed: written, or an identical regular file was already there. */
export type NewFileOutcome = 'written' | 'identical';

const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** True when `path` is a regular file (not a link) holding exactly `content`. */
function holdsExactly(path: string, content: string): boolean {
  try {
    if (!lstatSync(path).isFile()) return false;
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return readFileSync(fd, 'utf8') === content;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Creates `path` with `content` only if nothing is at that name (O_CREAT|O_EXCL|O_NOFOLLOW: a symlink,
 * even a dangling one, counts as something). A regular file already holding exactly `content` is
 * accepted as it is (running the same command twice is not an error). Anything else is refused with
 * a LocalFileError; a file that could not be written whole is removed.
 */
export function createNewFile(path: string, content: string, mode = 0o644): NewFileOutcome {
  let fd: number;
  try {
    fd = openSync(path, createFlags, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'EEXIST' || code === 'ELOOP') && holdsExactly(path, content)) return 'identical';
    const what = code === 'EEXIST' || code === 'ELOOP' ? describeExisting(path) : reasonOf(error);
    throw new LocalFileError(`${path}: ${what}${code === 'EEXIST' || code === 'ELOOP' ? '; kms-doctor never writes over an existing file (remove it, or choose another directory)' : ''}`);
  }
  try {
    const bytes = Buffer.from(content, 'utf8');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw new LocalFileError(`${path}: ${reasonOf(error)}; nothing was left behind`);
  }
  closeSync(fd);
  return 'written';
}

function describeExisting(path: string): string {
  try {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) return 'a symbolic link is in the way';
    if (info.isDirectory()) return 'a directory is in the way';
    return 'a different file exists already';
  } catch {
    return 'something is in the way';
  }
}

/**
 * Writes several new files into `dir` (created if missing) all or nothing: a refusal of any of them
 * removes the ones this call created. Returns each file's outcome, in order.
 */
export function createNewFiles(dir: string, files: readonly { readonly name: string; readonly content: string }[], mode = 0o644): NewFileOutcome[] {
  makeDirectories(dir);
  const written: string[] = [];
  const outcomes: NewFileOutcome[] = [];
  try {
    for (const file of files) {
      if (file.name.includes(sep) || file.name === '..' || file.name === '.') throw new LocalFileError(`${file.name}: not a plain file name`);
      const path = `${resolve(dir)}${sep}${file.name}`;
      const outcome = createNewFile(path, file.content, mode);
      if (outcome === 'written') written.push(path);
      outcomes.push(outcome);
    }
  } catch (error) {
    for (const path of written) unlinkSync(path);
    throw error;
  }
  return outcomes;
}
