// Simulates one action on one resource and shapes the answers the way IAM's simulator reports them:
// a per-resource ResourceSpecificResult, and one EvaluationResult per action whose EvalDecision is
// the most restrictive of its resources. Without a ResourcePolicy the decision is the identity side
// only (identity policies, boundary, SCPs), so no KMS key-policy rule turns an identity allow into a
// denial, exactly as the IAM simulator behaves; with one, the full evaluation decides.
import {
  evaluatePolicies,
  InvalidPolicyError,
  type EvaluationOutcome,
  type LayerOutcome,
  type OrganizationLevelPolicies,
  type StatementReference,
} from '../../engine/policy-evaluation.js';
import { invalidInputError } from './iam-common.js';
import { statementSpans, type Span } from './policy-positions.js';
import { evaluatedResource, type ActionFacts } from './simulation-resources.js';
import type { SourcePolicy } from './simulation-sources.js';

export type SimulatorDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface SimulationSetup {
  readonly principalArn: string;
  readonly principalAccount: string;
  readonly region: string;
  readonly identity: readonly SourcePolicy[];
  readonly boundary?: SourcePolicy;
  readonly resourcePolicy?: SourcePolicy;
  readonly resourceAccount: string;
  readonly serviceControlPolicies?: readonly OrganizationLevelPolicies[];
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

interface MatchedStatement {
  readonly policy: SourcePolicy;
  readonly index: number;
}

export interface ResourceResult {
  readonly resource: string;
  readonly decision: SimulatorDecision;
  readonly matched: readonly MatchedStatement[];
  readonly missing: readonly string[];
  readonly allowedByOrganizations?: boolean;
  readonly allowedByBoundary?: boolean;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function actionMatches(pattern: unknown, action: string): boolean {
  if (typeof pattern !== 'string') return false;
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

/** Condition keys of the statements that apply to the action and that the request did not supply. */
function missingContextKeys(policies: readonly SourcePolicy[], action: string, supplied: readonly string[]): string[] {
  const known = new Set(supplied.map((key) => key.toLowerCase()));
  const missing = new Map<string, string>();
  for (const policy of policies) {
    const document = JSON.parse(policy.text) as { Statement?: unknown };
    for (const statement of asList(document.Statement)) {
      if (typeof statement !== 'object' || statement === null) continue;
      const s = statement as Record<string, unknown>;
      const applies = 'Action' in s ? asList(s.Action).some((p) => actionMatches(p, action)) : !asList(s.NotAction).some((p) => actionMatches(p, action));
      if (!applies || typeof s.Condition !== 'object' || s.Condition === null) continue;
      for (const clauses of Object.values(s.Condition as Record<string, unknown>)) {
        if (typeof clauses !== 'object' || clauses === null) continue;
        for (const key of Object.keys(clauses)) if (!known.has(key.toLowerCase())) missing.set(key.toLowerCase(), key);
      }
    }
  }
  return [...missing.values()];
}

const allowedOrAbsent = (layer: LayerOutcome | undefined): boolean => layer === undefined || layer.decision === 'Allowed' || layer.decision === 'NotApplicable';

const fullDecision = (outcome: EvaluationOutcome): SimulatorDecision =>
  outcome.decision === 'Allowed' ? 'allowed' : outcome.decision === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny';

function identitySideDecision(outcome: EvaluationOutcome): SimulatorDecision {
  const { layers } = outcome;
  // Actions that need no permission (sts:GetCallerIdentity) are decided without any policy layer.
  if (layers['identity-policy'] === undefined) return fullDecision(outcome);
  const relevant = [layers['identity-policy'], layers['permissions-boundary'], layers.scp];
  if (relevant.some((layer) => layer?.decision === 'ExplicitlyDenied')) return 'explicitDeny';
  const identityAllows = layers['identity-policy']?.decision === 'Allowed';
  return identityAllows && allowedOrAbsent(layers['permissions-boundary']) && allowedOrAbsent(layers.scp) ? 'allowed' : 'implicitDeny';
}

export async function simulateOne(setup: SimulationSetup, facts: ActionFacts, resource: string): Promise<ResourceResult> {
  const byKey = new Map<string, SourcePolicy>(setup.identity.map((policy, i) => [`policy-${i}`, policy]));
  let outcome: EvaluationOutcome;
  try {
    outcome = await evaluatePolicies({
      principalArn: setup.principalArn,
      action: facts.action,
      resourceArn: evaluatedResource(facts, resource, setup.region, setup.resourceAccount),
      resourceAccount: setup.resourceAccount,
      context: setup.context,
      identityPolicies: [...byKey].map(([name, policy]) => ({ name, document: JSON.parse(policy.text) as unknown })),
      ...(setup.resourcePolicy ? { resourcePolicy: { name: 'ResourcePolicy', document: JSON.parse(setup.resourcePolicy.text) as unknown } } : {}),
      ...(setup.boundary ? { permissionsBoundary: { name: 'boundary', document: JSON.parse(setup.boundary.text) as unknown } } : {}),
      ...(setup.serviceControlPolicies ? { serviceControlPolicies: setup.serviceControlPolicies } : {}),
    });
  } catch (error) {
    if (!(error instanceof InvalidPolicyError)) throw error;
    if (error.problems.includes('no.resource.types')) throw invalidInputError(`Resource ${resource} is not a resource that ${facts.action} acts on.`);
    throw invalidInputError(`The simulation could not be run: ${error.problems.join('; ')}`);
  }
  const decision = setup.resourcePolicy ? fullDecision(outcome) : identitySideDecision(outcome);
  // The statements that decide: the denying ones for an explicit deny, the allowing ones for an
  // allow, none for an implicit deny. SCPs and boundaries have their own decision details instead.
  const pick = (layer: LayerOutcome | undefined): readonly StatementReference[] =>
    (decision === 'explicitDeny' ? layer?.denyStatements : decision === 'allowed' ? layer?.allowStatements : undefined) ?? [];
  const matched: MatchedStatement[] = [];
  const add = (refs: readonly StatementReference[], policyFor: (ref: StatementReference) => SourcePolicy | undefined) => {
    for (const ref of refs) {
      const policy = policyFor(ref);
      if (policy && ref.statementIndex !== undefined) matched.push({ policy, index: ref.statementIndex });
    }
  };
  add(pick(outcome.layers['identity-policy']), (ref) => byKey.get(ref.policyName ?? ''));
  if (setup.resourcePolicy) add(pick(outcome.layers['key-policy']), () => setup.resourcePolicy);
  const scp = outcome.layers.scp;
  const boundary = outcome.layers['permissions-boundary'];
  const evaluated = [...setup.identity, ...(setup.resourcePolicy ? [setup.resourcePolicy] : [])];
  return {
    resource,
    decision,
    matched,
    missing: missingContextKeys(evaluated, facts.action, Object.keys(setup.context)),
    ...(setup.serviceControlPolicies ? { allowedByOrganizations: scp?.decision === 'Allowed' } : {}),
    ...(setup.boundary ? { allowedByBoundary: boundary?.decision === 'Allowed' } : {}),
  };
}

const restrictiveness: Record<SimulatorDecision, number> = { allowed: 0, implicitDeny: 1, explicitDeny: 2 };

function statementsXml(matched: readonly MatchedStatement[]): { member: Record<string, unknown>[] } | '' {
  const spans = new Map<string, Span[]>();
  const seen = new Set<string>();
  const members: Record<string, unknown>[] = [];
  for (const { policy, index } of matched) {
    const id = `${policy.sourceType}/${policy.sourceId}/${index}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!spans.has(policy.text)) spans.set(policy.text, statementSpans(policy.text));
    const span = spans.get(policy.text)?.[index];
    members.push({
      SourcePolicyId: policy.sourceId,
      SourcePolicyType: policy.sourceType,
      ...(span ? { StartPosition: span.start, EndPosition: span.end } : {}),
    });
  }
  return members.length > 0 ? { member: members } : '';
}

const keysXml = (keys: readonly string[]): { member: string[] } | '' => (keys.length > 0 ? { member: [...new Set(keys)] } : '');

const detailXml = (results: readonly ResourceResult[]): Record<string, unknown> => {
  const organizations = results.map((r) => r.allowedByOrganizations).filter((v) => v !== undefined);
  const boundaries = results.map((r) => r.allowedByBoundary).filter((v) => v !== undefined);
  return {
    ...(organizations.length > 0 ? { OrganizationsDecisionDetail: { AllowedByOrganizations: organizations.every(Boolean) } } : {}),
    ...(boundaries.length > 0 ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: boundaries.every(Boolean) } } : {}),
  };
};

/** One EvaluationResult: the aggregate over the resources, plus each resource's own result. */
export function evaluationResultXml(facts: ActionFacts, results: readonly ResourceResult[], perResource: boolean): Record<string, unknown> {
  const top = results.reduce<SimulatorDecision>((worst, r) => (restrictiveness[r.decision] > restrictiveness[worst] ? r.decision : worst), 'allowed');
  const deciding = results.filter((r) => r.decision === top);
  return {
    EvalActionName: facts.requested,
    EvalResourceName: facts.resourceTemplate,
    EvalDecision: top,
    MatchedStatements: statementsXml(deciding.flatMap((r) => r.matched)),
    MissingContextValues: keysXml(results.flatMap((r) => r.missing)),
    ...detailXml(results),
    ...(perResource
      ? {
          ResourceSpecificResults: {
            member: results.map((r) => ({
              EvalResourceName: r.resource,
              EvalResourceDecision: r.decision,
              MatchedStatements: statementsXml(r.matched),
              MissingContextValues: keysXml(r.missing),
              ...(r.allowedByBoundary !== undefined ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: r.allowedByBoundary } } : {}),
            })),
          },
        }
      : {}),
  };
}
