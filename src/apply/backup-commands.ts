// The restore command stored in each backup: the aws CLI command that gives the target its backed-up
// value again. Recomputed whenever the record learns more (a new grant's ID, a new version's ID).
import { awsCli } from './aws-cli-commands.js';
import type { BackupRecord } from './backup-types.js';

type CommandInput = Omit<BackupRecord, 'kmsDoctorBackup' | 'createdAt' | 'restoreCommand'>;

const keyStateDefaultWindow = 30;

export function restoreCommandFor(record: CommandInput): string {
  const { target } = record;
  const file = record.documentFile ?? '<document>';
  switch (target.type) {
    case 'key-policy':
      return awsCli.putKeyPolicy(target.arn, target.region, file);
    case 'inline-policy': {
      const kind = target.principalKind ?? 'role';
      const name = target.principalName ?? '<name>';
      const policy = target.policyName ?? '<policy>';
      return record.document !== undefined ? awsCli.putInlinePolicy(kind, name, policy, file) : awsCli.deleteInlinePolicy(kind, name, policy);
    }
    case 'managed-policy':
      // Only the default changes back: the version kms-doctor added stays, non-default, so this restore can
      // itself be undone by making it the default again.
      return awsCli.setDefaultPolicyVersion(target.arn, target.versionId ?? '<version>');
    case 'policy-version':
      return record.document !== undefined
        ? awsCli.createPolicyVersion(target.arn, file, false)
        : awsCli.deletePolicyVersion(target.arn, record.replacedBy?.versionId ?? target.versionId ?? '<version>');
    case 'key-state':
      return keyStateCommands(record).join(' && ');
    case 'grant': {
      const grant = record.grant;
      if (grant?.existed) return awsCli.createGrant(target.arn, target.region, grant.granteePrincipal, grant.operations, grant.name);
      return awsCli.revokeGrant(target.arn, target.region, record.grantId ?? '<grant ID>');
    }
  }
}

/** From the state kms-doctor left (replacedBy) back to the backed-up one. */
function keyStateCommands(record: CommandInput): string[] {
  const { arn, region } = record.target;
  const wanted = record.keyState?.state;
  const now = record.replacedBy?.keyState;
  if (wanted === 'PendingDeletion') {
    return [awsCli.scheduleKeyDeletion(arn, region, record.keyState?.pendingWindowInDays ?? keyStateDefaultWindow)];
  }
  const leave = now === 'PendingDeletion' ? [awsCli.cancelKeyDeletion(arn, region)] : [];
  if (wanted === 'Enabled') return [...leave, awsCli.enableKey(arn, region)];
  if (wanted === 'Disabled') return now === 'PendingDeletion' ? leave : [awsCli.disableKey(arn, region)];
  return [`# key ${arn} was ${wanted ?? 'in an unknown state'}; kms-doctor cannot put a key back into that state`];
}
