// How one backup is restored, per kind of target: read what is there now, say whether it is already the
// backed-up value or has changed since kms-doctor wrote it, and prepare the guard, the backup of the
// current value (so the restore can itself be undone) and the write. restore-backup.ts runs the steps.
import type { BackupInput, BackupRecord } from './backup.js';
import { describeDocumentChange, documentsEquivalent } from './policy-text.js';
import { checkIdentityPolicyWrite, checkKeyPolicyWrite } from './guards.js';
import type { Replacement } from './backup-types.js';
import type { TargetStore } from './target-store.js';

export interface WriteOutcome {
  /** What differs from the backed-up value (a new version or grant ID, a later deletion date). */
  readonly note?: string;
  /** Additions to the undo backup known only after the write. */
  readonly undoChanges?: Partial<Pick<BackupRecord, 'grantId' | 'replacedBy'>>;
  readonly versionId?: string;
  readonly grantId?: string;
}

export interface RestoreAction {
  /** What is restored, in words. */
  readonly what: string;
  readonly alreadyRestored: boolean;
  /** Set when the target no longer holds what kms-doctor left there: restoring would discard that change. */
  readonly changedSince?: string;
  readonly guard: () => Promise<void>;
  /** The backup of the current value. */
  readonly undo: BackupInput;
  readonly write: () => Promise<WriteOutcome>;
  readonly visible: (outcome: WriteOutcome) => Promise<boolean>;
}

/** A restore kms-doctor cannot do as asked (five versions already, an unknown key state…). */
export class RestoreImpossible extends Error {
  override readonly name = 'RestoreImpossible';
}

const keyStateWindowDefault = 30;

export async function prepareRestore(backup: BackupRecord, store: TargetStore, appliedBy: string | undefined): Promise<RestoreAction> {
  const { target } = backup;
  const common = { change: 'restore' as const, ...(appliedBy !== undefined ? { appliedBy } : {}) };
  const replaced: Replacement = backup.replacedBy ?? {};
  switch (target.type) {
    case 'key-policy': {
      const wanted = backup.document ?? '';
      const current = await store.readKeyPolicy(target.arn);
      return {
        what: `the key policy of ${target.arn}`,
        alreadyRestored: documentsEquivalent(current, wanted),
        ...documentChange(replaced.document, current, `the key policy of ${target.arn}`),
        guard: () => checkKeyPolicyWrite({ keyArn: target.arn, text: wanted, current, store }),
        undo: { ...common, target, document: current, replacedBy: { document: wanted } },
        write: async () => (await store.putKeyPolicy(target.arn, wanted), {}),
        visible: async () => documentsEquivalent(await store.readKeyPolicy(target.arn), wanted),
      };
    }
    case 'inline-policy': {
      const kind = target.principalKind ?? 'role';
      const name = target.principalName ?? '';
      const policyName = target.policyName ?? '';
      const wanted = backup.document ?? '';
      const read = async () => (await store.readInlinePolicy(kind, name, policyName)) ?? '';
      const current = await read();
      const what = `the inline policy ${policyName} of ${kind} ${name}`;
      return {
        what,
        alreadyRestored: documentsEquivalent(current, wanted),
        ...documentChange(replaced.absent ? '' : replaced.document, current, what),
        guard: async () => (wanted === '' ? undefined : checkIdentityPolicyWrite({ owner: { kind, name }, policyName, text: wanted })),
        undo: { ...common, target, ...(current !== '' ? { document: current } : {}), replacedBy: wanted === '' ? { absent: true } : { document: wanted } },
        write: async () => (wanted === '' ? await store.deleteInlinePolicy(kind, name, policyName) : await store.putInlinePolicy(kind, name, policyName, wanted), {}),
        visible: async () => documentsEquivalent(await read(), wanted),
      };
    }
    case 'managed-policy':
      return managedPolicyRestore(backup, store, common);
    case 'policy-version':
      return policyVersionRestore(backup, store, common);
    case 'key-state':
      return keyStateRestore(backup, store, common);
    case 'grant':
      return grantRestore(backup, store, common);
  }
}

