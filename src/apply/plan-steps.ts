// One PlanStep per kind of write: its title in plain words, its exact target, its aws CLI equivalent and
// how it is undone. plan.ts decides order, chaining and expectations; this module only words the steps.
import type { Fix, FixStep } from '../engine/fix.js';
import { accountOfArn, keyArnParts } from './arns.js';
import { awsCli, backupPlaceholder } from './aws-cli-commands.js';
import type { Expected, PlanStep, PlanTarget, PlanWrite } from './plan-types.js';

/** A fix that cannot become plan steps; the reason is shown in `plan.skipped`. */
export class PlanProblem extends Error {
  override readonly name = 'PlanProblem';
}

export interface StepContext {
  readonly id: number;
  readonly fix: Fix;
  readonly fixIndex: number;
  /** Position of the step in the fix (its command is fix.commands[stepIndex]). */
  readonly stepIndex: number;
  readonly region: string;
}

type Shape = Pick<PlanStep, 'kind' | 'title' | 'target' | 'command' | 'rollback' | 'write'> & { readonly after?: string; readonly notes?: readonly string[] };

export function planStep(context: StepContext, shape: Shape, expected: Expected): PlanStep {
  const { fix } = context;
  const first = context.stepIndex === 0;
  return {
    id: context.id,
    cause: fix.cause,
    kind: shape.kind,
    title: shape.title,
    target: shape.target,
    expected,
    ...(shape.after !== undefined ? { after: shape.after } : {}),
    ...(first && shape.after !== undefined && fix.diff !== undefined ? { diff: fix.diff } : {}),
    command: shape.command,
    rollback: shape.rollback,
    notes: [...(shape.notes ?? []), ...(first ? (fix.notes ?? []) : [])],
    fixIndex: context.fixIndex,
    write: shape.write,
  };
}

export function keyTarget(keyArn: string, fallbackRegion: string, policyName?: 'default'): PlanTarget {
  const parts = keyArnParts(keyArn);
  if (parts.accountId === undefined) throw new PlanProblem(`${keyArn} is not a key ARN, so kms-doctor cannot tell which account and Region to change.`);
  return { arn: keyArn, region: parts.region ?? fallbackRegion, accountId: parts.accountId, ...(policyName ? { policyName } : {}) };
}

/** The fix's own command for this step, when it has one; ours otherwise. */
const commandOf = (context: StepContext, ours: string) => context.fix.commands[context.stepIndex] ?? ours;

const titleOf = (context: StepContext, ours: string) => (context.fix.steps.length === 1 ? context.fix.title : ours);

export function keyPolicyShape(context: StepContext, step: Extract<FixStep, { kind: 'put-key-policy' }>): Shape {
  const target = keyTarget(step.keyArn, context.region, 'default');
  return {
    kind: 'put-key-policy',
    title: titleOf(context, `Replace the key policy of ${step.keyArn}`),
    target,
    after: step.policy,
    command: commandOf(context, awsCli.putKeyPolicy(step.keyArn, target.region, `<new key policy>`)),
    rollback: { description: 'Put the previous key policy back, from the backup taken before the write.', command: awsCli.putKeyPolicy(step.keyArn, target.region, backupPlaceholder(context.id)) },
    write: { kind: 'put-key-policy', keyArn: step.keyArn, document: step.policy },
  };
}

export function inlinePolicyShape(context: StepContext, step: Extract<FixStep, { kind: 'put-role-policy' | 'put-user-policy' }>, existed: boolean): Shape {
  const kind = step.kind === 'put-role-policy' ? 'role' : 'user';
  const name = step.kind === 'put-role-policy' ? step.roleName : step.userName;
  const principalArn = context.fix.target.arn;
  const accountId = accountOfArn(principalArn);
  if (accountId === undefined) throw new PlanProblem(`The fix names no ${kind} ARN (${principalArn || 'none'}), so kms-doctor cannot tell which account to change.`);
  const rollback = existed
    ? { description: `Put the previous inline policy ${step.policyName} back, from the backup.`, command: awsCli.putInlinePolicy(kind, name, step.policyName, backupPlaceholder(context.id)) }
    : { description: `Delete the inline policy ${step.policyName}, which did not exist before.`, command: awsCli.deleteInlinePolicy(kind, name, step.policyName) };
  return {
    kind: step.kind,
    title: titleOf(context, `${existed ? 'Replace' : 'Create'} the inline policy ${step.policyName} of ${kind} ${name}`),
    target: { arn: principalArn, accountId, policyName: step.policyName },
    after: step.document,
    command: commandOf(context, awsCli.putInlinePolicy(kind, name, step.policyName, '<new policy>')),
    rollback,
    write: { kind: step.kind, principalKind: kind, principalName: name, policyName: step.policyName, document: step.document },
  };
}

const policyNameOf = (arn: string) => arn.split('/').pop() ?? arn;

