// The shape of a backup file. It is public (people open these files, and `kms-doctor rollback FILE`
// reads them back), so it only grows: fields are added, never renamed or given a new meaning.
//
// A backup records the VALUE a target had, so restoring it means "make the target hold that value
// again", whatever change came after — which is also why a restore can itself be backed up and undone.
import type { KeyStateName } from '../engine/facts.js';
import type { PlanStepKind } from './plan-types.js';
import type { KeyStateInfo, PrincipalKind } from './target-store.js';

export const backupTargetTypes = ['key-policy', 'inline-policy', 'managed-policy', 'policy-version', 'key-state', 'grant'] as const;

/**
 * - key-policy: `document` is the key policy.
 * - inline-policy: `document` is the policy; absent when the principal had no policy of that name.
 * - managed-policy: `target.versionId` was the default version and `document` its text.
 * - policy-version: version `target.versionId` existed, non-default, with `document`; with no `document`, the
 *   version `replacedBy.versionId` (which kms-doctor recreated) did not exist.
 * - key-state: `keyState` was the key's state.
 * - grant: `grant.existed` says whether the grant (`grantId`) existed.
 */
export type BackupTargetType = (typeof backupTargetTypes)[number];

export interface BackupTarget {
  readonly type: BackupTargetType;
  /** Key ARN, user or role ARN (inline policies), or managed policy ARN. */
  readonly arn: string;
  readonly accountId: string;
  readonly region?: string;
  readonly policyName?: string;
  readonly principalKind?: PrincipalKind;
  readonly principalName?: string;
  readonly versionId?: string;
}

/** What kms-doctor put in the place of the backed-up value: what a restore expects to find there. */
export interface Replacement {
  readonly document?: string;
  /** True when kms-doctor deleted the target (an inline policy, a policy version, a grant). */
  readonly absent?: boolean;
  readonly keyState?: KeyStateName;
  /** The managed policy version kms-doctor created (made default, or recreated from a backup). */
  readonly versionId?: string;
}

export interface BackupGrant {
  readonly granteePrincipal: string;
  readonly operations: readonly string[];
  readonly name?: string;
  /** False when the grant was created by the change this backup precedes (restoring revokes it). */
  readonly existed: boolean;
}

export interface BackupRecord {
  readonly kmsDoctorBackup: 1;
  readonly createdAt: string;
  /** The change this backup was taken before: a plan step kind, or "restore" (a rollback from a backup). */
  readonly change: PlanStepKind | 'restore';
  readonly target: BackupTarget;
  /**
   * The exact previous text, as AWS returned it; for a key policy naming orphaned unique IDs (which KMS
   * refuses to take back) its equivalent without them, with the exact text in `previousDocument`. Always
   * what the restore writes, so the digest and the document file cover what is restored.
   */
  readonly document?: string;
  /** The exact previous text when `document` is its restorable equivalent (see `restoreNote`). */
  readonly previousDocument?: string;
  /** Why the restore writes something other than the exact previous text, and why that is the same access. */
  readonly restoreNote?: string;
  /** A file next to the record holding exactly `document`, which `restoreCommand` reads. */
  readonly documentFile?: string;
  readonly keyState?: KeyStateInfo;
  readonly grantId?: string;
  readonly grant?: BackupGrant;
  /** The aws CLI command that puts the previous value back. */
  readonly restoreCommand: string;
  readonly replacedBy?: Replacement;
  /** Who made the change (an ARN; never a credential). */
  readonly appliedBy?: string;
  /** `sha256:<hex>` of every other field (backupDigest): `rollback` refuses a record that no longer matches. */
  readonly digest?: string;
}
