// Backups: before any write, the exact previous value of the target goes to a file of its own (mode 0600
// in a 0700 directory), because IAM keeps no history of inline policies and KMS none of key policies
// (SDK-AND-SAFETY §1.3, §1.6). A backup is a JSON record naming the target and its previous value, plus
// — for documents — a sibling file holding the exact previous text, so the restore command is a plain
// `aws … file://` command anyone can run without kms-doctor. Names start with the time, so `ls` sorts
// them. Nothing secret is ever stored: only ARNs, names, documents, states and IDs.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { fileSafe } from '../engine/fixes/cli-commands.js';
import { isObject } from '../engine/fixes/policy-documents.js';
import { LocalFileError, reasonOf } from '../files/new-files.js';
import { checkPrivateFile, preparePrivateDirectory } from '../files/private-directory.js';
import { restoreCommandFor } from './backup-commands.js';
import type { BackupRecord, BackupTargetType } from './backup-types.js';
import { backupTargetTypes } from './backup-types.js';

export type { BackupRecord, BackupTarget, BackupTargetType, Replacement } from './backup-types.js';

/** What the caller provides; writeBackup adds the format marker, the document file and the restore command. */
export type BackupInput = Omit<BackupRecord, 'kmsDoctorBackup' | 'createdAt' | 'documentFile' | 'restoreCommand' | 'digest'> & { readonly createdAt?: string };

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** `$XDG_STATE_HOME/kms-doctor/backups`, else `~/.local/state/kms-doctor/backups` (XDG Base Directory). */
export function defaultBackupDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME;
  // The XDG spec says a relative path in these variables is invalid and must be ignored.
  if (state !== undefined && state !== '' && isAbsolute(state)) return join(state, 'kms-doctor', 'backups');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.local', 'state', 'kms-doctor', 'backups');
}

const documentSuffix = '.document.json';

/**
 * Creates the backup directory (0700, with its parents) and checks that it is kms-doctor's own: a real
 * directory, not a symlink, owned by the user and writable by no one else (so /tmp itself or a 0777
 * directory is refused), and writable. Run before anything is diagnosed, asked or written, and again
 * before each backup. Throws a one-line BackupError naming the directory and the reason.
 */
export async function prepareBackupDir(dir: string): Promise<void> {
  try {
    preparePrivateDirectory(dir);
  } catch (error) {
    throw new BackupError(`${dir} cannot hold backups: ${error instanceof LocalFileError ? error.message : reasonOf(error)}`);
  }
}

/** 20250102T030405123Z: the creation time, sortable as text. */
const stampOf = (iso: string) => iso.replace(/[-:.]/g, '');

function nameOf(record: BackupInput): string {
  const t = record.target;
  const last = (arn: string) => arn.split('/').pop() ?? arn;
  const parts: Record<BackupTargetType, string> = {
    'key-policy': `key-policy-${last(t.arn)}`,
    'key-state': `key-state-${last(t.arn)}`,
    grant: `grant-${last(t.arn)}`,
    'inline-policy': `${t.principalKind ?? 'principal'}-policy-${t.principalName ?? last(t.arn)}-${t.policyName ?? ''}`,
    'managed-policy': `managed-policy-${last(t.arn)}`,
    'policy-version': `policy-version-${last(t.arn)}-${t.versionId ?? ''}`,
  };
  return fileSafe(parts[t.type]).slice(0, 100);
}

