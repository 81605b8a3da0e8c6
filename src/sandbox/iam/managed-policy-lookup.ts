// Finding managed policies by ARN: customer managed policies of the caller's account, and the AWS
// managed policies the sandbox knows (read-only, shown as a single version v1). A policy of another
// account is "not attachable", as it is in AWS.
import { createHash } from 'node:crypto';
import { awsManagedPolicies } from '../aws-managed-policies.js';
import type { ManagedPolicyState, SandboxState } from '../state.js';
import { getEntry, invalidInputError, noSuchEntity } from './iam-common.js';

const awsManagedPrefix = 'arn:aws:iam::aws:policy/';
/** AWS managed policies predate every sandbox; a fixed date keeps their output stable. */
const awsManagedDate = '2015-02-06T18:39:46Z';

export const isAwsManaged = (arn: string): boolean => arn.startsWith(awsManagedPrefix);

/** Throws IAM's InvalidInput for a string that is not a policy ARN at all. */
export function checkPolicyArn(arn: string): string {
  if (!/^arn:aws:iam::(\d{12}|aws):policy\/(?:[\u0021-\u007f]*\/)?[\w+=,.@-]+$/.test(arn)) throw invalidInputError(`ARN ${arn} is not valid.`);
  return arn;
}

const notAttachable = (arn: string) => noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);

function awsManagedView(arn: string): ManagedPolicyState | undefined {
  const managed = getEntry(awsManagedPolicies, arn);
  if (!managed) return undefined;
  const digest = createHash('sha256').update(arn).digest('hex').toUpperCase().replace(/[^A-Z2-7]/g, '');
  return {
    name: managed.name,
    path: arn.slice(awsManagedPrefix.length - 1, arn.length - managed.name.length),
    arn,
    id: ('ANPA' + digest + 'ABCDEFGHIJKLMNOPQ').slice(0, 21),
    description: managed.description,
    createDate: awsManagedDate,
    updateDate: awsManagedDate,
    defaultVersionId: 'v1',
    // The same serialisation the authorizer evaluates (principal-policies.ts).
    versions: [{ versionId: 'v1', document: JSON.stringify(managed.document), createDate: awsManagedDate }],
    nextVersionNumber: 2,
  };
}

/** A customer managed policy of `accountId`, or an AWS managed policy; undefined otherwise. */
export function managedPolicyView(state: SandboxState, accountId: string, arn: string): ManagedPolicyState | undefined {
  if (isAwsManaged(arn)) return awsManagedView(arn);
  if (arn.split(':')[4] !== accountId) return undefined;
  return getEntry(state.accounts[accountId]?.managedPolicies ?? {}, arn);
}

export function requirePolicyView(state: SandboxState, accountId: string, arn: string): ManagedPolicyState {
  const policy = managedPolicyView(state, accountId, checkPolicyArn(arn));
  if (!policy) throw notAttachable(arn);
  return policy;
}

/** A customer managed policy of the account, for changes (AWS managed policies cannot be changed). */
export function requireCustomerPolicy(state: SandboxState, accountId: string, arn: string): ManagedPolicyState {
  checkPolicyArn(arn);
  const policy = arn.split(':')[4] === accountId ? getEntry(state.accounts[accountId]?.managedPolicies ?? {}, arn) : undefined;
  if (!policy) throw notAttachable(arn);
  return policy;
}

/** Checks a policy can be attached, or used as a permissions boundary (IAM calls that a "Scope ARN"). */
export function requireAttachablePolicy(state: SandboxState, accountId: string, arn: string, use: 'attach' | 'boundary'): void {
  checkPolicyArn(arn);
  if (managedPolicyView(state, accountId, arn)) return;
  throw use === 'boundary' ? noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`) : notAttachable(arn);
}

/** How many users, roles and groups have the policy attached, and how many use it as a boundary. */
export function policyUsage(state: SandboxState, arn: string): { attachments: number; boundaries: number } {
  let attachments = 0;
  let boundaries = 0;
  for (const account of Object.values(state.accounts)) {
    for (const entity of [...Object.values(account.users), ...Object.values(account.roles), ...Object.values(account.groups)]) {
      if (entity.attachedPolicies.includes(arn)) attachments++;
      if ('permissionsBoundary' in entity && entity.permissionsBoundary === arn) boundaries++;
    }
  }
  return { attachments, boundaries };
}
