// Files that hold secrets (the state file, the AWS credentials file), written so that a reader never
// sees half a file and nobody else can redirect the write: each goes to a temporary file in the same
// directory, created exclusively ('wx': a symlink or file planted at that name makes the open fail,
// never followed) under an unguessable name, mode 0600 from the start, then renamed over the target.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The name of a fresh temporary file for `path`: `.NAME.PID.RANDOM.tmp` beside it. */
function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Temporary files of ours for `path`: `.NAME.PID.RANDOM.tmp`, and the names earlier versions used
 * (`.NAME.PID.tmp` for the state file, `NAME.PID.tmp` for profiles). The PID is captured.
 */
function temporaryFilePattern(path: string): RegExp {
  return new RegExp(`^\\.?${escapeRegExp(basename(path))}\\.(\\d+)(?:\\.[0-9a-f]+)?\\.tmp$`);
}

function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a crashed writer of `path` left behind (a kill -9 between open and rename).
 * Only names of ours whose process is gone, or is this one (which has no write in flight: writes are
 * synchronous), and only files or symlinks (unlinking a symlink never touches its target).
 */
export function removeStaleTemporaryFiles(path: string): void {
  const directory = dirname(path);
  const pattern = temporaryFilePattern(path);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && processIsAlive(pid)) continue;
    const candidate = join(directory, name);
    try {
      const stats = lstatSync(candidate);
      if (stats.isFile() || stats.isSymbolicLink()) unlinkSync(candidate);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
}

/**
 * Writes `content` to `path` atomically with mode 0600. `durable` also flushes the file and its
 * directory, so that after a crash the file is either the previous version or this one.
 */
export function writePrivateFileAtomically(path: string, content: string, { durable = false }: { durable?: boolean } = {}): void {
  const temporary = temporaryPathFor(path);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      // The umask may have taken bits away from 0600, never added any; make it exactly 0600.
      fchmodSync(fd, 0o600);
      writeSync(fd, content);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed or never written.
    }
    throw error;
  }
  if (durable) {
    try {
      const directoryFd = openSync(dirname(path), 'r');
      try {
        fsyncSync(directoryFd);
      } finally {
        closeSync(directoryFd);
      }
    } catch {
      // Some filesystems refuse fsync on directories; the rename is still atomic.
    }
  }
}

export class DirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryError';
  }
}

const reasons: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  // mkdir under /proc or /sys: the parent exists but takes no new entries.
  ENOENT: 'the filesystem does not allow it',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'a directory is in the way',
};

/** A short, human reason for a filesystem error (no "ENOTDIR: …, mkdir '…'"). */
export function filesystemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && reasons[code]) ?? (code ? `error ${code}` : String(error));
}

/**
 * Creates `dir` and its missing parents with mode 0700, or says in one line why it cannot. Written out
 * rather than mkdirSync({ recursive: true }), which loops forever on a path under /proc and reports a
 * file in the way only as a raw EEXIST or ENOTDIR.
 */
export function ensurePrivateDirectory(dir: string): void {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    let stats;
    try {
      stats = statSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new DirectoryError(`${dir}: cannot use ${current} (${filesystemReason(error)})`);
      missing.unshift(current);
      const parent = dirname(current);
      if (parent === current) throw new DirectoryError(`${dir}: cannot create it (${filesystemReason(error)})`);
      current = parent;
      continue;
    }
    if (!stats.isDirectory()) {
      throw new DirectoryError(current === dir ? `${dir} exists and is not a directory` : `${dir}: cannot create it, ${current} is not a directory`);
    }
    break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(path).isDirectory()) continue;
      throw new DirectoryError(`${dir}: cannot create ${path === dir ? 'it' : path} (${filesystemReason(error)})`);
    }
  }
}
