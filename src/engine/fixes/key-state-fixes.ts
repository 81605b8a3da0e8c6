// Key state: enable a disabled key, or cancel a scheduled deletion and then enable the key (KMS leaves
// a key Disabled after cancelling its deletion). No policy changes: KMS refuses these keys whatever the
// policies say.
import type { Cause } from '../cause.js';
import type { Fix } from '../fix.js';
import { blockedFix, keyUnknown } from './blocked-fixes.js';
import { cancelKeyDeletion, enableKey } from './cli-commands.js';
import { callerIsOutside, keyStateTarget, type Workspace } from './workspace.js';

export function keyStateFix(workspace: Workspace, cause: Cause): Fix {
  const key = workspace.key;
  const target = keyStateTarget(workspace);
  if (!key) return blockedFix(cause, target, 'Enable the key', keyUnknown(workspace));
  if (key.manager === 'AWS') {
    return blockedFix(cause, target, `Enable key ${key.shortId}`, `Key ${key.arn} is an AWS managed key: only the AWS service that owns it manages its state.`);
  }
  const enable = enableKey(key);
  const notes: string[] = [];
  if (callerIsOutside(workspace, key.accountId)) {
    notes.push(`Run this with credentials of account ${key.accountId}: key state can only be changed in the account that owns the key.`);
  }
  if (key.region !== workspace.facts.request.region) notes.push(`Key ${key.shortId} lives in ${key.region}; the commands name that Region.`);
  if (cause.code === 'key-disabled') {
    return {
      cause: cause.code,
      title: `Enable key ${key.shortId}`,
      explanation: `Key ${key.arn} is disabled, and KMS refuses every cryptographic operation with a disabled key whatever the policies say. Enabling it makes it usable again by everyone the policies allow. Undo: aws kms disable-key.`,
      target,
      commands: [enable.command],
      files: [],
      steps: [enable.step],
      ...(notes.length > 0 ? { notes } : {}),
    };
  }
  const deletion = workspace.facts.key.status === 'known' ? workspace.facts.key.value.deletionDate : undefined;
  const cancel = cancelKeyDeletion(key);
  return {
    cause: cause.code,
    title: `Cancel the deletion of key ${key.shortId}, then enable it`,
    explanation: `Key ${key.arn} is scheduled for deletion${deletion ? ` on ${deletion}` : ''}. Cancelling the deletion leaves the key Disabled, so it must be enabled afterwards. Once the deletion date passes the key and everything encrypted under it are gone for good.`,
    target,
    commands: [cancel.command, enable.command],
    files: [],
    steps: [cancel.step, enable.step],
    notes: [...notes, 'If someone scheduled the deletion on purpose, check with them first: cancelling it has no undo except scheduling it again.'],
  };
}
