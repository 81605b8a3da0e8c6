// Facts → diagnosis: for every KMS action an operation needs, whether AWS would allow it, and if not,
// why, in the cause vocabulary of cause.ts. The checks run in the order KMS applies them
// (KMS-DENIALS §1.2): the key identifier, the key's state and owner, the key policy with the caller's
// IAM policies, boundary, session and organization policies (all through the evaluation module, the
// same one the sandbox authorizes with), then grants. Pure: no I/O; whatever could not be read is
// reported as unverified, with the way to read it.
import type { ActionResult, Cause, CauseCode, Diagnosis } from './cause.js';
import { known, scopeOf, type ActionEvaluation, type DiagnoseOptions, type Scope, type Subject, type UnknownKeyFinding } from './diagnosis-scope.js';
import type { DiagnosisFacts, GrantFacts } from './facts.js';
import { grantAllows, grantOperationFor } from './grant-match.js';
import { aliasNamedBy } from './identifiers.js';
import { conditionNotMet, conditionNotMetCause, UnknownConditionCauses, type ConditionNotMet } from './condition-causes.js';
import { grantConstraintCause, grantRecentlyCreatedCause, isRecentGrant, mismatchedGrants, principalRecreatedCause } from './grant-causes.js';
import { awsManagedCrossAccountCause, awsManagedCrossAccountFromAlias, awsManagedDirectUseCause, keyNotFoundCause, keyStateCause, keyUsageCause } from './key-checks.js';
import { reportedErrorFindings, sessionPolicyFindings, unreadEndpointLayer, unreadOrganizationLayers } from './layer-visibility.js';
import { kmsRequestContext, type RequestContext } from './kms-request-context.js';
import { CauseDrafts, causeFromDraft, causeLayerOf, implicitCause } from './policy-causes.js';
import { evaluatePolicies, InvalidPolicyError, type Denial, type EvaluationOutcome, type EvaluationRequest, type StatementReference } from './policy-evaluation.js';
import { contextValue, unknownConditionKeys } from './unknown-condition-keys.js';
import { simulatorNotes, unverifiedFacts } from './unverified-facts.js';

export type { DiagnoseOptions } from './diagnosis-scope.js';

/** The order causes are reported in: the order KMS decides in, explicit denies before missing allows. */
const causeOrder: readonly CauseCode[] = [
  'wrong-region',
  'key-not-found',
  'alias-cross-account',
  'operation-not-cross-account',
  'aws-managed-key-cross-account',
  'aws-managed-key-direct-use',
  'key-usage-mismatch',
  'key-disabled',
  'key-pending-deletion',
  'key-pending-import',
  'key-unavailable',
  'key-state-transient',
  'incorrect-key',
  'encryption-context-mismatch',
  'scp',
  'rcp',
  'vpc-endpoint-policy',
  'explicit-deny',
  'principal-recreated',
  'condition-not-met',
  'grant-constraint-mismatch',
  'grant-recently-created',
  'key-policy-no-iam-delegation',
  'cross-account-key-policy',
  'identity-policy-missing-actions',
  'cross-account-identity-policy',
  'grant-creation-denied',
  'permissions-boundary',
  'session-policy',
  'condition-unknown',
];

// ---------------------------------------------------------------------------------------------------
// Policies, one action at a time.

/** What the policies decide for one action, before grants. */
export type PolicyVerdict =
  | { readonly decision: 'allowed' }
  | { readonly decision: 'denied'; readonly denials: readonly Denial[]; readonly grantMayAllow: boolean }
  | { readonly decision: 'unknown'; readonly grantMayAllow: boolean };

/** The key's aliases and tags, as far as they were read (kms:ResourceAliases, aws:ResourceTag/…). */
function keyAttributes(facts: DiagnosisFacts): { aliases?: readonly string[]; tags?: Readonly<Record<string, string>> } {
  const aliases = facts.aliases ? known(facts.aliases) : undefined;
  const tags = facts.tags ? known(facts.tags) : undefined;
  return { ...(aliases !== undefined ? { aliases } : {}), ...(tags !== undefined ? { tags } : {}) };
}

