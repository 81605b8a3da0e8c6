// A hand-written kms-doctor backup of a key policy, for tests of `rollback` that need a backup kms-doctor
// did not write (a key that does not exist, a command run without credentials).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupDigest } from '../../src/apply/backup.js';

export function writeKeyPolicyBackup(dir: string, keyArn: string, fileName = 'backup.json'): string {
  const path = join(dir, fileName);
  const record = {
    kmsDoctorBackup: 1 as const,
    createdAt: new Date().toISOString(),
    change: 'put-key-policy' as const,
    target: { type: 'key-policy' as const, arn: keyArn, accountId: '111122223333', region: 'us-east-1', policyName: 'default' },
    document: '{"Version":"2012-10-17","Statement":[]}',
    restoreCommand: 'aws kms put-key-policy …',
  };
  // As kms-doctor writes them: sealed with their digest, readable by their owner only.
  writeFileSync(path, JSON.stringify({ ...record, digest: backupDigest(record) }), { mode: 0o600 });
  return path;
}
