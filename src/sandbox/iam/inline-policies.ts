// Inline policies of roles, users and groups: Put/Get/Delete/List RolePolicy, UserPolicy and
// GroupPolicy. IAM limits the aggregate of an entity's inline policies, whitespace excluded (role
// 10,240, user 2,048, group 5,120 characters), and words the refusal "Maximum policy size of 10240
// bytes exceeded for role X" (aws/aws-cdk#12403; "... for user X" in danvk/mapsnap#483).
import { requiredParam, type QueryParams } from '../query-protocol.js';
import type { IncomingCall } from '../service-call.js';
import { policyHolderKinds, type PolicyHolderKind } from './entity-kinds.js';
import { authorizeIam } from './iam-authorization.js';
import {
  callerAccount,
  encodedDocument,
  getEntry,
  limitExceeded,
  noSuchEntity,
  paginate,
  policySize,
  requiredName,
  setEntry,
  type OperationTable,
} from './iam-common.js';
import { identityPolicyDocument } from './policy-documents.js';

function operationsFor(kind: PolicyHolderKind): OperationTable {
  const { noun } = kind;
  const lower = noun.toLowerCase();
  const entityName = (params: QueryParams) => requiredName(params, `${noun}Name`, kind.maxNameLength);
  const policyName = (params: QueryParams) => requiredName(params, 'PolicyName', 128);
  const authorizeOn = async (call: IncomingCall, action: string, name: string) => {
    await authorizeIam(call, `iam:${action}`, kind.resource(callerAccount(call.world.state, call), name));
  };
  const missingPolicy = (name: string) => noSuchEntity(`The ${lower} policy with name ${name} cannot be found.`);

  return {
    async [`Put${noun}Policy`](call, params) {
      const name = entityName(params);
      const policy = policyName(params);
      const document = requiredParam(params, 'PolicyDocument');
      await authorizeOn(call, `Put${noun}Policy`, name);
      kind.require(callerAccount(call.world.state, call), name);
      await identityPolicyDocument(document);
      await call.world.mutate((draft) => {
        const entity = kind.require(callerAccount(draft, call), name);
        const others = Object.entries(entity.inlinePolicies).filter(([existing]) => existing !== policy);
        const aggregate = others.reduce((sum, [, text]) => sum + policySize(text), policySize(document));
        if (aggregate > kind.inlineQuota) {
          throw limitExceeded(`Maximum policy size of ${kind.inlineQuota} bytes exceeded for ${lower} ${entity.name}`);
        }
        setEntry(entity.inlinePolicies, policy, document);
      });
      return undefined;
    },

    async [`Get${noun}Policy`](call, params) {
      const name = entityName(params);
      const policy = policyName(params);
      await authorizeOn(call, `Get${noun}Policy`, name);
      const entity = kind.require(callerAccount(call.world.state, call), name);
      const document = getEntry(entity.inlinePolicies, policy);
      if (document === undefined) throw missingPolicy(policy);
      return { [`${noun}Name`]: entity.name, PolicyName: policy, PolicyDocument: encodedDocument(document) };
    },

    async [`Delete${noun}Policy`](call, params) {
      const name = entityName(params);
      const policy = policyName(params);
      await authorizeOn(call, `Delete${noun}Policy`, name);
      await call.world.mutate((draft) => {
        const entity = kind.require(callerAccount(draft, call), name);
        if (getEntry(entity.inlinePolicies, policy) === undefined) throw missingPolicy(policy);
        delete entity.inlinePolicies[policy];
      });
      return undefined;
    },

    async [`List${noun}Policies`](call, params) {
      const name = entityName(params);
      await authorizeOn(call, `List${noun}Policies`, name);
      const entity = kind.require(callerAccount(call.world.state, call), name);
      const page = paginate(params, Object.keys(entity.inlinePolicies).sort());
      return { PolicyNames: page.items.length > 0 ? { member: page.items } : '', ...page.more };
    },
  };
}

export const inlinePolicyOperations: OperationTable = Object.assign({}, ...policyHolderKinds.map(operationsFor)) as OperationTable;
