// SimulatePrincipalPolicy, with the IAM simulator's semantics (IAM API reference; SDK-AND-SAFETY §2.7):
// the policies of a user (with its groups') or role, plus PolicyInputList, a boundary (the entity's,
// or PermissionsBoundaryPolicyInputList instead), the SCPs of its account and, for users or with a
// CallerArn, one ResourcePolicy. Session ARNs are rejected as IAM rejects them. Results come one per
// action, paginated with MaxItems/Marker.
import { validatePolicyDocument } from '../../engine/policy-evaluation.js';
import { AwsError } from '../errors.js';
import { managedPolicyDocument, serviceControlPoliciesFor } from '../principal-policies.js';
import { listParam, requiredParam, structureListParam, type QueryParams } from '../query-protocol.js';
import { authorizeIam } from './iam-authorization.js';
import { invalidInputError, paginate, type OperationTable } from './iam-common.js';
import { isAwsManaged } from './managed-policy-lookup.js';
import { identityPolicyDocument } from './policy-documents.js';
import { actionFacts } from './simulation-resources.js';
import { evaluationResultXml, simulateOne, type ResourceResult, type SimulationSetup } from './simulation-results.js';
import { entityPolicies, parseEntityArn, requireEntity, type SourcePolicy } from './simulation-sources.js';

const contextKeyTypes = new Set(['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList']);

function contextEntries(params: QueryParams): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const entry of structureListParam(params, 'ContextEntries')) {
    const name = entry.get('ContextKeyName');
    if (!name) throw invalidInputError('A context entry has no ContextKeyName.');
    const type = entry.get('ContextKeyType') ?? 'string';
    if (!contextKeyTypes.has(type)) throw invalidInputError(`Invalid ContextKeyType ${type} for context key ${name}.`);
    const values: string[] = [];
    for (let i = 1; entry.has(`ContextKeyValues.member.${i}`); i++) values.push(entry.get(`ContextKeyValues.member.${i}`)!);
    context[name] = type.endsWith('List') || values.length !== 1 ? values : values[0]!;
  }
  return context;
}

/** Input documents are checked like stored ones, but the simulator reports problems as InvalidInput. */
async function inputPolicy(text: string, sourceId: string, kind: 'identity' | 'resource'): Promise<SourcePolicy> {
  try {
    if (kind === 'identity') await identityPolicyDocument(text);
    else {
      const problems = await validatePolicyDocument(JSON.parse(text) as unknown, 'resource');
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
  } catch (error) {
    throw invalidInputError(`${sourceId} is not a valid policy: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { sourceId, sourceType: kind === 'identity' ? 'none' : 'resource', text };
}

function resourceOwner(params: QueryParams): string | undefined {
  const owner = params.get('ResourceOwner');
  if (owner === undefined) return undefined;
  const account = /^(?:arn:aws:iam::)?(\d{12})(?::root)?$/.exec(owner)?.[1];
  if (!account) throw invalidInputError(`Invalid ResourceOwner: ${owner}`);
  return account;
}

export const simulationOperations: OperationTable = {
  async SimulatePrincipalPolicy(call, params) {
    const source = parseEntityArn(requiredParam(params, 'PolicySourceArn'));
    const actions = listParam(params, 'ActionNames');
    if (actions.length === 0) {
      throw new AwsError('ValidationError', "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
    }
    const requestedResources = listParam(params, 'ResourceArns');
    const resources = requestedResources.length > 0 ? requestedResources : ['*'];
    const callerArnParam = params.get('CallerArn');
    const caller = callerArnParam !== undefined ? parseEntityArn(callerArnParam) : undefined;
    const context = contextEntries(params);
    await authorizeIam(call, 'iam:SimulatePrincipalPolicy', source.resource);

    const state = call.world.state;
    const found = requireEntity(state, call.caller.accountId, source);
    const inputs = listParam(params, 'PolicyInputList');
    const identity = [
      ...entityPolicies(state, source.kind, found),
      ...(await Promise.all(inputs.map((text, i) => inputPolicy(text, `PolicyInputList.${i + 1}`, 'identity')))),
    ];
    const boundaryInputs = listParam(params, 'PermissionsBoundaryPolicyInputList');
    if (boundaryInputs.length > 1) throw invalidInputError('Only one permissions boundary policy can be simulated.');
    const boundaryArn = found.entity.permissionsBoundary;
    const boundaryText = boundaryArn !== undefined ? managedPolicyDocument(state, boundaryArn) : undefined;
    const boundary: SourcePolicy | undefined =
      boundaryInputs[0] !== undefined
        ? await inputPolicy(boundaryInputs[0], 'PermissionsBoundaryPolicyInputList.1', 'identity')
        : boundaryArn !== undefined && boundaryText !== undefined
          ? { sourceId: boundaryArn.slice(boundaryArn.lastIndexOf('/') + 1), sourceType: isAwsManaged(boundaryArn) ? 'aws-managed' : 'user-managed', text: boundaryText }
          : undefined;

    // IAM evaluates a resource policy only for a user, or for the user named by CallerArn.
    const resourcePolicyText = params.get('ResourcePolicy');
    if (resourcePolicyText !== undefined && source.kind !== 'user' && caller === undefined) {
      throw invalidInputError('CallerArn is required when a ResourcePolicy is simulated for an entity that is not an IAM user.');
    }
    const resourcePolicy = resourcePolicyText !== undefined ? await inputPolicy(resourcePolicyText, 'ResourcePolicy', 'resource') : undefined;
    const principalArn = caller?.arn ?? source.arn;
    const principalAccount = caller?.accountId ?? source.accountId;
    const scps = serviceControlPoliciesFor(state, source.accountId);
    const setup: SimulationSetup = {
      principalArn,
      principalAccount,
      region: call.region,
      identity,
      ...(boundary ? { boundary } : {}),
      ...(resourcePolicy ? { resourcePolicy } : {}),
      // Without a resource policy only the identity side is simulated, so the resource's account
      // must not make the request cross-account.
      resourceAccount: resourcePolicy ? (resourceOwner(params) ?? principalAccount) : principalAccount,
      ...(scps ? { serviceControlPolicies: scps } : {}),
      context,
    };

    const page = paginate(params, actions);
    const perResource = !(resources.length === 1 && resources[0] === '*');
    const evaluationResults: Record<string, unknown>[] = [];
    for (const action of page.items) {
      const facts = await actionFacts(action);
      const results: ResourceResult[] = [];
      for (const resource of resources) results.push(await simulateOne(setup, facts, resource));
      evaluationResults.push(evaluationResultXml(facts, results, perResource));
    }
    return { EvaluationResults: evaluationResults.length > 0 ? { member: evaluationResults } : '', ...page.more };
  },
};
