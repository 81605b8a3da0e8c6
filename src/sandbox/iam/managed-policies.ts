// Customer managed policies: CreatePolicy and GetPolicy (AWS managed policies can be read too).
// IAM limits a managed policy to 6,144 characters without whitespace ("Cannot exceed quota for
// PolicySize: 6144", ministryofjustice/cloud-platform-environments#14473) and policy names are unique
// in an account whatever their path ("A policy called X already exists. Duplicate names are not
// allowed.", Aabyss-Team/awsKeyTools#13).
import { newPolicyId, nowIso } from '../ids.js';
import { requiredParam } from '../query-protocol.js';
import type { ManagedPolicyState, SandboxState } from '../state.js';
import { authorizeIam, policyResource } from './iam-authorization.js';
import {
  callerAccount,
  checkString,
  entityAlreadyExists,
  iamArn,
  limitExceeded,
  policySize,
  requiredName,
  setEntry,
  tagsParam,
  validationFailure,
  type OperationTable,
} from './iam-common.js';
import { checkPolicyArn, policyUsage, requirePolicyView } from './managed-policy-lookup.js';
import { identityPolicyDocument } from './policy-documents.js';

const managedPolicySizeQuota = 6144;

/** Parses and checks a managed policy document, including IAM's size quota. */
export async function checkManagedPolicyDocument(document: string): Promise<void> {
  await identityPolicyDocument(document);
  if (policySize(document) > managedPolicySizeQuota) throw limitExceeded(`Cannot exceed quota for PolicySize: ${managedPolicySizeQuota}`);
}

export function policyXml(state: SandboxState, policy: ManagedPolicyState, withDescription: boolean): Record<string, unknown> {
  const usage = policyUsage(state, policy.arn);
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: usage.attachments,
    PermissionsBoundaryUsageCount: usage.boundaries,
    IsAttachable: true,
    ...(withDescription && policy.description !== undefined ? { Description: policy.description } : {}),
    CreateDate: policy.createDate,
    UpdateDate: policy.updateDate,
  };
}

const policyPathRule = { pattern: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, patternText: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/', min: 1, max: 512 };

export const managedPolicyOperations: OperationTable = {
  async CreatePolicy(call, params) {
    const name = requiredName(params, 'PolicyName', 128);
    const pathValue = params.get('Path');
    const path = pathValue === undefined ? '/' : checkString('Path', pathValue, policyPathRule);
    const document = requiredParam(params, 'PolicyDocument');
    const description = params.get('Description');
    if (description !== undefined && description.length > 1000) {
      throw validationFailure('Description', description, 'Member must have length less than or equal to 1000');
    }
    // Tags are checked like IAM checks them, but the state model keeps none for managed policies.
    tagsParam(params);
    const accountId = call.caller.accountId;
    const arn = iamArn(accountId, 'policy', path, name);
    await authorizeIam(call, 'iam:CreatePolicy', policyResource(arn));
    await checkManagedPolicyDocument(document);
    const created = await call.world.mutate((draft) => {
      const account = callerAccount(draft, call);
      const lower = name.toLowerCase();
      if (Object.values(account.managedPolicies).some((p) => p.name.toLowerCase() === lower)) {
        throw entityAlreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
      }
      const now = nowIso();
      const policy: ManagedPolicyState = {
        name,
        path,
        arn,
        id: newPolicyId(),
        ...(description !== undefined ? { description } : {}),
        createDate: now,
        updateDate: now,
        defaultVersionId: 'v1',
        versions: [{ versionId: 'v1', document, createDate: now }],
        nextVersionNumber: 2,
      };
      setEntry(account.managedPolicies, arn, policy);
      return policy;
    });
    return { Policy: policyXml(call.world.state, created, false) };
  },

  async GetPolicy(call, params) {
    const arn = checkPolicyArn(requiredParam(params, 'PolicyArn'));
    await authorizeIam(call, 'iam:GetPolicy', policyResource(arn));
    const state = call.world.state;
    return { Policy: policyXml(state, requirePolicyView(state, call.caller.accountId, arn), true) };
  },
};
