// Causes that sit in a statement's Condition rather than in who or what it names:
// - condition-unknown: the outcome depends on a condition key nobody knows here (the caller's source
//   IP, VPC endpoint, MFA…); it names the key, the statement, and the values that pass and fail.
// - condition-not-met: an Allow statement would allow the call but for its condition; it names the key,
//   the operator, the expected value(s) and the value the request carries.
// Both carry their details as structured evidence values, which the fixes read.
import type { Cause, CauseLayer, Evidence, StatementLocation } from './cause.js';
import { causeLayerOf } from './policy-causes.js';
import { list, who, type ActionEvaluation, type Scope } from './diagnosis-scope.js';
import type { RequestContext } from './kms-request-context.js';
import type { EvaluationOutcome, PolicyLayer, StatementReference } from './policy-evaluation.js';
import { statementCoversAction, statementsOf, statementSummary, type PolicyStatement } from './policy-statements.js';
import { policyDocumentByName, layerPhrase } from './policy-causes/cause-evidence.js';

const location = (ref: StatementReference): StatementLocation => ({
  ...(ref.policyName !== undefined ? { policyName: ref.layer === 'key-policy' ? 'default' : ref.policyName } : {}),
  ...(ref.statementId !== undefined ? { statementId: ref.statementId } : {}),
  ...(ref.statementIndex !== undefined ? { statementIndex: ref.statementIndex } : {}),
});

function statementAt(scope: Scope, ref: StatementReference): PolicyStatement | undefined {
  const layer = causeLayerOf[ref.layer];
  if (!layer) return undefined;
  const document = policyDocumentForReference(scope, ref);
  return statementsOf(document).find((s) => s.index === ref.statementIndex);
}

function policyDocumentForReference(scope: Scope, ref: StatementReference): unknown {
  if (ref.layer === 'scp' || ref.layer === 'rcp') {
    const levels = ref.layer === 'scp' ? scope.serviceControlPolicies : scope.resourceControlPolicies;
    return levels?.flatMap((l) => l.policies).find((p) => p.name === ref.policyName)?.document;
  }
  const layer = causeLayerOf[ref.layer];
  return layer ? policyDocumentByName(scope, layer, ref.layer === 'key-policy' ? 'default' : ref.policyName) : undefined;
}

/** Collects condition-unknown findings across actions: one cause per key and statement. */
export class UnknownConditionCauses {
  private readonly found = new Map<string, { finding: UnknownKeyEntry; actions: string[] }>();

  add(action: string, finding: UnknownKeyEntry): void {
    for (const ref of finding.statements) {
      const id = `${finding.key.toLowerCase()}|${ref.layer}|${ref.policyName ?? ''}|${ref.statementIndex ?? ''}`;
      const entry = this.found.get(id) ?? { finding: { ...finding, statements: [ref] }, actions: [] };
      if (!entry.actions.includes(action)) entry.actions.push(action);
      this.found.set(id, entry);
    }
  }

  causes(scope: Scope): Cause[] {
    return [...this.found.values()].map(({ finding, actions }) => conditionUnknownCause(scope, finding, actions));
  }
}

export interface UnknownKeyEntry {
  readonly key: string;
  readonly passing: readonly string[];
  readonly failing: readonly string[];
  readonly statements: readonly StatementReference[];
}

