// Versions of managed policies: Get/Create/List/Delete PolicyVersion and SetDefaultPolicyVersion.
// A policy keeps at most five versions (API_CreatePolicyVersion) and its default version cannot be
// deleted ("Cannot delete the default version of a policy.", DeleteConflict 409,
// redradrat/aws-iam-operator#13); version IDs are never reused.
import { nowIso } from '../ids.js';
import { booleanParam, requiredParam, type QueryParams } from '../query-protocol.js';
import type { IncomingCall } from '../service-call.js';
import type { ManagedPolicyState, PolicyVersionState } from '../state.js';
import { authorizeIam, policyResource } from './iam-authorization.js';
import { checkString, deleteConflict, encodedDocument, limitExceeded, noSuchEntity, paginate, type OperationTable } from './iam-common.js';
import { checkManagedPolicyDocument } from './managed-policies.js';
import { checkPolicyArn, requireCustomerPolicy, requirePolicyView } from './managed-policy-lookup.js';

const maxVersions = 5;

const versionIdParam = (params: QueryParams): string =>
  checkString('VersionId', requiredParam(params, 'VersionId'), {
    pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
    patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
    min: 1,
    max: 128,
  });

function requireVersion(policy: ManagedPolicyState, versionId: string): PolicyVersionState {
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw noSuchEntity(`Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`);
  return version;
}

const versionXml = (policy: ManagedPolicyState, version: PolicyVersionState): Record<string, unknown> => ({
  VersionId: version.versionId,
  IsDefaultVersion: version.versionId === policy.defaultVersionId,
  CreateDate: version.createDate,
});

/** Reads the PolicyArn parameter and authorizes the action on that policy. */
async function authorizedPolicyArn(call: IncomingCall, params: QueryParams, action: string): Promise<string> {
  const arn = checkPolicyArn(requiredParam(params, 'PolicyArn'));
  await authorizeIam(call, `iam:${action}`, policyResource(arn));
  return arn;
}

export const policyVersionOperations: OperationTable = {
  async GetPolicyVersion(call, params) {
    const arn = await authorizedPolicyArn(call, params, 'GetPolicyVersion');
    const versionId = versionIdParam(params);
    const policy = requirePolicyView(call.world.state, call.caller.accountId, arn);
    const version = requireVersion(policy, versionId);
    return { PolicyVersion: { Document: encodedDocument(version.document), ...versionXml(policy, version) } };
  },

  async CreatePolicyVersion(call, params) {
    const arn = await authorizedPolicyArn(call, params, 'CreatePolicyVersion');
    const document = requiredParam(params, 'PolicyDocument');
    const setAsDefault = booleanParam(params, 'SetAsDefault') ?? false;
    requireCustomerPolicy(call.world.state, call.caller.accountId, arn);
    await checkManagedPolicyDocument(document);
    return call.world.mutate((draft) => {
      const policy = requireCustomerPolicy(draft, call.caller.accountId, arn);
      if (policy.versions.length >= maxVersions) {
        throw limitExceeded(
          'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
        );
      }
      const now = nowIso();
      const version: PolicyVersionState = { versionId: `v${policy.nextVersionNumber}`, document, createDate: now };
      policy.nextVersionNumber += 1;
      policy.versions.push(version);
      policy.updateDate = now;
      if (setAsDefault) policy.defaultVersionId = version.versionId;
      return { PolicyVersion: versionXml(policy, version) };
    });
  },

  async ListPolicyVersions(call, params) {
    const arn = await authorizedPolicyArn(call, params, 'ListPolicyVersions');
    const policy = requirePolicyView(call.world.state, call.caller.accountId, arn);
    // Newest first, as IAM lists them.
    const page = paginate(params, [...policy.versions].reverse());
    const versions = page.items.map((version) => versionXml(policy, version));
    return { Versions: versions.length > 0 ? { member: versions } : '', ...page.more };
  },

  async SetDefaultPolicyVersion(call, params) {
    const arn = await authorizedPolicyArn(call, params, 'SetDefaultPolicyVersion');
    const versionId = versionIdParam(params);
    await call.world.mutate((draft) => {
      const policy = requireCustomerPolicy(draft, call.caller.accountId, arn);
      requireVersion(policy, versionId);
      policy.defaultVersionId = versionId;
    });
    return undefined;
  },

  async DeletePolicyVersion(call, params) {
    const arn = await authorizedPolicyArn(call, params, 'DeletePolicyVersion');
    const versionId = versionIdParam(params);
    await call.world.mutate((draft) => {
      const policy = requireCustomerPolicy(draft, call.caller.accountId, arn);
      requireVersion(policy, versionId);
      if (policy.defaultVersionId === versionId) throw deleteConflict('Cannot delete the default version of a policy.');
      policy.versions = policy.versions.filter((v) => v.versionId !== versionId);
    });
    return undefined;
  },
};
