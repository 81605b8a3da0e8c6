// Backups: before any write, the exact previous value of the target goes to a file of its own (mode 0600
// in a 0700 directory), because IAM keeps no history of inline policies and KMS none of key policies
// (SDK-AND-SAFETY §1.3, §1.6). A backup is a JSON record naming the target and its previous value, plus
// — for documents — a sibling file holding the exact previous text, so the restore command is a plain
// `aws … file://` command anyone can run without kms-doctor. Names start with the time, so `ls` sorts
// them. Nothing secret is ever stored: only ARNs, names, documents, states and IDs.
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { fileSafe } from '../engine/fixes/cli-commands.js';
import { isObject } from '../engine/fixes/policy-documents.js';
import { restoreCommandFor } from './backup-commands.js';
import type { BackupRecord, BackupTargetType } from './backup-types.js';
import { backupTargetTypes } from './backup-types.js';

export type { BackupRecord, BackupTarget, BackupTargetType, Replacement } from './backup-types.js';

/** What the caller provides; writeBackup adds the format marker, the document file and the restore command. */
export type BackupInput = Omit<BackupRecord, 'kmsDoctorBackup' | 'createdAt' | 'documentFile' | 'restoreCommand'> & { readonly createdAt?: string };

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
 * Creates the backup directory (0700, with its parents) and checks that backups can be written in it,
 * so an unusable `--backup-dir` is reported before anything is diagnosed, asked or written. Throws a
 * one-line BackupError naming the directory and the reason.
 */
export async function prepareBackupDir(dir: string): Promise<void> {
  const why = (error: unknown) => {
    const e = error as NodeJS.ErrnoException;
    const words: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      ENOTDIR: 'a part of the path is a file, not a directory',
      EEXIST: 'it exists and is not a directory',
      EROFS: 'the file system is read-only',
      ENOSPC: 'no space left on the device',
    };
    return (e.code !== undefined ? words[e.code] : undefined) ?? e.code ?? (error instanceof Error ? error.message : String(error));
  };
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await stat(dir);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'EEXIST' });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new BackupError(`${dir} cannot hold backups: ${why(error)}`);
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

/** Creates the file only if it does not exist yet (no overwrite, ever), readable by its owner only. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function serialise(record: BackupRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Writes a backup record (and its document file) and returns the record's path. */
export async function writeBackup(dir: string, input: BackupInput): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
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
    const record: BackupRecord = { kmsDoctorBackup: 1, ...withFile, createdAt, restoreCommand: restoreCommandFor(withFile) };
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
  const record: BackupRecord = { ...merged, restoreCommand: restoreCommandFor(merged) };
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
  return value as BackupRecord;
}
