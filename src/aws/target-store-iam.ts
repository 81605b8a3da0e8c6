// The IAM half of the target store: inline policies, managed policy versions and the applier's own
// identity policies. IAM has no cross-account writes, so every call here goes to the caller's account
// (the session's main clients), whatever account the key is in.
import {
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  paginateListPolicyVersions,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import type { PolicyVersionInfo, PrincipalKind, TargetStore } from '../apply/target-store.js';
import type { Observation, PolicyDocumentFacts } from '../engine/facts.js';
import { decodePolicyText } from './aws-call.js';
import type { AwsServiceName } from './aws-config.js';
import { AwsCallError, classifyAwsError } from './aws-errors.js';
import type { AwsClientSet } from './aws-session.js';
import { getInlinePolicy, getManagedPolicy, listAttachedPolicyArns, listInlinePolicyNames, parsePrincipalArn } from './principal-reads.js';

/** Runs one SDK call; anything it throws comes back as an AwsCallError named after the call (e.g. kms:PutKeyPolicy). */
export async function awsCall<T>(clients: AwsClientSet, call: string, run: () => Promise<T>, region?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw classifyAwsError(error, { call, endpoint: clients.endpoint(call.split(':')[0] as AwsServiceName, region) });
  }
}

const isoDate = (date: Date | undefined): string => (date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : '');

type IamMethods = Pick<
  TargetStore,
  | 'readInlinePolicy'
  | 'putInlinePolicy'
  | 'deleteInlinePolicy'
  | 'listPolicyVersions'
  | 'readPolicyVersion'
  | 'createPolicyVersion'
  | 'setDefaultPolicyVersion'
  | 'deletePolicyVersion'
  | 'applierPolicies'
>;

/** The IAM methods of the store; `applierArn` is the caller's ARN (STS GetCallerIdentity, memoised by the caller). */
export function iamTargetMethods(clients: AwsClientSet, applierArn: () => Promise<string>): IamMethods {
  const iam = () => clients.iam();
  const noun = (kind: PrincipalKind) => (kind === 'user' ? 'User' : 'Role');

  return {
    async readInlinePolicy(kind, principalName, policyName) {
      try {
        const output = await awsCall(clients, `iam:Get${noun(kind)}Policy`, (): Promise<{ PolicyDocument?: string }> =>
          kind === 'user'
            ? iam().send(new GetUserPolicyCommand({ UserName: principalName, PolicyName: policyName }))
            : iam().send(new GetRolePolicyCommand({ RoleName: principalName, PolicyName: policyName })),
        );
        return decodePolicyText(output.PolicyDocument ?? '');
      } catch (error) {
        // NoSuchEntity also answers for a user or role that does not exist; both read as "no such policy".
        if (error instanceof AwsCallError && (error.code === 'NoSuchEntity' || error.code === 'NoSuchEntityException')) return undefined;
        throw error;
      }
    },

    async putInlinePolicy(kind, principalName, policyName, document) {
      await awsCall(clients, `iam:Put${noun(kind)}Policy`, () =>
        kind === 'user'
          ? iam().send(new PutUserPolicyCommand({ UserName: principalName, PolicyName: policyName, PolicyDocument: document }))
          : iam().send(new PutRolePolicyCommand({ RoleName: principalName, PolicyName: policyName, PolicyDocument: document })),
      );
    },

    async deleteInlinePolicy(kind, principalName, policyName) {
      await awsCall(clients, `iam:Delete${noun(kind)}Policy`, () =>
        kind === 'user'
          ? iam().send(new DeleteUserPolicyCommand({ UserName: principalName, PolicyName: policyName }))
          : iam().send(new DeleteRolePolicyCommand({ RoleName: principalName, PolicyName: policyName })),
      );
    },

    listPolicyVersions(policyArn) {
      return awsCall(clients, 'iam:ListPolicyVersions', async () => {
        const versions: PolicyVersionInfo[] = [];
        for await (const page of paginateListPolicyVersions({ client: iam() }, { PolicyArn: policyArn })) {
          for (const v of page.Versions ?? []) {
            versions.push({ versionId: v.VersionId ?? '', isDefault: v.IsDefaultVersion ?? false, createDate: isoDate(v.CreateDate) });
          }
        }
        return versions;
      });
    },

    async readPolicyVersion(policyArn, versionId) {
      const output = await awsCall(clients, 'iam:GetPolicyVersion', () => iam().send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })));
      return decodePolicyText(output.PolicyVersion?.Document ?? '');
    },

    async createPolicyVersion(policyArn, document, setAsDefault) {
      const output = await awsCall(clients, 'iam:CreatePolicyVersion', () =>
        iam().send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: document, SetAsDefault: setAsDefault })),
      );
      const versionId = output.PolicyVersion?.VersionId;
      if (!versionId) throw new AwsCallError({ kind: 'other', code: 'EmptyResponse', call: 'iam:CreatePolicyVersion', message: 'CreatePolicyVersion returned no VersionId' });
      return versionId;
    },

    async setDefaultPolicyVersion(policyArn, versionId) {
      await awsCall(clients, 'iam:SetDefaultPolicyVersion', () => iam().send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })));
    },

    async deletePolicyVersion(policyArn, versionId) {
      await awsCall(clients, 'iam:DeletePolicyVersion', () => iam().send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })));
    },

    /**
     * Inline and attached managed policies (default versions) of the user or role behind the caller.
     * Any refused or failed read gives undefined; credential and network failures reject, as they
     * stop everything else too (readCall's rule).
     */
    async applierPolicies() {
      const principal = parsePrincipalArn(await applierArn());
      if ('unsupported' in principal) return undefined;
      const [names, arns] = await Promise.all([listInlinePolicyNames(clients, principal.kind, principal.name), listAttachedPolicyArns(clients, principal.kind, principal.name)]);
      if (names.status !== 'known' || arns.status !== 'known') return undefined;
      const reads: Observation<PolicyDocumentFacts>[] = await Promise.all([
        ...names.value.map((name) => getInlinePolicy(clients, principal.kind, principal.name, name)),
        ...arns.value.map((arn) => getManagedPolicy(clients, arn)),
      ]);
      const policies: { name: string; document: unknown }[] = [];
      for (const read of reads) {
        if (read.status !== 'known') return undefined;
        policies.push({ name: read.value.name, document: read.value.document });
      }
      return policies;
    },
  };
}
