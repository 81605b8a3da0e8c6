// The key policy's and the IAM policies' findings: which statements decide this request and how,
// read off the evaluation the verdict uses (the statements the evaluation module matched, conditions
// included), then put in words. Nothing here decides whether a statement applies: the evaluation did.
import type { ActionEvaluation, Scope } from './diagnosis-scope.js';
import { list, who } from './diagnosis-scope.js';
import type { PolicyLayer } from './policy-evaluation.js';
import { namesAccount, namesPrincipal, statementCoversAction, statementLabel, statementsOf, uniqueIdPattern, type PolicyStatement } from './policy-statements.js';
import type {
  IamRole,
  IdentityEffect,
  IdentityPoliciesFinding,
  IdentityPolicyFinding,
  KeyPolicyFinding,
  StatementEffect,
  StatementFinding,
} from './step-finding-types.js';

/** The statement positions the evaluation matched in one layer (and policy), per effect. */
function matched(evaluation: ActionEvaluation, layer: PolicyLayer, policyName?: string) {
  const outcome = evaluation.outcome.layers[layer];
  const mine = (s: { policyName?: string }) => policyName === undefined || s.policyName === policyName;
  return {
    allows: new Set((outcome?.allowStatements ?? []).filter(mine).map((s) => s.statementIndex)),
    denies: new Set((outcome?.denyStatements ?? []).filter(mine).map((s) => s.statementIndex)),
  };
}

const strength: Record<StatementEffect, number> = { denies: 3, allows: 2, delegates: 1, none: 0 };
const strongest = (effects: readonly StatementEffect[]): StatementEffect => effects.reduce<StatementEffect>((a, b) => (strength[b] > strength[a] ? b : a), 'none');

/** Why a statement that did not match does not apply, in words (descriptive only: the evaluation decided). */
function notApplying(statement: PolicyStatement, scope: Scope, keyPolicy: boolean): string {
  const name = who(scope);
  const covers = scope.actions.some((a) => statementCoversAction(statement, a));
  const arns = scope.subject ? [scope.subject.arn, scope.subject.entityArn] : [];
  const aboutPrincipal = !keyPolicy || namesPrincipal(statement, arns) || (scope.subject !== undefined && namesAccount(statement, scope.subject.accountId));
  if (covers && aboutPrincipal && statement.condition !== undefined) return `${statementLabel(statement)}: its conditions do not hold for this request`;
  return keyPolicy ? `${statementLabel(statement)}: does not cover ${name} for ${list(scope.actions)}` : `${statementLabel(statement)}: not about ${list(scope.actions)} on this key`;
}

function statementFindings(
  scope: Scope,
  document: unknown,
  evaluations: readonly ActionEvaluation[],
  layer: PolicyLayer,
  policyName: string | undefined,
  keyPolicy: boolean,
): StatementFinding[] {
  const subject = scope.subject;
  const arns = subject ? [subject.arn, subject.entityArn] : [];
  return statementsOf(document).map((statement): StatementFinding => {
    const byAction = evaluations.map((evaluation) => {
      const { allows, denies } = matched(evaluation, layer, policyName);
      const effect: StatementEffect = denies.has(statement.index)
        ? 'denies'
        : !allows.has(statement.index)
          ? 'none'
          : keyPolicy && subject !== undefined && !namesPrincipal(statement, arns) && namesAccount(statement, subject.accountId)
            ? 'delegates'
            : 'allows';
      return { action: evaluation.action, effect };
    });
    const effect = strongest(byAction.map((a) => a.effect));
    const actions = byAction.filter((a) => a.effect === effect && effect !== 'none').map((a) => a.action);
    const label = statementLabel(statement);
    const words = list(actions);
    const everyone = statement.principals.includes('*');
    const why =
      effect === 'denies'
        ? `${label} denies ${words}${statement.condition !== undefined ? ' (its conditions hold for this request)' : ''}`
        : effect === 'allows'
          ? keyPolicy
            ? `${label} allows ${everyone ? 'everyone' : who(scope)} ${words}`
            : `${label} allows ${words}`
          : effect === 'delegates'
            ? `${label} lets IAM policies in account ${subject?.accountId ?? '?'} allow ${words}`
            : notApplying(statement, scope, keyPolicy);
    return { statement, effect, actions, why };
  });
}

/** The key policy's effect on each action: its strongest matching statement's. */
function effectsPerAction(statements: readonly StatementFinding[], actions: readonly string[]): Record<string, StatementEffect> {
  return Object.fromEntries(actions.map((action) => [action, strongest(statements.filter((s) => s.actions.includes(action)).map((s) => s.effect))]));
}