function requestContextFor(scope: Scope, subject: Subject, action: string): RequestContext {
  const { key, facts } = scope;
  const requestAlias = aliasNamedBy(facts.request.key);
  const principal = known(facts.principal);
  const same = principal !== undefined && principal.entityArn === subject.entityArn;
  const tags = same ? principal.tags : undefined;
  // aws:userid from the entity's unique ID: AIDA… for a user, AROA…:SESSION for a role session.
  const session = subject.sessionName;
  const userId = subject.userId ?? (same && principal.uniqueId !== undefined ? (subject.kind === 'user' ? principal.uniqueId : session !== undefined ? `${principal.uniqueId}:${session}` : undefined) : undefined);
  const context = kmsRequestContext(
    {
      entityArn: subject.entityArn,
      accountId: subject.accountId,
      kind: subject.kind,
      name: subject.name,
      ...(userId !== undefined ? { userId } : {}),
      ...(scope.organizationId !== undefined ? { organizationId: scope.organizationId } : {}),
      ...(scope.organizationPaths !== undefined ? { organizationPaths: scope.organizationPaths } : {}),
      ...(tags !== undefined ? { tags } : {}),
    },
    {
      action,
      region: facts.request.region,
      ...(key ? { key: { spec: key.spec, usage: key.usage, origin: key.origin, multiRegion: key.multiRegion, ...keyAttributes(facts) } } : {}),
      ...(scope.viaService !== undefined ? { viaService: scope.viaService } : {}),
      ...(facts.request.encryptionContext !== undefined ? { encryptionContext: facts.request.encryptionContext } : {}),
      ...(requestAlias !== undefined ? { requestAlias } : {}),
    },
  );
  // A call through a VPC endpoint carries its ID (the endpoint policy given is named after it).
  if (scope.options.vpcEndpointPolicy !== undefined) context['aws:SourceVpce'] = scope.options.vpcEndpointPolicy.name;
  // What the user gave with --context wins: it is what the real request carries.
  for (const [name, value] of Object.entries(facts.request.givenContext ?? {})) {
    for (const existing of Object.keys(context)) if (existing.toLowerCase() === name.toLowerCase()) delete context[existing];
    context[name] = contextValue(name, value);
  }
  return context;
}

/** Keys that are absent because the fact behind them was read and has no value for them. */
function knownAbsence(scope: Scope, subject: Subject): (key: string) => boolean {
  const { facts } = scope;
  const principal = known(facts.principal);
  return (key) => {
    if (key.startsWith('aws:principalorg')) return scope.outsideOrganization;
    if (key.startsWith('aws:principaltag/')) return principal?.tags !== undefined && principal.entityArn === subject.entityArn;
    if (key.startsWith('aws:resourcetag/')) return facts.tags?.status === 'known';
    if (key === 'kms:resourcealiases') return facts.aliases?.status === 'known';
    if (key.startsWith('kms:encryptioncontext')) return facts.request.encryptionContext !== undefined;
    return false;
  };
}

function policyDocuments(scope: Scope): unknown[] {
  const levels = [...(scope.serviceControlPolicies ?? []), ...(scope.resourceControlPolicies ?? [])].flatMap((l) => l.policies.map((p) => p.document));
  return [
    scope.keyPolicy?.document,
    ...(scope.identityPolicies ?? []).map((p) => p.document),
    scope.boundary?.document,
    scope.options.sessionPolicy?.document,
    scope.options.vpcEndpointPolicy?.document,
    ...levels,
  ].filter((d) => d !== undefined);
}