function conditionUnknownCause(scope: Scope, finding: UnknownKeyEntry, actions: string[]): Cause {
  const ref = finding.statements[0]!;
  const layer: CauseLayer = causeLayerOf[ref.layer] ?? 'request';
  const statement = statementAt(scope, ref);
  const where = layerPhrase(scope, layer, ref.layer === 'key-policy' ? 'default' : ref.policyName);
  const passing = finding.passing.join(', ');
  const evidence: Evidence[] = [
    { what: 'Condition key whose value kms-doctor cannot know', value: finding.key, source: 'request context' },
    {
      what: `${statement?.effect ?? 'The'} statement that tests it, in ${where}`,
      value: statement ? statementSummary(statement) : location(ref),
      source: 'local evaluation',
      statement: location(ref),
    },
    { what: 'Values that pass', value: finding.passing, source: 'local evaluation, each value tried' },
    { what: 'Values that are refused', value: finding.failing, source: 'local evaluation, each value tried' },
    { what: 'How to give the real value', value: `--context ${finding.key}=VALUE`, source: 'kms-doctor' },
  ];
  return {
    code: 'condition-unknown',
    layer,
    summary:
      `Whether ${list(actions)} is allowed for ${who(scope)} depends on ${finding.key}, which kms-doctor cannot read from here: ` +
      `${where} (${statement?.sid !== undefined ? `statement "${statement.sid}"` : `statement ${(ref.statementIndex ?? 0) + 1}`}) lets it through when it is, for example, ${passing}. ` +
      `Give the value the real request carries with --context ${finding.key}=VALUE.`,
    actions,
    evidence,
    unknownCondition: {
      key: finding.key,
      statement: `the ${statement?.effect ?? ''}${statement?.effect ? ' ' : ''}statement ${statement?.sid !== undefined ? `"${statement.sid}"` : (ref.statementIndex ?? 0) + 1} in ${where}`,
      passing: finding.passing,
      failing: finding.failing,
    },
  };
}

/** One clause of a condition: operator, key and the values it expects. */
interface ConditionClause {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

function clausesOf(statement: PolicyStatement): ConditionClause[] {
  const condition = statement.condition;
  if (typeof condition !== 'object' || condition === null) return [];
  return Object.entries(condition as Record<string, unknown>).flatMap(([operator, entries]) =>
    typeof entries === 'object' && entries !== null
      ? Object.entries(entries as Record<string, unknown>).map(([key, value]) => ({ operator, key, values: (Array.isArray(value) ? value : [value]).map(String) }))
      : [],
  );
}

/** A copy of a policy document with one statement's condition replaced (removed when `condition` is undefined). */
function withCondition(document: unknown, index: number, condition: Record<string, Record<string, unknown>> | undefined): unknown {
  const policy = document as Record<string, unknown>;
  const list = Array.isArray(policy.Statement) ? [...(policy.Statement as unknown[])] : [policy.Statement];
  const statement = { ...(list[index] as Record<string, unknown>) };
  if (condition === undefined || Object.keys(condition).length === 0) delete statement.Condition;
  else statement.Condition = condition;
  list[index] = statement;
  return { ...policy, Statement: list };
}

function conditionWithout(statement: PolicyStatement, skip: ConditionClause): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const [operator, entries] of Object.entries(statement.condition as Record<string, Record<string, unknown>>)) {
    for (const [key, value] of Object.entries(entries)) {
      if (operator === skip.operator && key === skip.key) continue;
      (result[operator] ??= {})[key] = value;
    }
  }
  return result;
}

/** Re-evaluates the action with one layer's document replaced; returns that layer's outcome. */
export type EvaluateWithDocument = (layer: 'key-policy' | 'identity-policy', policyName: string, document: unknown) => Promise<EvaluationOutcome>;

export interface ConditionNotMet {
  readonly layer: 'key-policy' | 'identity-policy';
  readonly policyName: string;
  readonly statement: PolicyStatement;
  readonly failing: readonly ConditionClause[];
}

/**
 * For an implicit denial by the key policy or the IAM policies: the Allow statement that would allow
 * the call but for its condition, and which of its condition clauses fail. Undefined when none would.
 */
