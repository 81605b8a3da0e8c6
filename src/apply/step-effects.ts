// A plan step's effects on AWS: what its backup records (the value found right before the write), the
// write itself, and its undo from that backup. Kept together so each kind's write and undo sit side by
// side and can be read against each other.
import type { BackupInput, BackupRecord } from './backup.js';
import { awsCli } from './aws-cli-commands.js';
import type { CurrentValue } from './current-value.js';
import { restorableKeyPolicy } from './restorable-key-policy.js';
import type { PlanStep } from './plan-types.js';
import type { TargetStore } from './target-store.js';

/** What the write returned that its undo needs. */
export interface WriteResult {
  readonly grantId?: string;
  /** The created grant's token: kept in memory for the verification's calls, never written or printed. */
  readonly grantToken?: string;
  /** The version a create-policy-version step made default. */
  readonly versionId?: string;
}

/** The backup of a step's target, from the value read right before the write. */
export function backupInputFor(step: PlanStep, current: CurrentValue, appliedBy: string | undefined): BackupInput {
  const { write, target } = step;
  const common = { change: step.kind, ...(appliedBy !== undefined ? { appliedBy } : {}) };
  switch (write.kind) {
    case 'put-key-policy': {
      const previous = textOf(current);
      // KMS refuses the previous text back when it names orphaned unique IDs: the backup restores its equivalent.
      const restorable = restorableKeyPolicy(previous, write.document);
      const keyPolicyTarget = { type: 'key-policy' as const, arn: target.arn, accountId: target.accountId, ...(target.region ? { region: target.region } : {}), policyName: 'default' };
      if (!restorable) return { ...common, target: keyPolicyTarget, document: previous, replacedBy: { document: write.document } };
      return {
        ...common,
        target: keyPolicyTarget,
        document: restorable.document,
        previousDocument: previous,
        restoreNote:
          `The key policy before the change named ${restorable.removed.join(', ')}, the unique ID${restorable.removed.length === 1 ? '' : 's'} of a deleted principal, which KMS refuses in a new policy (MalformedPolicyDocumentException). ` +
          'This backup restores that policy without them (a statement left with no principal is left out): an orphaned ID matches nobody, so it allows and denies exactly what the previous policy did. The exact previous text is in previousDocument.',
        replacedBy: { document: write.document },
      };
    }
    case 'put-role-policy':
    case 'put-user-policy': {
      const previous = textOf(current);
      return {
        ...common,
        target: { type: 'inline-policy', arn: target.arn, accountId: target.accountId, policyName: write.policyName, principalKind: write.principalKind, principalName: write.principalName },
        ...(previous !== '' ? { document: previous } : {}),
        replacedBy: { document: write.document },
      };
    }
    case 'create-policy-version': {
      const versionId = current.type === 'managed-policy' ? current.defaultVersionId : undefined;
      return {
        ...common,
        target: { type: 'managed-policy', arn: write.policyArn, accountId: target.accountId, ...(target.policyName ? { policyName: target.policyName } : {}), ...(versionId ? { versionId } : {}) },
        document: textOf(current),
        replacedBy: { document: write.document },
      };
    }
    case 'delete-policy-version':
      return {
        ...common,
        target: { type: 'policy-version', arn: write.policyArn, accountId: target.accountId, ...(target.policyName ? { policyName: target.policyName } : {}), versionId: write.versionId },
        document: textOf(current),
        replacedBy: { absent: true },
      };
    case 'enable-key':
    case 'cancel-key-deletion': {
      const info = current.type === 'key-state' ? current.info : undefined;
      // DescribeKey does not return the waiting period of a scheduled deletion; the plan's is kept.
      const keyState = write.kind === 'cancel-key-deletion' && info ? { pendingWindowInDays: write.pendingWindowInDays, ...info } : info;
      return {
        ...common,
        target: { type: 'key-state', arn: target.arn, accountId: target.accountId, ...(target.region ? { region: target.region } : {}) },
        ...(keyState ? { keyState } : {}),
        replacedBy: { keyState: write.kind === 'enable-key' ? 'Enabled' : 'Disabled' },
      };
    }
    case 'create-grant':
      return {
        ...common,
        target: { type: 'grant', arn: target.arn, accountId: target.accountId, ...(target.region ? { region: target.region } : {}) },
        grant: { granteePrincipal: write.granteePrincipal, operations: [...write.operations], ...(write.name !== undefined ? { name: write.name } : {}), existed: false },
      };
  }
}

function textOf(current: CurrentValue): string {
  return current.type === 'document' || current.type === 'managed-policy' || current.type === 'policy-version' ? (current.text ?? '') : '';
}