function documentChange(left: string | undefined, current: string, what: string): { changedSince?: string } {
  if (left === undefined || documentsEquivalent(left, current)) return {};
  return { changedSince: `${what} changed since kms-doctor wrote it: ${describeDocumentChange(left, current)}` };
}

type Common = Pick<BackupInput, 'change' | 'appliedBy'>;

async function managedPolicyRestore(backup: BackupRecord, store: TargetStore, common: Common): Promise<RestoreAction> {
  const { target } = backup;
  const wanted = backup.document ?? '';
  const versions = await store.listPolicyVersions(target.arn);
  const currentId = versions.find((v) => v.isDefault)?.versionId;
  const currentText = currentId !== undefined ? await store.readPolicyVersion(target.arn, currentId) : '';
  const kept = versions.find((v) => v.versionId === target.versionId);
  const keptText = kept !== undefined ? await store.readPolicyVersion(target.arn, kept.versionId) : undefined;
  const left = backup.replacedBy?.versionId;
  return {
    what: `the default version of policy ${target.arn}`,
    alreadyRestored: currentId === target.versionId || documentsEquivalent(currentText, wanted),
    ...(left !== undefined && currentId !== left ? { changedSince: `the default version of policy ${target.arn} is ${currentId ?? 'missing'} now, not ${left}, which kms-doctor made the default` } : {}),
    guard: () => checkIdentityPolicyWrite({ owner: { kind: 'managed-policy', arn: target.arn }, policyName: target.policyName ?? target.arn, text: wanted }),
    undo: { ...common, target: { ...target, ...(currentId !== undefined ? { versionId: currentId } : {}) }, document: currentText, replacedBy: { document: wanted } },
    write: async () => {
      if (kept !== undefined && keptText !== undefined && documentsEquivalent(keptText, wanted)) {
        await store.setDefaultPolicyVersion(target.arn, kept.versionId);
        return { versionId: kept.versionId, undoChanges: { replacedBy: { document: wanted, versionId: kept.versionId } } };
      }
      if (versions.length >= 5) throw new RestoreImpossible(`version ${target.versionId} of policy ${target.arn} no longer exists, and the policy has five versions, the most IAM keeps: delete one, then restore again.`);
      const created = await store.createPolicyVersion(target.arn, wanted, true);
      return { versionId: created, note: `Version ${target.versionId} no longer existed; its document is the new default version ${created}.`, undoChanges: { replacedBy: { document: wanted, versionId: created } } };
    },
    visible: async (outcome) => (await store.listPolicyVersions(target.arn)).some((v) => v.isDefault && v.versionId === outcome.versionId),
  };
}

async function policyVersionRestore(backup: BackupRecord, store: TargetStore, common: Common): Promise<RestoreAction> {
  const { target } = backup;
  const versions = await store.listPolicyVersions(target.arn);
  if (backup.document === undefined) {
    // The version was recreated from a backup; restoring means deleting it again.
    const id = backup.replacedBy?.versionId ?? target.versionId ?? '';
    const version = versions.find((v) => v.versionId === id);
    const text = version !== undefined ? await store.readPolicyVersion(target.arn, id) : undefined;
    return {
      what: `version ${id} of policy ${target.arn}`,
      alreadyRestored: version === undefined,
      ...(version?.isDefault ? { changedSince: `version ${id} of policy ${target.arn} is the default version now` } : {}),
      guard: async () => undefined,
      undo: { ...common, target: { ...target, versionId: id }, ...(text !== undefined ? { document: text } : {}), replacedBy: { absent: true } },
      write: async () => (await store.deletePolicyVersion(target.arn, id), {}),
      visible: async () => !(await store.listPolicyVersions(target.arn)).some((v) => v.versionId === id),
    };
  }
  const wanted = backup.document;
  const texts = await Promise.all(versions.map(async (v) => ({ v, text: await store.readPolicyVersion(target.arn, v.versionId) })));
  const holder = texts.find((t) => documentsEquivalent(t.text, wanted));
  return {
    what: `version ${target.versionId} of policy ${target.arn}`,
    alreadyRestored: holder !== undefined,
    guard: () => checkIdentityPolicyWrite({ owner: { kind: 'managed-policy', arn: target.arn }, policyName: target.policyName ?? target.arn, text: wanted }),
    undo: { ...common, target: { ...target }, replacedBy: { document: wanted } },
    write: async () => {
      if (versions.length >= 5) throw new RestoreImpossible(`policy ${target.arn} has five versions, the most IAM keeps: delete one, then restore again.`);
      const created = await store.createPolicyVersion(target.arn, wanted, false);
      return { versionId: created, note: `IAM gave the recreated version a new ID: ${created} (it was ${target.versionId}).`, undoChanges: { replacedBy: { document: wanted, versionId: created } } };
    },
    visible: async (outcome) => (await store.listPolicyVersions(target.arn)).some((v) => v.versionId === outcome.versionId),
  };
}

