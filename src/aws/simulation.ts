// IAM's own simulator for the diagnosed entity, the operation's KMS actions and the key. It sees the
// identity side only (identity policies, boundary, SCPs; no key policy for roles, SDK-AND-SAFETY §0.3),
// which is exactly what the engine compares its own evaluation with.
import { paginateSimulatePrincipalPolicy, type ContextEntry, type EvaluationResult } from '@aws-sdk/client-iam';
import type { DiagnosisRequest, Observation, SimulatorResult } from '../engine/facts.js';
import { viaServiceFor } from '../engine/operations.js';
import { readCall } from './aws-call.js';
import type { AwsClientSet } from './aws-session.js';

/**
 * The request context KMS would evaluate: encryption context (each pair and the key list), the
 * service the call comes through, the caller's account, and, when a service creates a grant for the
 * resource it manages, kms:GrantIsForAWSResource. Without them the simulator reports conditions on
 * these keys as missing context instead of deciding.
 */
export function simulationContext(request: DiagnosisRequest, keyRegion: string, principalAccount: string): ContextEntry[] {
  const entries: ContextEntry[] = [{ ContextKeyName: 'kms:CallerAccount', ContextKeyValues: [principalAccount], ContextKeyType: 'string' }];
  const context = Object.entries(request.encryptionContext ?? {});
  for (const [key, value] of context) {
    entries.push({ ContextKeyName: `kms:EncryptionContext:${key}`, ContextKeyValues: [value], ContextKeyType: 'string' });
  }
  if (context.length > 0) {
    entries.push({ ContextKeyName: 'kms:EncryptionContextKeys', ContextKeyValues: context.map(([key]) => key), ContextKeyType: 'stringList' });
  }
  const via = viaServiceFor(request.operation, keyRegion);
  if (via) {
    entries.push({ ContextKeyName: 'kms:ViaService', ContextKeyValues: [via], ContextKeyType: 'string' });
    if (request.operation.usesGrants && request.operation.actions.includes('kms:CreateGrant')) {
      entries.push({ ContextKeyName: 'kms:GrantIsForAWSResource', ContextKeyValues: ['true'], ContextKeyType: 'boolean' });
    }
  }
  return entries;
}

const decisions = new Set<SimulatorResult['decision']>(['allowed', 'explicitDeny', 'implicitDeny']);

function resultFrom(result: EvaluationResult): SimulatorResult {
  const decision = result.EvalDecision as SimulatorResult['decision'];
  const boundary = result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary;
  const organizations = result.OrganizationsDecisionDetail?.AllowedByOrganizations;
  return {
    action: result.EvalActionName ?? '',
    // An unknown decision is reported as the safe reading: not allowed.
    decision: decisions.has(decision) ? decision : 'implicitDeny',
    matchedStatements: (result.MatchedStatements ?? []).map((s) => ({
      sourcePolicyId: s.SourcePolicyId ?? '',
      ...(s.SourcePolicyType ? { sourcePolicyType: s.SourcePolicyType } : {}),
    })),
    missingContextValues: result.MissingContextValues ?? [],
    ...(boundary !== undefined ? { allowedByPermissionsBoundary: boundary } : {}),
    ...(organizations !== undefined ? { allowedByOrganizations: organizations } : {}),
  };
}

/** SimulatePrincipalPolicy, all pages. `entityArn` must be a user or role ARN: IAM rejects session ARNs. */
export function simulate(
  clients: AwsClientSet,
  request: DiagnosisRequest,
  target: { readonly entityArn: string; readonly principalAccount: string; readonly keyArn: string; readonly keyRegion: string },
): Promise<Observation<readonly SimulatorResult[]>> {
  return readCall({ call: 'iam:SimulatePrincipalPolicy', endpoint: clients.endpoint('iam') }, async () => {
    const results: SimulatorResult[] = [];
    const pages = paginateSimulatePrincipalPolicy(
      { client: clients.iam() },
      {
        PolicySourceArn: target.entityArn,
        ActionNames: [...request.operation.actions],
        ResourceArns: [target.keyArn],
        ContextEntries: simulationContext(request, target.keyRegion, target.principalAccount),
      },
    );
    for await (const page of pages) results.push(...(page.EvaluationResults ?? []).map(resultFrom));
    return results;
  });
}