/** Performs the step's one write. Never sets BypassPolicyLockoutSafetyCheck (the store cannot). */
export async function performWrite(step: PlanStep, store: TargetStore): Promise<WriteResult> {
  const write = step.write;
  switch (write.kind) {
    case 'put-key-policy':
      await store.putKeyPolicy(write.keyArn, write.document);
      return {};
    case 'put-role-policy':
    case 'put-user-policy':
      await store.putInlinePolicy(write.principalKind, write.principalName, write.policyName, write.document);
      return {};
    case 'create-policy-version':
      return { versionId: await store.createPolicyVersion(write.policyArn, write.document, true) };
    case 'delete-policy-version':
      await store.deletePolicyVersion(write.policyArn, write.versionId);
      return {};
    case 'enable-key':
      await store.enableKey(write.keyArn);
      return {};
    case 'cancel-key-deletion':
      await store.cancelKeyDeletion(write.keyArn);
      return {};
    case 'create-grant': {
      const grant = await store.createGrant(write.keyArn, write.granteePrincipal, write.operations, write.name);
      return { grantId: grant.grantId, ...(grant.grantToken !== undefined ? { grantToken: grant.grantToken } : {}) };
    }
  }
}

export interface Undo {
  readonly description: string;
  /** The aws CLI equivalent of what was done. */
  readonly command: string;
  /** What differs from the state before the step (a new version ID, a later deletion date). */
  readonly note?: string;
}

/** Undoes an applied step from its backup; rejects (a TargetStore error) when AWS refuses. */
export async function undoStep(step: PlanStep, backup: BackupRecord, result: WriteResult, store: TargetStore): Promise<Undo> {
  const write = step.write;
  const region = step.target.region;
  switch (write.kind) {
    case 'put-key-policy':
      await store.putKeyPolicy(write.keyArn, backup.document ?? '');
      return { description: `Put the previous key policy of ${write.keyArn} back.`, command: backup.restoreCommand };
    case 'put-role-policy':
    case 'put-user-policy':
      if (backup.document === undefined) {
        await store.deleteInlinePolicy(write.principalKind, write.principalName, write.policyName);
        return { description: `Deleted the inline policy ${write.policyName} of ${write.principalKind} ${write.principalName}, which did not exist before.`, command: backup.restoreCommand };
      }
      await store.putInlinePolicy(write.principalKind, write.principalName, write.policyName, backup.document);
      return { description: `Put the previous inline policy ${write.policyName} of ${write.principalKind} ${write.principalName} back.`, command: backup.restoreCommand };
    case 'create-policy-version': {
      const previous = backup.target.versionId;
      if (previous === undefined) throw new Error(`the backup does not say which version of ${write.policyArn} was the default`);
      await store.setDefaultPolicyVersion(write.policyArn, previous);
      if (result.versionId !== undefined) await store.deletePolicyVersion(write.policyArn, result.versionId);
      // Unlike a later `kms-doctor rollback`, this undo also deletes the new version: it was never used, and
      // IAM's five-version limit may need the slot (an earlier step may have deleted a version to make room).
      const command = [awsCli.setDefaultPolicyVersion(write.policyArn, previous), ...(result.versionId ? [awsCli.deletePolicyVersion(write.policyArn, result.versionId)] : [])].join(' && ');
      return { description: `Made version ${previous} of ${write.policyArn} the default again${result.versionId ? ` and deleted version ${result.versionId}` : ''}.`, command };
    }
    case 'delete-policy-version': {
      const recreated = await store.createPolicyVersion(write.policyArn, backup.document ?? '', false);
      return {
        description: `Recreated the deleted version ${write.versionId} of ${write.policyArn} (non-default).`,
        command: backup.restoreCommand,
        note: `IAM gave it a new version ID: ${recreated} (it was ${write.versionId}).`,
      };
    }
    case 'enable-key':
      await store.disableKey(write.keyArn);
      return { description: `Disabled key ${write.keyArn} again.`, command: awsCli.disableKey(write.keyArn, region) };
    case 'cancel-key-deletion': {
      await store.scheduleKeyDeletion(write.keyArn, write.pendingWindowInDays);
      const moved = new Date(Date.now() + write.pendingWindowInDays * 86_400_000).toISOString();
      return {
        description: `Scheduled the deletion of key ${write.keyArn} again, with a ${write.pendingWindowInDays}-day waiting period.`,
        command: awsCli.scheduleKeyDeletion(write.keyArn, region, write.pendingWindowInDays),
        note: `The deletion date moved${write.deletionDate ? ` from ${write.deletionDate}` : ''} to about ${moved}.`,
      };
    }
    case 'create-grant':
      if (result.grantId === undefined) throw new Error('the grant ID is unknown');
      await store.revokeGrant(write.keyArn, result.grantId);
      return { description: `Revoked grant ${result.grantId} on key ${write.keyArn}.`, command: awsCli.revokeGrant(write.keyArn, region, result.grantId) };
  }
}
