// A hand-written kms-doctor backup of a key policy, for tests of `rollback` that need a backup kms-doctor
// did not write (a key that does not exist, a command run without credentials).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeKeyPolicyBackup(dir: string, keyArn: string, fileName = 'backup.json'): string {
  const path = join(dir, fileName);
  writeFileSync(
    path,
    JSON.stringify({
      kmsDoctorBackup: 1,
      createdAt: new Date().toISOString(),
      change: 'put-key-policy',
      target: { type: 'key-policy', arn: keyArn, accountId: '111122223333', region: 'us-east-1', policyName: 'default' },
      document: '{"Version":"2012-10-17","Statement":[]}',
      restoreCommand: 'aws kms put-key-policy …',
    }),
  );
  return path;
}
