// Backups: exact previous text, owner-only files, names sortable by time, clear errors, nothing secret.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupError, defaultBackupDir, readBackup, updateBackup, writeBackup, type BackupInput } from '../../src/apply/backup.js';
import { backupTrustProblems } from '../../src/apply/backup-trust.js';
import { restorableKeyPolicy } from '../../src/apply/restorable-key-policy.js';

const account = '111122223333';
const keyArn = `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
// Deliberately odd formatting: the backup must keep the text exactly, not a re-serialisation.
const previous = '{\n    "Version":"2012-10-17",\n  "Statement": [ {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"} ]}';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-backup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const keyPolicyBackup = (createdAt?: string): BackupInput => ({
  change: 'put-key-policy',
  target: { type: 'key-policy', arn: keyArn, accountId: account, region: 'us-east-1', policyName: 'default' },
  document: previous,
  replacedBy: { document: '{}' },
  appliedBy: `arn:aws:iam::${account}:user/admin`,
  ...(createdAt ? { createdAt } : {}),
});

describe('backups', () => {
  it('round-trips the exact previous document, with a restore command that reads it from a file', async () => {
    const dir = join(scratch(), 'state', 'backups');
    const path = await writeBackup(dir, keyPolicyBackup());
    const record = await readBackup(path);
    expect(record).toMatchObject({ kmsDoctorBackup: 1, change: 'put-key-policy', target: { type: 'key-policy', arn: keyArn, accountId: account, region: 'us-east-1' }, document: previous });
    expect(readFileSync(record.documentFile!, 'utf8')).toBe(previous);
    expect(record.restoreCommand).toBe(`aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://${record.documentFile} --region us-east-1`);
    expect(new Date(record.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('writes files readable by their owner only, in a directory only the owner can enter', async () => {
    const dir = join(scratch(), 'new', 'backups');
    const path = await writeBackup(dir, keyPolicyBackup());
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    const updated = await updateBackup(path, { replacedBy: { document: '{}', versionId: 'v2' } });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(updated.replacedBy?.versionId).toBe('v2');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('names files by time first, then target, so they sort in the order they were taken and never overwrite', async () => {
    const dir = scratch();
    const later = await writeBackup(dir, keyPolicyBackup('2026-03-01T10:00:00.000Z'));
    const earlier = await writeBackup(dir, keyPolicyBackup('2026-02-28T23:59:59.999Z'));
    const same = await writeBackup(dir, keyPolicyBackup('2026-03-01T10:00:00.000Z'));
    const records = readdirSync(dir).filter((n) => !n.endsWith('.document.json')).sort();
    expect(records.map((n) => join(dir, n))).toEqual([earlier, later, same]);
    expect(later).toMatch(/20260301T100000000Z-key-policy-1234abcd-12ab-34cd-56ef-1234567890ab\.json$/);
    expect(same).not.toBe(later);
  });

  it('stores inline-policy, key-state and grant backups with the command that undoes the change', async () => {
    const dir = scratch();
    const absent = await readBackup(await writeBackup(dir, {
      change: 'put-role-policy',
      target: { type: 'inline-policy', arn: `arn:aws:iam::${account}:role/app`, accountId: account, policyName: 'kms-doctor-1234abcd', principalKind: 'role', principalName: 'app' },
      replacedBy: { document: '{}' },
    }));
    expect(absent.document).toBeUndefined();
    expect(absent.restoreCommand).toBe('aws iam delete-role-policy --role-name app --policy-name kms-doctor-1234abcd');
    const state = await readBackup(await writeBackup(dir, {
      change: 'cancel-key-deletion',
      target: { type: 'key-state', arn: keyArn, accountId: account, region: 'us-east-1' },
      keyState: { state: 'PendingDeletion', deletionDate: '2026-04-01T00:00:00.000Z', pendingWindowInDays: 7 },
      replacedBy: { keyState: 'Disabled' },
    }));
    expect(state.restoreCommand).toBe(`aws kms schedule-key-deletion --key-id ${keyArn} --pending-window-in-days 7 --region us-east-1`);
    const grantPath = await writeBackup(dir, {
      change: 'create-grant',
      target: { type: 'grant', arn: keyArn, accountId: account, region: 'us-east-1' },
      grant: { granteePrincipal: `arn:aws:iam::${account}:role/app`, operations: ['Decrypt'], existed: false },
    });
    const grant = await updateBackup(grantPath, { grantId: 'g-123' });
    expect(grant.restoreCommand).toBe(`aws kms revoke-grant --key-id ${keyArn} --grant-id g-123 --region us-east-1`);
  });

  it('says clearly, in one line, when a file is not a backup or cannot be read', async () => {
    const dir = scratch();
    const message = async (path: string) => {
      const error = await readBackup(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupError);
      const text = (error as Error).message;
      expect(text).not.toContain('\n');
      return text;
    };
    expect(await message(join(dir, 'missing.json'))).toMatch(/could not read the backup .*missing\.json: ENOENT \(no such file\)/);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    expect(await message(join(dir, 'notes.txt'))).toBe('notes.txt is not a kms-doctor backup: it is not JSON');
    writeFileSync(join(dir, 'policy.json'), previous);
    expect(await message(join(dir, 'policy.json'))).toMatch(/is not a kms-doctor backup: it has no "kmsDoctorBackup" field/);
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ kmsDoctorBackup: 2 }));
    expect(await message(join(dir, 'future.json'))).toMatch(/format 2 is not one this version reads/);
    const record = await readBackup(await writeBackup(dir, keyPolicyBackup()));
    expect(await message(record.documentFile!)).toMatch(/holds only the document; pass the backup record next to it/);
  });

  it('holds no secret: only ARNs, names, documents and states', async () => {
    const dir = scratch();
    await writeBackup(dir, keyPolicyBackup());
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text).not.toMatch(/AKIA|ASIA|secret|session.?token|password/i);
    }
  });

  it('lives under $XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultBackupDir({ XDG_STATE_HOME: '/var/state', HOME: '/home/u' })).toBe('/var/state/kms-doctor/backups');
    expect(defaultBackupDir({ HOME: '/home/u' })).toBe('/home/u/.local/state/kms-doctor/backups');
    // A relative XDG path is invalid per the spec, and ignored.
    expect(defaultBackupDir({ XDG_STATE_HOME: 'state', HOME: '/home/u' })).toBe('/home/u/.local/state/kms-doctor/backups');
  });
});