async function evaluateWith(scope: Scope, subject: Subject, keyArn: string, keyAccount: string, action: string, context: RequestContext): Promise<EvaluationOutcome> {
  const { options } = scope;
  const request: EvaluationRequest = {
    principalArn: subject.arn,
    action,
    resourceArn: keyArn,
    resourceAccount: keyAccount,
    context,
    identityPolicies: scope.identityPolicies ?? [],
    ...(scope.keyPolicy ? { resourcePolicy: scope.keyPolicy } : {}),
    ...(scope.boundary ? { permissionsBoundary: scope.boundary } : {}),
    ...(options.sessionPolicy ? { sessionPolicy: options.sessionPolicy } : {}),
    ...(options.vpcEndpointPolicy ? { vpcEndpointPolicy: options.vpcEndpointPolicy } : {}),
    ...(scope.serviceControlPolicies ? { serviceControlPolicies: scope.serviceControlPolicies } : {}),
    // RCPs do not apply to AWS managed keys (KMS developer guide, "Resource control policies").
    ...(scope.resourceControlPolicies && scope.key?.manager !== 'AWS' ? { resourceControlPolicies: scope.resourceControlPolicies } : {}),
  };
  return options.evaluations ? options.evaluations.outcome(request, evaluatePolicies) : evaluatePolicies(request);
}

const explicitIds = (outcome: EvaluationOutcome): Set<string> =>
  new Set(outcome.denials.filter((d) => d.explicit).map((d) => `${d.layer}|${d.policyName ?? ''}|${d.statementIndex ?? ''}`));
const statementIds = (outcome: EvaluationOutcome, kind: 'allowStatements' | 'denyStatements'): Map<string, StatementReference> =>
  new Map(
    Object.values(outcome.layers).flatMap((layer) => (layer ? layer[kind] : [])).map((s) => [`${s.layer}|${s.policyName ?? ''}|${s.statementIndex ?? ''}`, s] as const),
  );
const notSet = '(not set)';

/**
 * Evaluates one action. When the policies test condition keys nobody knows here, each is tried absent
 * and with the values the policies name: an outcome that changes with one is reported through
 * `dependsOn`, and the evaluation kept is the one where those keys take a passing value, so that what
 * is still refused then is refused whatever their values. The verdict and the step findings share it.
 */
export async function evaluateAction(scope: Scope, subject: Subject, keyArn: string, keyAccount: string, action: string): Promise<ActionEvaluation> {
  const context = requestContextFor(scope, subject, action);
  const base = await evaluateWith(scope, subject, keyArn, keyAccount, action, context);
  const unknowns = unknownConditionKeys(policyDocuments(scope), context, knownAbsence(scope, subject));
  if (unknowns.length === 0) return { action, context, outcome: base };
  const baseAllowed = base.decision === 'Allowed';
  const baseExplicit = explicitIds(base);
  const findings: UnknownKeyFinding[] = [];
  const optimistic: RequestContext = { ...context };
  for (const unknown of unknowns) {
    const passing: string[] = baseAllowed ? [notSet] : [];
    const failing: string[] = baseAllowed ? [] : [notSet];
    const statements = new Map<string, StatementReference>();
    for (const candidate of unknown.candidates) {
      const outcome = await evaluateWith(scope, subject, keyArn, keyAccount, action, { ...context, [unknown.key]: contextValue(unknown.key, candidate) });
      const allowed = outcome.decision === 'Allowed';
      const explicit = explicitIds(outcome);
      const fewerDenies = [...baseExplicit].some((id) => !explicit.has(id));
      if (allowed || fewerDenies) passing.push(candidate);
      else failing.push(candidate);
      // The statements that decide differently with this value than without it.
      const [before, after] = [base, outcome].map((o) => ({ allow: statementIds(o, 'allowStatements'), deny: statementIds(o, 'denyStatements') })) as [
        { allow: Map<string, StatementReference>; deny: Map<string, StatementReference> },
        { allow: Map<string, StatementReference>; deny: Map<string, StatementReference> },
      ];
      for (const [id, ref] of before.deny) if (!after.deny.has(id)) statements.set(id, ref);
      for (const [id, ref] of after.deny) if (!before.deny.has(id)) statements.set(id, ref);
      if (allowed !== baseAllowed) {
        for (const [id, ref] of after.allow) if (!before.allow.has(id)) statements.set(id, ref);
        for (const [id, ref] of before.allow) if (!after.allow.has(id)) statements.set(id, ref);
      }
    }
    const matters = passing.length > 0 && failing.length > 0 && statements.size > 0;
    if (!matters) continue;
    findings.push({ key: unknown.key, passing, failing, statements: [...statements.values()] });
    const value = passing.find((p) => p !== notSet);
    if (!baseAllowed && value !== undefined) optimistic[unknown.key] = contextValue(unknown.key, value);
  }
  if (findings.length === 0) return { action, context, outcome: base };
  const outcome = baseAllowed ? base : await evaluateWith(scope, subject, keyArn, keyAccount, action, optimistic);
  return { action, context: baseAllowed ? context : optimistic, outcome, dependsOn: findings };
}

