// The writes a fix performs, each as the apply step runs it (a FixStep) and as a reviewer can run it
// by hand (an aws CLI command reading a file:// document), plus the names of those files.
import { fileArgument, shellWord } from '../aws-cli.js';
import type { PrincipalIdentity } from '../facts.js';
import type { FixStep } from '../fix.js';
import type { FixKey, Workspace } from './workspace.js';

/** One write, as the apply step runs it and as the aws CLI command a reviewer can run instead. */
export interface StepAndCommand {
  readonly step: FixStep;
  readonly command: string;
}

// Quoting is the one rule of ../aws-cli.ts, which also adds profile, Region and endpoint when printed.
export { shellWord };

export const fileSafe = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '-');

/** `<stem>.json`, or `<stem>-2.json`… when an earlier fix in the same list wrote that file already. */
export function uniqueFileName(workspace: Workspace, stem: string): string {
  let name = `${stem}.json`;
  for (let n = 2; workspace.fileNames.has(name); n += 1) name = `${stem}-${n}.json`;
  workspace.fileNames.add(name);
  return name;
}

export function putKeyPolicy(key: FixKey, text: string, file: string): StepAndCommand {
  return {
    step: { kind: 'put-key-policy', keyArn: key.arn, policy: text },
    command: `aws kms put-key-policy --key-id ${shellWord(key.arn)} --policy-name default --policy ${fileArgument(file)} --region ${shellWord(key.region)}`,
  };
}

export function putEntityPolicy(principal: PrincipalIdentity, policyName: string, text: string, file: string): StepAndCommand {
  const name = shellWord(principal.name);
  const policy = shellWord(policyName);
  return principal.kind === 'role'
    ? {
        step: { kind: 'put-role-policy', roleName: principal.name, policyName, document: text },
        command: `aws iam put-role-policy --role-name ${name} --policy-name ${policy} --policy-document ${fileArgument(file)}`,
      }
    : {
        step: { kind: 'put-user-policy', userName: principal.name, policyName, document: text },
        command: `aws iam put-user-policy --user-name ${name} --policy-name ${policy} --policy-document ${fileArgument(file)}`,
      };
}

export function createPolicyVersion(policyArn: string, text: string, file: string): StepAndCommand {
  return {
    step: { kind: 'create-policy-version', policyArn, document: text },
    command: `aws iam create-policy-version --policy-arn ${shellWord(policyArn)} --policy-document ${fileArgument(file)} --set-as-default`,
  };
}

export function enableKey(key: FixKey): StepAndCommand {
  return {
    step: { kind: 'enable-key', keyArn: key.arn },
    command: `aws kms enable-key --key-id ${shellWord(key.arn)} --region ${shellWord(key.region)}`,
  };
}

export function cancelKeyDeletion(key: FixKey): StepAndCommand {
  return {
    step: { kind: 'cancel-key-deletion', keyArn: key.arn },
    command: `aws kms cancel-key-deletion --key-id ${shellWord(key.arn)} --region ${shellWord(key.region)}`,
  };
}