function policyTarget(policyArn: string): PlanTarget {
  const accountId = accountOfArn(policyArn);
  if (accountId === undefined) throw new PlanProblem(`${policyArn} is not a customer managed policy ARN; kms-doctor changes only those.`);
  return { arn: policyArn, accountId, policyName: policyNameOf(policyArn) };
}

/** `previous` is the version that is default before the step: an ID, or the step that creates it. */
export function createVersionShape(context: StepContext, step: Extract<FixStep, { kind: 'create-policy-version' }>, previous: string): Shape {
  return {
    kind: 'create-policy-version',
    title: titleOf(context, `Add a new default version to policy ${policyNameOf(step.policyArn)}`),
    target: policyTarget(step.policyArn),
    after: step.document,
    command: commandOf(context, awsCli.createPolicyVersion(step.policyArn, '<new version>', true)),
    rollback: {
      description: `Make ${previous} the default version again and delete the version this step creates.`,
      command: `${awsCli.setDefaultPolicyVersion(step.policyArn, previous)} && ${awsCli.deletePolicyVersion(step.policyArn, `<version created by step ${context.id}>`)}`,
    },
    notes: ['IAM keeps the previous version, so this change is undone by making that version the default again.'],
    write: { kind: 'create-policy-version', policyArn: step.policyArn, document: step.document },
  };
}

export function deleteVersionShape(context: StepContext, policyArn: string, versionId: string): Shape {
  const name = policyNameOf(policyArn);
  return {
    kind: 'delete-policy-version',
    title: `Delete version ${versionId} of policy ${name}, its oldest non-default version (IAM keeps at most five versions)`,
    target: { ...policyTarget(policyArn), policyName: name },
    command: awsCli.deletePolicyVersion(policyArn, versionId),
    rollback: {
      description: `Recreate version ${versionId}'s document, from the backup, as a new non-default version; IAM gives it a new version ID.`,
      command: awsCli.createPolicyVersion(policyArn, backupPlaceholder(context.id), false),
    },
    notes: [`Policy ${name} has five versions, the most IAM keeps, so one must go before the new one is added. Version ${versionId} is not in use (not the default); its document is backed up before it is deleted.`],
    write: { kind: 'delete-policy-version', policyArn, versionId },
  };
}

export function enableKeyShape(context: StepContext, keyArn: string): Shape {
  const target = keyTarget(keyArn, context.region);
  return {
    kind: 'enable-key',
    title: titleOf(context, `Enable key ${keyArn}`),
    target,
    command: commandOf(context, awsCli.enableKey(keyArn, target.region)),
    rollback: { description: 'Disable the key again.', command: awsCli.disableKey(keyArn, target.region) },
    write: { kind: 'enable-key', keyArn },
  };
}

export function cancelDeletionShape(context: StepContext, keyArn: string, window: { days: number; known: boolean; deletionDate?: string }): Shape {
  const target = keyTarget(keyArn, context.region);
  const write: PlanWrite = { kind: 'cancel-key-deletion', keyArn, pendingWindowInDays: window.days, ...(window.deletionDate !== undefined ? { deletionDate: window.deletionDate } : {}) };
  const days = `${window.days}-day waiting period${window.known ? '' : ' (KMS\'s default: the original one could not be read)'}`;
  return {
    kind: 'cancel-key-deletion',
    title: `Cancel the scheduled deletion of key ${keyArn} (it is left Disabled)`,
    target,
    command: commandOf(context, awsCli.cancelKeyDeletion(keyArn, target.region)),
    rollback: {
      description: `Schedule the deletion again with a ${days}; the deletion date moves to that many days after the rollback${window.deletionDate ? ` (it was ${window.deletionDate})` : ''}.`,
      command: awsCli.scheduleKeyDeletion(keyArn, target.region, window.days),
    },
    write,
  };
}

export function createGrantShape(context: StepContext, step: Extract<FixStep, { kind: 'create-grant' }>): Shape {
  const target = keyTarget(step.keyArn, context.region);
  return {
    kind: 'create-grant',
    title: titleOf(context, `Create a grant on key ${step.keyArn} for ${step.granteePrincipal} (${step.operations.join(', ')})`),
    target,
    command: commandOf(context, awsCli.createGrant(step.keyArn, target.region, step.granteePrincipal, step.operations, step.name)),
    rollback: { description: 'Revoke the grant this step creates.', command: awsCli.revokeGrant(step.keyArn, target.region, `<grant ID from step ${context.id}>`) },
    notes: ['A new grant can take a few minutes to be effective everywhere in KMS (eventual consistency).'],
    write: { kind: 'create-grant', keyArn: step.keyArn, granteePrincipal: step.granteePrincipal, operations: [...step.operations], ...(step.name !== undefined ? { name: step.name } : {}) },
  };
}
