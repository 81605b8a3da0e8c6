// The facts as they would be once fixes are made: the same DiagnosisFacts the diagnosis reads, with the
// documents, key state and grants each step writes, and the request a request-change fix asks for. The
// proofs (minimal-fixes.ts, blast-radius.ts) diagnose these, so a fix is judged by the very evaluation
// that found its cause. Pure: nothing is written anywhere.
import type { DiagnosisFacts, GrantFacts, PolicyDocumentFacts, PrincipalPolicyFacts } from './facts.js';
import type { Fix, FixStep } from './fix.js';
import { findOperation, type OperationRequirement } from './operations.js';

/** The facts after every fix in order: its steps, then its request change. */
export function factsAfterFixes(facts: DiagnosisFacts, fixes: readonly Fix[]): DiagnosisFacts {
  let result = facts;
  for (const fix of fixes) {
    if (fix.blockedBy !== undefined) continue;
    for (const step of fix.steps) result = factsAfterStep(result, step);
    if (fix.requestChange) result = withRequestChange(result, fix.requestChange);
  }
  return result;
}

function withRequestChange(facts: DiagnosisFacts, change: NonNullable<Fix['requestChange']>): DiagnosisFacts {
  let request = facts.request;
  if (change.encryptionContext !== undefined) request = { ...request, encryptionContext: { ...(request.encryptionContext ?? {}), ...change.encryptionContext } };
  if (change.viaService !== undefined) request = { ...request, operation: throughService(request.operation, change.viaService) };
  if (change.grantTokensFor !== undefined) request = { ...request, grantTokensFor: [...new Set([...(request.grantTokensFor ?? []), ...change.grantTokensFor])] };
  return { ...facts, request };
}

/** The same KMS actions, called through a service: kms:ViaService is its prefix completed with the Region. */
export function throughService(operation: OperationRequirement, viaService: string): OperationRequirement {
  const prefix = viaService.split('.')[0] ?? viaService;
  return { ...operation, name: `${operation.name} through ${prefix}`, viaService: prefix };
}

/** The same KMS actions, called directly: no service in between. */
export function directCall(operation: OperationRequirement): OperationRequirement {
  const { viaService: _dropped, ...rest } = operation;
  const direct = findOperation(operation.primaryAction.replace(/^kms:/, ''));
  return { ...rest, name: direct?.name ?? operation.primaryAction };
}

function withPolicies(facts: DiagnosisFacts, change: (policies: PrincipalPolicyFacts) => PrincipalPolicyFacts): DiagnosisFacts {
  if (facts.principalPolicies.status !== 'known') return facts;
  return { ...facts, principalPolicies: { status: 'known', value: change(facts.principalPolicies.value) } };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function factsAfterStep(facts: DiagnosisFacts, step: FixStep): DiagnosisFacts {
  switch (step.kind) {
    case 'put-key-policy':
      return { ...facts, keyPolicy: { status: 'known', value: { text: step.policy, document: parsed(step.policy) } } };
    case 'put-role-policy':
    case 'put-user-policy': {
      const inline: PolicyDocumentFacts = { name: step.policyName, kind: 'inline', text: step.document, document: parsed(step.document) };
      const own = (p: PolicyDocumentFacts) => p.kind === 'inline' && p.groupName === undefined && p.name.toLowerCase() === step.policyName.toLowerCase();
      return withPolicies(facts, (policies) => ({
        ...policies,
        policies: policies.policies.some(own) ? policies.policies.map((p) => (own(p) ? inline : p)) : [...policies.policies, inline],
      }));
    }
    case 'create-policy-version': {
      const replaced = (p: PolicyDocumentFacts): PolicyDocumentFacts => (p.arn === step.policyArn ? { ...p, text: step.document, document: parsed(step.document) } : p);
      return withPolicies(facts, (policies) => ({
        ...policies,
        policies: policies.policies.map(replaced),
        ...(policies.permissionsBoundary ? { permissionsBoundary: replaced(policies.permissionsBoundary) } : {}),
      }));
    }
    case 'enable-key':
      if (facts.key.status !== 'known') return facts;
      return { ...facts, key: { status: 'known', value: { ...facts.key.value, state: 'Enabled', enabled: true } } };
    case 'cancel-key-deletion': {
      if (facts.key.status !== 'known') return facts;
      const { deletionDate: _cancelled, ...key } = facts.key.value;
      return { ...facts, key: { status: 'known', value: { ...key, state: 'Disabled', enabled: false } } };
    }
    case 'create-grant': {
      if (facts.grants.status !== 'known') return facts;
      const grant: GrantFacts = { grantId: 'proposed-by-kms-doctor', granteePrincipal: step.granteePrincipal, operations: step.operations, ...(step.name !== undefined ? { name: step.name } : {}) };
      return { ...facts, grants: { status: 'known', value: [...facts.grants.value, grant] } };
    }
  }
}
