// Whether a backup is still what kms-doctor wrote: `rollback` writes a backup's document to AWS, so a
// backup edited afterwards (a `Principal: "*"` statement added, an account swapped) must not be restored
// silently. These checks need no AWS call; restore-backup.ts refuses an untrusted backup unless forced,
// and shows the diff it would write either way.
import { accountOfArn, parseArn } from '../engine/identifiers.js';
import { readFile } from 'node:fs/promises';
import { unifiedDiff } from '../engine/diff-view.js';
import { backupDigest, type BackupInput, type BackupRecord } from './backup.js';

interface ArnParts {
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

function arnParts(text: string): ArnParts | undefined {
  const arn = parseArn(text);
  return arn && accountOfArn(text) !== undefined ? arn : undefined;
}

/** Contradictions between the target's ARN and the fields the restore actually uses (account, Region, names). */
function targetProblems(record: BackupRecord): string[] {
  const { target } = record;
  const arn = arnParts(target.arn);
  if (arn === undefined) return [`its target ${target.arn} is not an ARN`];
  const problems: string[] = [];
  if (arn.account !== target.accountId) problems.push(`its target ARN is in account ${arn.account} but its accountId says ${target.accountId}`);
  const kms = target.type === 'key-policy' || target.type === 'key-state' || target.type === 'grant';
  if (kms) {
    if (arn.service !== 'kms' || !arn.resource.startsWith('key/')) problems.push(`its ${target.type} target ${target.arn} is not a KMS key ARN`);
    if (target.region !== undefined && arn.region !== target.region) problems.push(`its target ARN is in Region ${arn.region} but its region says ${target.region}`);
  } else if (target.type === 'inline-policy') {
    const kind = target.principalKind ?? 'role';
    const name = target.principalName ?? '';
    if (arn.service !== 'iam' || !arn.resource.startsWith(`${kind}/`) || arn.resource.split('/').pop() !== name) {
      problems.push(`its target ARN ${target.arn} is not the ${kind} ${name} the restore would write to`);
    }
  } else if (arn.service !== 'iam' || !arn.resource.startsWith('policy/')) {
    problems.push(`its ${target.type} target ${target.arn} is not an IAM policy ARN`);
  }
  return problems;
}

/**
 * Why this backup cannot be trusted as kms-doctor wrote it; empty when it can. Reads the document file
 * next to the record, because the printed restore command writes that file, not the record.
 */
export async function backupTrustProblems(record: BackupRecord): Promise<string[]> {
  const problems: string[] = [];
  if (record.digest === undefined) problems.push('it carries no digest (kms-doctor did not write it, or an older version did)');
  else if (record.digest !== backupDigest(record)) problems.push('its content does not match its digest: it was edited after kms-doctor wrote it');
  problems.push(...targetProblems(record));
  if (record.documentFile !== undefined && record.document !== undefined) {
    const text = await readFile(record.documentFile, 'utf8').catch(() => undefined);
    if (text !== undefined && text !== record.document) problems.push(`its document file ${record.documentFile} differs from the document in the record`);
  }
  return problems;
}

const pretty = (text: string): string => {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
};

/**
 * What restoring `backup` would write, as a reviewer reads it: the unified diff from the current value
 * (`current`, the undo backup's content) to the backup's, or one line for a key state or a grant.
 */
export function restorePreview(backup: BackupRecord, current: BackupInput, what: string): string {
  switch (backup.target.type) {
    case 'key-state':
      return `${what}: ${current.keyState?.state ?? 'unknown'} → ${backup.keyState?.state ?? 'unknown'}\n`;
    case 'grant': {
      const grant = backup.grant;
      if (grant === undefined) return '';
      return grant.existed
        ? `${what}: create a grant for ${grant.granteePrincipal} allowing ${grant.operations.join(', ')}\n`
        : `${what}: revoke grant ${backup.grantId ?? '(no ID)'}\n`;
    }
    default:
      return unifiedDiff(pretty(current.document ?? ''), pretty(backup.document ?? ''), what);
  }
}