export function keyPolicyFinding(scope: Scope, evaluations: readonly ActionEvaluation[] | undefined, crossAccount: boolean | undefined): KeyPolicyFinding {
  const name = who(scope);
  const account = scope.subject?.accountId;
  const base = { statements: [], perAction: {}, denies: false, delegatesToIam: false, namesPrincipal: false };
  const observation = scope.facts.keyPolicy;
  if (scope.keyPolicy === undefined) {
    const why = observation.status === 'unreadable' ? ` (${observation.call}: ${observation.message})` : '';
    return {
      ...base,
      read: false,
      tone: 'warn',
      conclusion: `The key policy could not be read${why}: the verdict will say what that leaves open.`,
      next: "Whether IAM policies count depends on the key policy, so they are read as if they did.",
    };
  }
  if (evaluations === undefined) {
    return { ...base, read: true, tone: 'warn', conclusion: 'The key policy could not be evaluated: who is asking, or which key, is not known (or a policy is not valid).' };
  }
  const statements = statementFindings(scope, scope.keyPolicy.document, evaluations, 'key-policy', undefined, true);
  const perAction = effectsPerAction(statements, scope.actions);
  const effects = Object.values(perAction);
  const flags = {
    denies: effects.includes('denies'),
    delegatesToIam: effects.includes('delegates'),
    namesPrincipal: effects.includes('allows'),
  };
  const finding = (tone: KeyPolicyFinding['tone'], conclusion: string, next?: string): KeyPolicyFinding => ({
    read: true,
    statements,
    perAction,
    ...flags,
    tone,
    conclusion,
    ...(next !== undefined ? { next } : {}),
  });
  const deny = statements.find((s) => s.effect === 'denies');
  if (deny) return finding('bad', `A Deny statement refuses the call: ${deny.why}. A deny wins over every allow.`, 'Nothing in IAM policies or grants can allow what it denies.');
  const unallowed = scope.actions.filter((a) => perAction[a] === 'none');
  if (unallowed.length > 0) {
    const where = crossAccount ? `trusts account ${account ?? '?'}` : `delegates to IAM for account ${account ?? '?'}`;
    // A unique ID where an ARN stood: AWS shows a deleted principal that way, and a principal created
    // again under the same name does not match it (principal-recreated).
    const staleIds = [...new Set(scope.keyStatements.filter((st) => st.effect === 'Allow' && unallowed.some((a) => statementCoversAction(st, a))).flatMap((st) => st.principals.filter((p) => uniqueIdPattern.test(p))))];
    const stale = staleIds.length > 0 ? ` A statement for ${list(unallowed)} names ${list(staleIds)}, the unique ID of a deleted principal, not ${name}'s ARN.` : '';
    return finding(
      'bad',
      `The key policy neither names ${name} nor ${where} for ${list(unallowed)}: no IAM policy can allow this until it does.${stale}`,
      'IAM policies do not count: the key policy neither delegates nor names the principal. Only a grant could still allow it.',
    );
  }
  if (crossAccount) {
    const how = flags.delegatesToIam ? `trusts account ${account ?? '?'}` : `allows ${name}`;
    return finding('ok', `The key policy ${how}: ${name}'s own IAM policies must now allow the key too.`, `Across accounts IAM policies count: those of account ${account ?? '?'} must allow ${list(scope.actions)} on this key.`);
  }
  if (flags.delegatesToIam) return finding('ok', `The key policy delegates to IAM: ${name}'s IAM policies decide next.`, `IAM policies count: they must allow ${list(scope.actions.filter((a) => perAction[a] === 'delegates'))}.`);
  return finding('ok', `The key policy allows ${name} directly.`, `${name}'s IAM policies are not needed for this: only a Deny in them would refuse it.`);
}

/** What the identity side (policies capped by the boundary) leaves one action, per the evaluation. */
function identityEffect(evaluation: ActionEvaluation): IdentityEffect {
  const identity = evaluation.outcome.layers['identity-policy'];
  const boundary = evaluation.outcome.layers['permissions-boundary'];
  if (identity?.decision === 'ExplicitlyDenied' || boundary?.decision === 'ExplicitlyDenied') return 'denies';
  if (identity?.decision !== 'Allowed') return 'not-allowed';
  return boundary === undefined || boundary.decision === 'Allowed' ? 'allows' : 'boundary-caps';
}

function iamRoleOf(keyPolicy: KeyPolicyFinding, action: string, crossAccount: boolean | undefined): IamRole {
  if (!keyPolicy.read || keyPolicy.perAction[action] === undefined) return 'unknown';
  switch (keyPolicy.perAction[action]) {
    case 'denies':
    case 'none':
      return 'cannot-help';
    case 'delegates':
      return 'needed';
    default:
      return crossAccount ? 'needed' : 'not-needed';
  }
}

const policyLabel = (p: { kind: 'inline' | 'managed'; name: string; groupName?: string }) =>
  `${p.kind === 'managed' ? 'managed' : 'inline'} policy ${p.name.split('/').pop()}${p.groupName ? ` (group ${p.groupName})` : ''}`;