/** O_EXCL: never an existing file; O_NOFOLLOW: never through a symlink planted at the name. */
const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Creates the file only if it does not exist yet (no overwrite, ever), readable by its owner only. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  try {
    const handle = await open(path, createFlags, 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } catch (error) {
      // A backup cut short (a full disk) must not be left to look like a whole one.
      await handle.close();
      await unlink(path).catch(() => undefined);
      throw error;
    }
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function serialise(record: BackupRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** JSON with object keys sorted at every level: the same record always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `sha256:` and the SHA-256 of everything in the record but the digest itself (target, document, state,
 * restore command…). It detects a backup edited after kms-doctor wrote it; it is not a signature: whoever
 * can write the file can recompute it, which is why backups are 0600 files in a directory only the user
 * can write to.
 */
export function backupDigest(record: Omit<BackupRecord, 'digest'> | BackupRecord): string {
  const { digest: _digest, ...content } = record as BackupRecord;
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

const sealed = (record: Omit<BackupRecord, 'digest'>): BackupRecord => ({ ...record, digest: backupDigest(record) });

/** Writes a backup record (and its document file) and returns the record's path. */
export async function writeBackup(dir: string, input: BackupInput): Promise<string> {
  await prepareBackupDir(dir);
  const createdAt = input.createdAt ?? new Date().toISOString();
  const stem = `${stampOf(createdAt)}-${nameOf(input)}`;
  for (let n = 1; n < 1000; n += 1) {
    // "_" sorts after ".", so a second backup in the same millisecond lists after the first.
    const base = n === 1 ? stem : `${stem}_${String(n).padStart(3, '0')}`;
    const recordPath = join(dir, `${base}.json`);
    const documentPath = join(dir, `${base}${documentSuffix}`);
    // The document first: a record never points at a file that was not written.
    if (input.document !== undefined && !(await createExclusive(documentPath, input.document))) continue;
    const withFile = { ...input, ...(input.document !== undefined ? { documentFile: documentPath } : {}) };
    const record = sealed({ kmsDoctorBackup: 1, ...withFile, createdAt, restoreCommand: restoreCommandFor(withFile) });
    if (await createExclusive(recordPath, serialise(record))) return recordPath;
  }
  throw new BackupError(`could not find a free backup file name in ${dir} for ${stem}`);
}

/**
 * Adds what is known only after the write (the new grant's or version's ID) to a backup record, and
 * recomputes its restore command. The file is replaced atomically, so a crash leaves the old record whole.
 */
export async function updateBackup(path: string, changes: Partial<Pick<BackupRecord, 'grantId' | 'replacedBy'>>): Promise<BackupRecord> {
  const current = await readBackup(path);
  const merged = { ...current, ...changes };
  const record = sealed({ ...merged, restoreCommand: restoreCommandFor(merged) });
  const temporary = `${path}.${process.pid}.tmp`;
  if (!(await createExclusive(temporary, serialise(record)))) throw new BackupError(`${temporary} exists already; remove it and retry`);
  await rename(temporary, path);
  return record;
}

const stringOrAbsent = (value: unknown) => value === undefined || typeof value === 'string';

/** The problem with a parsed record, or undefined when it has the shape of a kms-doctor backup. */
function shapeProblem(value: unknown): string | undefined {
  if (!isObject(value) || value.kmsDoctorBackup === undefined) return 'it has no "kmsDoctorBackup" field';
  if (value.kmsDoctorBackup !== 1) return `its format ${JSON.stringify(value.kmsDoctorBackup)} is not one this version reads (1)`;
  const target = value.target;
  if (!isObject(target)) return 'it names no target';
  if (!backupTargetTypes.includes(target.type as BackupTargetType)) return `its target type ${JSON.stringify(target.type)} is unknown`;
  if (typeof target.arn !== 'string' || target.arn === '') return 'its target has no ARN';
  if (typeof target.accountId !== 'string') return 'its target has no account';
  if (typeof value.createdAt !== 'string' || typeof value.restoreCommand !== 'string' || typeof value.change !== 'string') return 'it lacks createdAt, change or restoreCommand';
  if (!stringOrAbsent(value.document) || !stringOrAbsent(value.grantId)) return 'its document or grantId is not text';
  if (!stringOrAbsent(value.previousDocument) || !stringOrAbsent(value.restoreNote)) return 'its previousDocument or restoreNote is not text';
  if (target.type === 'key-policy' && typeof value.document !== 'string') return 'it holds no key policy document';
  if (target.type === 'managed-policy' && (typeof value.document !== 'string' || typeof target.versionId !== 'string')) return 'it holds no policy version and document';
  if (target.type === 'key-state' && (!isObject(value.keyState) || typeof value.keyState.state !== 'string')) return 'it holds no key state';
  if (target.type === 'grant' && !isObject(value.grant)) return 'it holds no grant';
  return undefined;
}

/** Reads and checks a backup record; every failure is a one-line BackupError naming the file. */
export async function readBackup(path: string): Promise<BackupRecord> {
  if (path.endsWith(documentSuffix)) {
    throw new BackupError(`${path} holds only the document; pass the backup record next to it: ${path.slice(0, -documentSuffix.length)}.json`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new BackupError(`could not read the backup ${path}: ${e.code ?? 'error'}${e.code === 'ENOENT' ? ' (no such file)' : e.code === 'EACCES' ? ' (permission denied)' : ''}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new BackupError(`${basename(path)} is not a kms-doctor backup: it is not JSON`);
  }
  const problem = shapeProblem(value);
  if (problem !== undefined) throw new BackupError(`${path} is not a kms-doctor backup: ${problem}`);
  // Only a file no one else could have written is trusted as a backup (0600, the user's, not a link).
  try {
    checkPrivateFile(path);
  } catch (error) {
    throw new BackupError(error instanceof LocalFileError ? error.message : `could not read the backup ${path}: ${reasonOf(error)}`);
  }
  return value as BackupRecord;
}