export function policyVerdict(scope: Scope, evaluation: ActionEvaluation): PolicyVerdict {
  const { outcome } = evaluation;
  const explicit = outcome.denials.filter((d) => d.explicit);
  if (explicit.length > 0) return { decision: 'denied', denials: explicit, grantMayAllow: false };
  if (outcome.decision === 'Allowed') return { decision: 'allowed' };
  // Without the IAM policies, their layer (and the boundary) was evaluated empty: its refusal proves nothing.
  const identityKnown = scope.identityPolicies !== undefined;
  const implicit = outcome.denials.filter((d) => identityKnown || (d.layer !== 'identity-policy' && d.layer !== 'permissions-boundary'));
  const organizational = implicit.some((d) => d.layer === 'scp' || d.layer === 'rcp');
  if (implicit.length === 0) return { decision: 'unknown', grantMayAllow: true };
  return { decision: 'denied', denials: implicit, grantMayAllow: !organizational };
}

// ---------------------------------------------------------------------------------------------------
// Grants.

/** The grant that lets the subject perform the action with the request's encryption context, if any. */
function allowingGrant(scope: Scope, subject: Subject, action: string, grants: readonly GrantFacts[]): GrantFacts | undefined {
  return grants.find((grant) => grantLetsSubject(scope, subject, action, grant));
}

/** True when this grant lets the subject perform the action with the request's encryption context. */
export function grantLetsSubject(scope: Scope, subject: Subject, action: string, grant: GrantFacts): boolean {
  const operation = grantOperationFor(action);
  if (operation === undefined) return false;
  const use = { operation, principalArns: [subject.entityArn, subject.arn], encryptionContext: scope.facts.request.encryptionContext ?? {} };
  return grantAllows(
    {
      operations: grant.operations,
      granteePrincipal: grant.granteePrincipal,
      ...(grant.constraints?.encryptionContextEquals ? { encryptionContextEquals: grant.constraints.encryptionContextEquals } : {}),
      ...(grant.constraints?.encryptionContextSubset ? { encryptionContextSubset: grant.constraints.encryptionContextSubset } : {}),
    },
    use,
  );
}

// ---------------------------------------------------------------------------------------------------
// The diagnosis.

/**
 * Decides, for every KMS action the operation needs, whether AWS would allow it, and names the causes
 * of every refusal (most decisive first). Never throws for missing facts: they become `unverified`.
 */