export function identityPoliciesFinding(
  scope: Scope,
  evaluations: readonly ActionEvaluation[] | undefined,
  keyPolicy: KeyPolicyFinding,
  crossAccount: boolean | undefined,
): IdentityPoliciesFinding {
  const name = who(scope);
  const iamRole = Object.fromEntries(scope.actions.map((a) => [a, iamRoleOf(keyPolicy, a, crossAccount)]));
  const observation = scope.facts.principalPolicies;
  if (scope.identityPolicies === undefined || evaluations === undefined) {
    const unread = scope.identityPolicies === undefined;
    return {
      read: !unread,
      policies: [],
      perAction: {},
      iamRole,
      counts: Object.values(iamRole).some((r) => r !== 'cannot-help'),
      tone: 'warn',
      conclusion: unread
        ? `${name}'s policies could not be read${observation.status === 'unreadable' ? ` (${observation.call}: ${observation.message})` : ''}; the simulator's answer is all there is.`
        : `${name}'s policies could not be evaluated: who is asking, or which key, is not known (or a policy is not valid).`,
    };
  }
  const sources = scope.identitySources.map((p) => ({ label: policyLabel(p), name: p.name, document: p.document, boundary: false }));
  const boundary = scope.facts.principalPolicies.status === 'known' ? scope.facts.principalPolicies.value.permissionsBoundary : undefined;
  if (boundary && scope.boundary) sources.push({ label: `permissions boundary ${boundary.name.split('/').pop()}`, name: scope.boundary.name, document: boundary.document, boundary: true });
  const policies: IdentityPolicyFinding[] = sources.map((source) => ({
    label: source.label,
    name: source.name,
    boundary: source.boundary,
    statements: statementFindings(scope, source.document, evaluations, source.boundary ? 'permissions-boundary' : 'identity-policy', source.name, false).filter((s) => s.effect !== 'none'),
  }));
  const perAction = Object.fromEntries(evaluations.map((e) => [e.action, identityEffect(e)]));
  const counts = scope.actions.some((a) => iamRole[a] === 'needed' || iamRole[a] === 'unknown' || (iamRole[a] === 'not-needed' && perAction[a] === 'denies'));
  const denied = scope.actions.filter((a) => perAction[a] === 'denies' && iamRole[a] !== 'cannot-help');
  const deciding = scope.actions.filter((a) => iamRole[a] === 'needed' || iamRole[a] === 'unknown');
  const notAllowed = deciding.filter((a) => perAction[a] === 'not-allowed');
  const capped = deciding.filter((a) => perAction[a] === 'boundary-caps');
  const result = (tone: IdentityPoliciesFinding['tone'], conclusion: string, next?: string): IdentityPoliciesFinding => ({
    read: true,
    policies,
    perAction,
    iamRole,
    counts,
    tone,
    conclusion,
    ...(next !== undefined ? { next } : {}),
  });
  const unknownNote = deciding.some((a) => iamRole[a] === 'unknown') ? ' Whether they count depends on the key policy, which could not be read.' : '';
  if (denied.length > 0) {
    const deny = policies.flatMap((p) => p.statements.filter((s) => s.effect === 'denies').map((s) => `${s.why} in ${p.label}`))[0];
    return result('bad', `A Deny statement in ${name}'s policies refuses ${list(denied)}${deny !== undefined ? `: ${deny}` : ''}. A deny wins over every allow.`);
  }
  if (notAllowed.length > 0 || capped.length > 0) {
    const parts = [
      ...(notAllowed.length > 0 ? [`No IAM statement of ${name} allows ${list(notAllowed)} on this key.`] : []),
      ...(capped.length > 0 ? [`${name}'s permissions boundary does not allow ${list(capped)}: it caps what the policies allow.`] : []),
    ];
    const across = crossAccount ? ` Across accounts ${name}'s own account must allow the key too, whatever the key policy says.` : '';
    return result('bad', parts.join(' ') + across + unknownNote);
  }
  if (deciding.length > 0) return result('ok', `${name}'s IAM policies allow ${list(deciding)} on this key.${unknownNote}`);
  if (scope.actions.every((a) => iamRole[a] === 'not-needed')) {
    return result('ok', `${name}'s IAM policies are not needed here: the key policy allows ${name} directly (only a Deny in them would refuse).`);
  }
  const refusedByKeyPolicy = scope.actions.some((a) => keyPolicy.perAction[a] === 'denies');
  return result(
    'warn',
    refusedByKeyPolicy
      ? `IAM policies do not count: the key policy's Deny refuses ${list(scope.actions.filter((a) => iamRole[a] === 'cannot-help'))} whatever they say.`
      : `IAM policies do not count: the key policy neither delegates to IAM nor names ${name}, so no IAM policy can allow ${list(scope.actions.filter((a) => iamRole[a] === 'cannot-help'))} until it does.`,
  );
}
