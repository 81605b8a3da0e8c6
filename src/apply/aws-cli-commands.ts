// The aws CLI equivalents of every write and every undo the apply step performs: shown in the plan,
// stored in backups as the restore command, and printed when a rollback must be finished by hand.
// Documents always come from a file (file://), so a command stays short and copies its text exactly.
import { fileArgument, shellWord } from '../engine/aws-cli.js';
import type { PrincipalKind } from './target-store.js';

const file = fileArgument;
const region = (value: string | undefined) => (value !== undefined ? ` --region ${shellWord(value)}` : '');

export const awsCli = {
  putKeyPolicy: (keyArn: string, keyRegion: string | undefined, path: string) =>
    `aws kms put-key-policy --key-id ${shellWord(keyArn)} --policy-name default --policy ${file(path)}${region(keyRegion)}`,

  putInlinePolicy: (kind: PrincipalKind, principalName: string, policyName: string, path: string) =>
    `aws iam put-${kind}-policy --${kind}-name ${shellWord(principalName)} --policy-name ${shellWord(policyName)} --policy-document ${file(path)}`,

  deleteInlinePolicy: (kind: PrincipalKind, principalName: string, policyName: string) =>
    `aws iam delete-${kind}-policy --${kind}-name ${shellWord(principalName)} --policy-name ${shellWord(policyName)}`,

  createPolicyVersion: (policyArn: string, path: string, setAsDefault: boolean) =>
    `aws iam create-policy-version --policy-arn ${shellWord(policyArn)} --policy-document ${file(path)}${setAsDefault ? ' --set-as-default' : ''}`,

  setDefaultPolicyVersion: (policyArn: string, versionId: string) =>
    `aws iam set-default-policy-version --policy-arn ${shellWord(policyArn)} --version-id ${shellWord(versionId)}`,

  deletePolicyVersion: (policyArn: string, versionId: string) =>
    `aws iam delete-policy-version --policy-arn ${shellWord(policyArn)} --version-id ${shellWord(versionId)}`,

  enableKey: (keyArn: string, keyRegion: string | undefined) => `aws kms enable-key --key-id ${shellWord(keyArn)}${region(keyRegion)}`,

  disableKey: (keyArn: string, keyRegion: string | undefined) => `aws kms disable-key --key-id ${shellWord(keyArn)}${region(keyRegion)}`,

  cancelKeyDeletion: (keyArn: string, keyRegion: string | undefined) => `aws kms cancel-key-deletion --key-id ${shellWord(keyArn)}${region(keyRegion)}`,

  scheduleKeyDeletion: (keyArn: string, keyRegion: string | undefined, days: number) =>
    `aws kms schedule-key-deletion --key-id ${shellWord(keyArn)} --pending-window-in-days ${days}${region(keyRegion)}`,

  createGrant: (keyArn: string, keyRegion: string | undefined, grantee: string, operations: readonly string[], name?: string) =>
    `aws kms create-grant --key-id ${shellWord(keyArn)} --grantee-principal ${shellWord(grantee)} --operations ${operations.map(shellWord).join(' ')}` +
    `${name !== undefined ? ` --name ${shellWord(name)}` : ''}${region(keyRegion)}`,

  revokeGrant: (keyArn: string, keyRegion: string | undefined, grantId: string) =>
    `aws kms revoke-grant --key-id ${shellWord(keyArn)} --grant-id ${shellWord(grantId)}${region(keyRegion)}`,
};

/** Stands for a backup file in commands shown before the backup exists (see PlanStep.rollback). */
export const backupPlaceholder = (stepId: number) => `<backup of step ${stepId}>`;