export async function diagnose(facts: DiagnosisFacts, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const scope = scopeOf(facts, options);
  const { subject, actions } = scope;
  const unverified = unverifiedFacts(scope);
  const notes: string[] = [];
  const direct: Cause[] = [];
  const decisions = new Map<string, ActionResult>();
  const decide = (result: ActionResult) => decisions.set(result.action, result);
  const now = new Date();

  const notFound = keyNotFoundCause(scope);
  if (notFound) direct.push(notFound);
  const managed = awsManagedCrossAccountCause(scope) ?? awsManagedCrossAccountFromAlias(scope);
  if (managed) direct.push(managed);
  // A grant naming the principal allows its operations whatever the key policy says, so an AWS managed
  // key used directly is refused only for the actions no such grant allows.
  const directUse = awsManagedDirectUseCause(scope, (action) => {
    const grantList = known(facts.grants);
    return subject !== undefined && grantList !== undefined && allowingGrant(scope, subject, action, grantList) !== undefined;
  });
  if (directUse) direct.push(directUse);
  const usage = keyUsageCause(scope);
  if (usage) direct.push(usage);
  const state = keyStateCause(scope);
  if (state) direct.push(state);
  const reportedKind = facts.request.reportedError?.kind;
  if (reportedKind === 'invalid-ciphertext' || reportedKind === 'incorrect-key') direct.push(ciphertextCause(scope, reportedKind));
  const refusedByKey = new Set(direct.flatMap((c) => c.actions));

  const drafts = new CauseDrafts();
  const unknownCauses = new UnknownConditionCauses();
  const conditionCauses = new Map<string, { found: ConditionNotMet; actions: string[]; context: RequestContext }>();
  const grantCauses: Cause[] = [];
  const recentGrants = new RecentGrantCauses();
  const evaluations = new Map<string, ActionEvaluation>();
  const canEvaluate =
    subject !== undefined &&
    scope.keyArn !== undefined &&
    scope.keyAccount !== undefined &&
    (scope.keyPolicy !== undefined || scope.identityPolicies !== undefined) &&
    !(notFound && scope.key === undefined);
  const grants = known(facts.grants);
  let grantsMatter = false;

  for (const action of actions) {
    if (!canEvaluate) {
      decide({ action, decision: 'unknown' });
      continue;
    }
    let evaluation: ActionEvaluation;
    try {
      evaluation = await evaluateAction(scope, subject, scope.keyArn!, scope.keyAccount!, action);
    } catch (error) {
      if (!(error instanceof InvalidPolicyError)) throw error;
      unverified.push({
        what: `Policy ${error.policyName}`,
        why: `it is not a valid policy document, so it could not be evaluated: ${error.problems.join('; ')}`,
        howToVerify: 'check the document with IAM Access Analyzer (aws accessanalyzer validate-policy) and fix it',
      });
      decide({ action, decision: 'unknown' });
      continue;
    }
    evaluations.set(action, evaluation);
    for (const finding of evaluation.dependsOn ?? []) unknownCauses.add(action, finding);
    const dependsOnUnknown = (evaluation.dependsOn ?? []).length > 0;
    const verdict = policyVerdict(scope, evaluation);
    if (verdict.decision === 'allowed') {
      if (dependsOnUnknown) {
        decide({ action, decision: 'unknown' });
        continue;
      }
      decide({ action, decision: 'allowed', allowedBy: 'policies' });
      continue;
    }
    if (verdict.grantMayAllow) {
      const grant = grants ? allowingGrant(scope, subject, action, grants) : undefined;
      if (grant) {
        // A grant younger than the consistency window is in effect at once only for a call passing its token.
        const propagating = isRecentGrant(grant, now) && !(facts.request.grantTokensFor ?? []).includes(grant.grantId);
        if (propagating) {
          const refused = facts.request.reportedError?.kind === 'access-denied';
          decide({ action, decision: refused ? 'denied' : 'unknown' });
          recentGrants.add(grant, action, refused ? 'refused' : 'pending');
          continue;
        }
        decide({ action, decision: dependsOnUnknown ? 'unknown' : 'allowed', allowedBy: 'grant' });
        notes.push(`${action} is allowed by grant ${grant.grantId}${grant.name !== undefined ? ` (${grant.name})` : ''}, not by the policies.`);
        if (isRecentGrant(grant, now)) notes.push(`That grant is minutes old, but the call passes its grant token, so it is in effect at once.`);
        continue;
      }
      if (!grants) grantsMatter = true;
      // A grant made for this principal and operation, refused only by its constraint: the grant is the intended path.
      const mismatched = grants ? mismatchedGrants(scope, subject, action, grants)[0] : undefined;
      if (mismatched && verdict.decision === 'denied' && verdict.denials.every((d) => !d.explicit)) {
        decide({ action, decision: 'denied' });
        grantCauses.push(grantConstraintCause(scope, mismatched, [action]));
        continue;
      }
    }
    if (verdict.decision === 'unknown') {
      decide({ action, decision: 'unknown' });
      continue;
    }
    decide({ action, decision: 'denied' });
    const recreated = principalRecreatedCause(scope, subject, [action], grants);
    for (const denial of verdict.denials) {
      if (denial.explicit) {
        const layer = causeLayerOf[denial.layer];
        if (layer) drafts.add('explicit-deny', layer, evaluation, denial, denial.layer === 'key-policy' ? 'default' : denial.policyName);
        continue;
      }
      if (recreated && denial.layer === recreated.layer) {
        if (!grantCauses.some((c) => c.code === 'principal-recreated' && c.actions.includes(action))) grantCauses.push(recreated);
        continue;
      }
      // In the key's own account a key-policy statement naming the principal allows it by itself: once the
      // stale ID is the ARN again, IAM is not needed, so its silence is no cause of its own.
      if (recreated?.layer === 'key-policy' && denial.layer === 'identity-policy' && subject.accountId === scope.keyAccount) continue;
      const unmet = await conditionNotMet(scope, evaluation, denial.layer, (layer, policyName, document) =>
        evaluateWith(withReplacedDocument(scope, layer, policyName, document), subject, scope.keyArn!, scope.keyAccount!, action, evaluation.context),
      );
      if (unmet) {
        const id = `${unmet.layer}|${unmet.policyName}|${unmet.statement.index}`;
        const entry = conditionCauses.get(id) ?? { found: unmet, actions: [], context: evaluation.context };
        entry.actions.push(action);
        conditionCauses.set(id, entry);
        continue;
      }
      const cause = implicitCause(scope, denial.layer, action);
      if (cause) drafts.add(cause.code, cause.layer, evaluation, denial);
      else if (denial.layer === 'scp' || denial.layer === 'rcp') drafts.add(denial.layer, denial.layer, evaluation, denial);
      else notes.push(`${action} is refused by a VPC endpoint policy: no statement allows it.`);
    }
  }

  for (const action of refusedByKey) decide({ action, decision: 'denied' });
  if (grantsMatter) {
    notes.push('A grant could still allow what the policies refuse, but the grants on the key could not be read.');
  }
  notes.push(...simulatorNotes(scope, evaluations));

  // An AWS managed key's policy cannot be changed and does not matter across accounts: the key is refused anyway.
  const policyDrafts = drafts.all().filter((d) => !((managed || directUse) && d.layer === 'key-policy' && d.code !== 'explicit-deny'));
  // Across accounts, an AWS managed key's conditions (kms:CallerAccount, kms:ViaService) cannot be met by any
  // change to the call: calling through the service does not help another account, so they are no cause of their own.
  const conditionCauseList = [...conditionCauses.values()]
    .filter(({ found }) => !(managed && found.layer === 'key-policy'))
    .map(({ found, actions: refused, context }) => conditionNotMetCause(scope, found, refused, context));
  const definite = [
    ...direct,
    ...(subject ? policyDrafts.map((d) => causeFromDraft(scope, subject, d)) : []),
    ...conditionCauseList,
    ...grantCauses,
    ...recentGrants.causes(scope, now),
    ...unknownCauses.causes(scope),
  ];
  const organizationLayers = unreadOrganizationLayers(scope);
  unverified.push(...organizationLayers.unverified);
  const actionResults = actions.map((action) => decisions.get(action) ?? { action, decision: 'unknown' as const });
  const denied = actionResults.some((r) => r.decision === 'denied');
  const allResolvedAllowed = actionResults.every((r) => r.decision === 'allowed');
  const reported = reportedErrorFindings(scope, definite, organizationLayers.layers, allResolvedAllowed && definite.length === 0);
  unverified.push(...reported.unverified);
  notes.push(...reported.notes);
  const session = sessionPolicyFindings(scope, definite, organizationLayers.layers, allResolvedAllowed && definite.length === 0, reported);
  unverified.push(...session.unverified);
  notes.push(...session.notes);
  const causes = [...definite, ...reported.inferred, ...session.inferred].sort((a, b) => causeRank(a) - causeRank(b));
  // A VPC endpoint the user named: its policy applies and was not read (AWS's error, if given, already said what it did).
  const endpointLayer = reported.inferred.some((c) => c.layer === 'vpc-endpoint-policy') ? undefined : unreadEndpointLayer(scope);
  if (endpointLayer) unverified.push(endpointLayer);
  // condition-unknown and a grant maybe still propagating never make a refusal certain: only the other causes do.
  // What KMS's dry run refuses is refused now, whatever kms-doctor could read, when a cause of the layer
  // it blames is known (from the dry run itself, from --error, or from the evaluation).
  // Not when the outcome hangs on a value nobody knows here (an encryption context not given, a source
  // IP): the dry run carried only what is known, and the real call may carry what passes.
  const hangsOnUnknown = definite.some((c) => c.code === 'condition-unknown');
  const refusedByKms = !hangsOnUnknown && session.refusedBy !== undefined && causes.some((c) => c.layer === session.refusedBy!.layer);
  const certain = definite.some((c) => c.code !== 'condition-unknown' && !recentGrants.isPending(c)) || refusedByKms;
  // KMS's dry run as the session is AWS's own authorization, every layer included: it settles what
  // kms-doctor could not read (IAM, SCPs, the session policy), but not a refusal the evaluation found
  // (then the two disagree), an error given for an earlier call, or a value that differs elsewhere.
  const confirmedByKms = session.confirmed && !denied && !certain && reported.inferred.length === 0 && !reported.disagrees && endpointLayer === undefined && definite.length === 0;
  if (session.confirmed && (denied || certain)) {
    unverified.push({
      what: 'Which answer is right: the evaluation or KMS',
      why: `KMS's dry run as ${subject?.arn ?? 'the session'} would succeed, but kms-doctor's evaluation of what it read refuses the call: a policy may have changed in the last minutes, or a fact it read differs from what AWS used`,
      howToVerify: 'make the call itself; if it is refused, give its error with --error',
    });
  }
  let verdict: Diagnosis['verdict'];
  if (session.confirmed && (denied || certain)) verdict = 'unknown';
  else if (denied || certain) verdict = 'denied';
  else if (confirmedByKms) verdict = 'allowed';
  else if (actionResults.some((r) => r.decision === 'unknown') || reported.inferred.length > 0 || session.inferred.length > 0 || reported.disagrees || session.disagrees || session.unread || organizationLayers.layers.length > 0 || endpointLayer !== undefined) verdict = 'unknown';
  else verdict = 'allowed';
  // The session policy alone keeps the verdict from "allowed" when, without it, nothing else would.
  const onlySessionPolicy =
    verdict === 'unknown' && session.unread && allResolvedAllowed && definite.length === 0 && reported.inferred.length === 0 && !reported.disagrees && organizationLayers.layers.length === 0 && endpointLayer === undefined;
  if (verdict === 'unknown' && organizationLayers.layers.length > 0 && allResolvedAllowed) {
    notes.push(`Every layer kms-doctor read allows this call, but ${organizationLayers.layers.map((l) => (l === 'scp' ? 'the service control policies' : 'the resource control policies')).join(' and ')} that apply could not be read: see "Could not verify".`);
  }
  if (verdict === 'allowed') {
    notes.push(
      subject?.sessionName !== undefined && scope.facts.sessionDryRun?.status === 'known'
        ? 'KMS, asked with a dry run as this session, would let this call succeed: AWS\'s own authorization covers every layer, the session policy included. The dry run went from this machine; if the call still fails elsewhere (another network, a VPC endpoint), give its error with --error, which names the layer AWS blamed.'
        : subject?.sessionName !== undefined
        ? 'Everything kms-doctor could read allows this call. Two layers cannot be read from here: the session policy of the role session (AWS returns it to nobody) and a VPC endpoint policy, if the call goes through one; if the call still fails, give its error with --error, which names the layer AWS blamed.'
        : 'Everything kms-doctor could read allows this call. A VPC endpoint policy cannot be read from here; if the call still fails, give its error with --error (it names the layer AWS blamed), or wait a few minutes after a change (grants and policy changes take a moment to apply).',
    );
  }
  return {
    verdict,
    ...(subject ? { principal: subject.arn } : {}),
    key: scope.key?.arn ?? facts.request.key.text,
    operation: facts.request.operation.name,
    requiredActions: actions,
    // An action AWS's error says a layer kms-doctor cannot read refused is not "allowed", whatever the rest allows.
    actionResults: actionResults.map((r) =>
      confirmedByKms && r.decision === 'unknown'
        ? { action: r.action, decision: 'allowed' as const }
        : r.decision !== 'denied' && refusedByKms && session.refusedBy!.actions.includes(r.action)
        ? { action: r.action, decision: 'denied' as const }
        : r.decision === 'allowed' && (session.unread || [...reported.inferred, ...session.inferred].some((c) => c.actions.includes(r.action)))
          ? { action: r.action, decision: 'unknown' as const }
          : r,
    ),
    causes,
    unverified,
    notes,
    ...(onlySessionPolicy && subject ? { unreadSessionPolicy: subject.arn } : {}),
  };
}