describe('a key policy naming a deleted principal: the backup restores what KMS accepts, with the same access', () => {
  const stale = 'AROAEXAMPLEOLDROLEID1';
  const role = `arn:aws:iam::${account}:role/App`;
  const before = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'App', Effect: 'Allow', Principal: { AWS: stale }, Action: 'kms:Decrypt', Resource: '*' },
      { Sid: 'Shared', Effect: 'Allow', Principal: { AWS: [stale, `arn:aws:iam::${account}:role/Other`] }, Action: 'kms:Encrypt', Resource: '*' },
    ],
  });
  const fixed = before.replace(`"AWS":"${stale}"`, `"AWS":"${role}"`).replace(`["${stale}",`, '[');

  it('leaves out the orphaned IDs the change removed: a statement left with no principal goes, the others keep their other principals', () => {
    const restorable = restorableKeyPolicy(before, fixed)!;
    expect(restorable.removed).toEqual([stale]);
    expect(JSON.parse(restorable.document).Statement).toEqual([
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'Shared', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/Other` }, Action: 'kms:Encrypt', Resource: '*' },
    ]);
    // Nothing to leave out: the previous text is restored as it was.
    expect(restorableKeyPolicy(previous, '{}')).toBeUndefined();
  });

  it('the digest and the document file cover what is restored; the exact previous text is kept, and edits to it are caught', async () => {
    const restorable = restorableKeyPolicy(before, fixed)!;
    const path = await writeBackup(scratch(), { ...keyPolicyBackup(), document: restorable.document, previousDocument: before, restoreNote: 'orphaned IDs left out' });
    const record = await readBackup(path);
    expect(readFileSync(record.documentFile!, 'utf8')).toBe(restorable.document);
    expect(await backupTrustProblems(record)).toEqual([]);
    expect(await backupTrustProblems({ ...record, previousDocument: previous })).toContain('its content does not match its digest: it was edited after kms-doctor wrote it');
  });
});