async function keyStateRestore(backup: BackupRecord, store: TargetStore, common: Common): Promise<RestoreAction> {
  const { target } = backup;
  const wanted = backup.keyState?.state;
  const current = await store.readKeyState(target.arn);
  const left = backup.replacedBy?.keyState;
  const days = backup.keyState?.pendingWindowInDays ?? keyStateWindowDefault;
  return {
    what: `the state of key ${target.arn}`,
    alreadyRestored: current.state === wanted,
    ...(left !== undefined && current.state !== left ? { changedSince: `key ${target.arn} is ${current.state} now, not ${left} as kms-doctor left it` } : {}),
    guard: async () => undefined,
    undo: { ...common, target, keyState: current, replacedBy: wanted !== undefined ? { keyState: wanted } : {} },
    write: async () => {
      if (wanted === 'PendingDeletion') {
        await store.scheduleKeyDeletion(target.arn, days);
        const date = new Date(Date.now() + days * 86_400_000).toISOString();
        return { note: `The deletion is scheduled again with a ${days}-day waiting period: the date moved${backup.keyState?.deletionDate ? ` from ${backup.keyState.deletionDate}` : ''} to about ${date}.` };
      }
      if (wanted !== 'Enabled' && wanted !== 'Disabled') throw new RestoreImpossible(`kms-doctor cannot put key ${target.arn} back into the ${wanted ?? 'unknown'} state.`);
      if (current.state === 'PendingDeletion') await store.cancelKeyDeletion(target.arn);
      if (wanted === 'Enabled') await store.enableKey(target.arn);
      else if (current.state === 'Enabled') await store.disableKey(target.arn);
      return {};
    },
    visible: async () => (await store.readKeyState(target.arn)).state === wanted,
  };
}

async function grantRestore(backup: BackupRecord, store: TargetStore, common: Common): Promise<RestoreAction> {
  const { target } = backup;
  const grant = backup.grant!;
  if (!grant.existed) {
    const grantId = backup.grantId;
    if (grantId === undefined) throw new RestoreImpossible(`the backup has no grant ID: the grant on key ${target.arn} was probably never created.`);
    return {
      what: `grant ${grantId} on key ${target.arn}`,
      alreadyRestored: false,
      guard: async () => undefined,
      undo: { ...common, target, grantId, grant: { ...grant, existed: true } },
      write: async () => (await store.revokeGrant(target.arn, grantId), {}),
      visible: async () => true,
    };
  }
  return {
    what: `the grant on key ${target.arn} for ${grant.granteePrincipal}`,
    alreadyRestored: false,
    guard: async () => undefined,
    undo: { ...common, target, grant: { ...grant, existed: false } },
    write: async () => {
      const { grantId } = await store.createGrant(target.arn, grant.granteePrincipal, grant.operations, grant.name);
      return { grantId, note: `The grant was created again with a new ID: ${grantId}${backup.grantId ? ` (it was ${backup.grantId})` : ''}.`, undoChanges: { grantId } };
    },
    visible: async () => true,
  };
}