export async function conditionNotMet(
  scope: Scope,
  evaluation: ActionEvaluation,
  layer: PolicyLayer,
  evaluate: EvaluateWithDocument,
): Promise<ConditionNotMet | undefined> {
  if (layer !== 'key-policy' && layer !== 'identity-policy') return undefined;
  // A key-policy statement naming the principal allows without any IAM policy: it can lift an IAM-side refusal too.
  const sources: { layer: 'key-policy' | 'identity-policy'; policy: { name: string; document: unknown } }[] = [
    ...(scope.keyPolicy ? [{ layer: 'key-policy' as const, policy: scope.keyPolicy }] : []),
    ...(layer === 'identity-policy' ? (scope.identityPolicies ?? []).map((policy) => ({ layer: 'identity-policy' as const, policy })) : []),
  ];
  // The refusal by `layer` is lifted: the call is allowed, or that layer no longer refuses it.
  const lifted = (outcome: EvaluationOutcome) => outcome.decision === 'Allowed' || (outcome.layers[layer]?.decision === 'Allowed' && !outcome.denials.some((d) => d.layer === layer));
  for (const { layer: sourceLayer, policy } of sources) {
    const conditional = statementsOf(policy.document).filter((s) => s.effect === 'Allow' && s.condition !== undefined && statementCoversAction(s, evaluation.action));
    // Lifting only grows with the Allow statements that apply: when removing every one of these
    // conditions at once lifts nothing, removing one does not either. One evaluation then, instead of
    // one per statement (a big key policy has dozens of conditional statements for other principals).
    if (conditional.length > 1) {
      const allWithout = conditional.reduce((document, s) => withCondition(document, s.index, undefined), policy.document);
      if (!lifted(await evaluate(sourceLayer, policy.name, allWithout))) continue;
    }
    for (const statement of conditional) {
      const without = await evaluate(sourceLayer, policy.name, withCondition(policy.document, statement.index, undefined));
      if (!lifted(without)) continue;
      const failing: ConditionClause[] = [];
      const clauses = clausesOf(statement);
      for (const clause of clauses) {
        if (clauses.length === 1) {
          failing.push(clause);
          break;
        }
        const outcome = await evaluate(sourceLayer, policy.name, withCondition(policy.document, statement.index, conditionWithout(statement, clause)));
        if (lifted(outcome)) failing.push(clause);
      }
      return { layer: sourceLayer, policyName: sourceLayer === 'key-policy' ? 'default' : policy.name, statement, failing: failing.length > 0 ? failing : clauses };
    }
  }
  return undefined;
}

const actualValue = (context: RequestContext, key: string): string | readonly string[] | undefined =>
  Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];

export function conditionNotMetCause(scope: Scope, found: ConditionNotMet, actions: string[], context: RequestContext): Cause {
  const where = layerPhrase(scope, found.layer, found.policyName);
  const statementLocation: StatementLocation = {
    policyName: found.policyName,
    ...(found.statement.sid !== undefined ? { statementId: found.statement.sid } : {}),
    statementIndex: found.statement.index,
  };
  const conditions = found.failing.map((clause) => ({
    key: clause.key,
    operator: clause.operator,
    expected: clause.values,
    actual: actualValue(context, clause.key) ?? null,
  }));
  const first = conditions[0]!;
  const actualText = first.actual === null ? 'the request does not carry it' : `the request has ${JSON.stringify(first.actual)}`;
  return {
    code: 'condition-not-met',
    layer: found.layer,
    summary:
      `${where} has a statement (${found.statement.sid !== undefined ? `"${found.statement.sid}"` : `statement ${found.statement.index + 1}`}) that would allow ${list(actions)} to ${who(scope)}, ` +
      `but its condition ${first.operator} ${first.key} expects ${first.expected.map((v) => JSON.stringify(v)).join(' or ')} and ${actualText}.`,
    actions,
    evidence: [
      { what: `Allow statement whose condition is not met, in ${where}`, value: statementSummary(found.statement), source: 'local evaluation', statement: statementLocation },
      ...conditions.map((condition) => ({ what: `Condition ${condition.operator} ${condition.key}`, value: condition, source: 'request context' })),
    ],
  };
}