/** grant-recently-created, one cause per grant with every action only it allows. */
class RecentGrantCauses {
  private readonly byGrant = new Map<string, { grant: GrantFacts; actions: string[]; seen: 'refused' | 'pending' }>();
  private readonly pending = new Set<Cause>();

  add(grant: GrantFacts, action: string, seen: 'refused' | 'pending'): void {
    const entry = this.byGrant.get(`${grant.grantId}|${seen}`) ?? { grant, actions: [], seen };
    entry.actions.push(action);
    this.byGrant.set(`${grant.grantId}|${seen}`, entry);
  }

  causes(scope: Scope, now: Date): Cause[] {
    return [...this.byGrant.values()].map(({ grant, actions, seen }) => {
      const cause = grantRecentlyCreatedCause(scope, grant, actions, now, seen);
      if (seen === 'pending') this.pending.add(cause);
      return cause;
    });
  }

  /** A cause that explains an unknown verdict (no denial reported), not a refusal. */
  isPending(cause: Cause): boolean {
    return this.pending.has(cause);
  }
}

const causeRank = (cause: Cause): number => {
  const index = causeOrder.indexOf(cause.code);
  return index === -1 ? causeOrder.length : index;
};

/** The scope with one key-policy or IAM policy document replaced, to see what its condition decides. */
function withReplacedDocument(scope: Scope, layer: 'key-policy' | 'identity-policy', policyName: string, document: unknown): Scope {
  if (layer === 'key-policy') return { ...scope, keyPolicy: { name: 'default', document } };
  return { ...scope, identityPolicies: (scope.identityPolicies ?? []).map((p) => (p.name === policyName ? { name: p.name, document } : p)) };
}

