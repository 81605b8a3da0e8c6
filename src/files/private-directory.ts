// A directory kms-doctor keeps to itself (backups): created 0700 if missing, and refused unless it is a
// real directory (not a symlink), owned by the user running kms-doctor, and writable by no one else.
// Another user who can write into it could replace a backup with one that restores their own policy;
// /tmp itself, a 0777 directory or a link planted in place of the directory all fail these checks.
import { constants, accessSync, lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalFileError, makeDirectories, reasonOf } from './new-files.js';

/** The user's numeric ID, or undefined where there is none (Windows): ownership is then not checked. */
const currentUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `dir` (0700, parents as needed) when missing, then checks it. Throws a one-line LocalFileError
 * saying what is wrong with it ("it is a symbolic link…"); the caller names the directory.
 */
export function preparePrivateDirectory(dir: string): void {
  const path = resolve(dir);
  makeDirectories(path, 0o700);
  const info = lstatSync(path, { throwIfNoEntry: false });
  if (info === undefined) throw new LocalFileError('it could not be created');
  if (info.isSymbolicLink()) throw new LocalFileError('it is a symbolic link; give the directory itself');
  if (!info.isDirectory()) throw new LocalFileError('it exists and is not a directory');
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) throw new LocalFileError(`it belongs to another user (uid ${info.uid}); use a directory of your own`);
  if ((info.mode & 0o022) !== 0) {
    throw new LocalFileError(`it is writable by ${info.mode & 0o002 ? 'every user' : 'its group'} (mode ${octal(info.mode)}), who could replace a backup; use a directory only you can write to`);
  }
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new LocalFileError(reasonOf(error));
  }
}

/**
 * Checks a file kms-doctor wrote for itself before trusting it: a regular file (not a link), owned by
 * the user, readable and writable by no one else (0600 or stricter).
 */
export function checkPrivateFile(path: string): void {
  const info = lstatSync(path, { throwIfNoEntry: false });
  if (info === undefined) throw new LocalFileError(`${path}: no such file`);
  if (info.isSymbolicLink()) throw new LocalFileError(`${path} is a symbolic link; give the file itself`);
  if (!info.isFile()) throw new LocalFileError(`${path} is not a regular file`);
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) throw new LocalFileError(`${path} belongs to another user (uid ${info.uid}); kms-doctor only trusts backups you own`);
  if ((info.mode & 0o077) !== 0) {
    throw new LocalFileError(`${path} has mode ${octal(info.mode)}, so others could have changed it; kms-doctor writes backups 0600 (chmod 600 it only if you trust its content)`);
  }
}