/** InvalidCiphertextException and IncorrectKeyException: look-alikes of a denial, read from the pasted error. */
function ciphertextCause(scope: Scope, kind: 'invalid-ciphertext' | 'incorrect-key'): Cause {
  const reported = scope.facts.request.reportedError!;
  const evidence = [
    { what: 'AWS answered', value: reported.errorCode ?? kind, source: 'the error message (--error)' },
    { what: 'Encryption context of the request', value: scope.facts.request.encryptionContext ?? 'none', source: 'request' },
    { what: 'Key named in the request', value: scope.facts.request.key.text, source: 'request' },
  ];
  if (kind === 'incorrect-key') {
    return {
      code: 'incorrect-key',
      layer: 'request',
      summary: 'KMS refused because the ciphertext was not encrypted under the key named in the request (IncorrectKeyException): this is not a permission problem. Decrypt without KeyId, or name the key that encrypted it (an alias may have been moved to another key).',
      actions: [...scope.actions],
      evidence,
    };
  }
  return {
    code: 'encryption-context-mismatch',
    layer: 'request',
    summary: 'KMS could not decrypt the ciphertext (InvalidCiphertextException): this is not a permission problem. Most often the encryption context differs from the one used to encrypt (it must match exactly, keys and values); otherwise the ciphertext is damaged or was made for another key.',
    actions: [...scope.actions],
    evidence,
  };
}
