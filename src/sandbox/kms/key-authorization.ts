// How KMS decides whether a caller may use a key, in the order AWS applies it:
// resolve the key identifier (in the caller's account unless an ARN names another) → authorize with
// the key policy, the caller's IAM policies, boundary, session policy, SCPs and RCPs (KMS's rule that an
// IAM allow counts only when the key policy delegates to the account lives in the evaluation module) →
// fall back to grants → finally check that the key's state lets the operation run.
import { grantAllows, type ChildGrant } from '../../engine/grant-match.js';
import { kmsKeyRequestContext } from '../../engine/kms-request-context.js';
import { type EvaluationOutcome } from '../../engine/policy-evaluation.js';
import { parsedPolicyDocument } from '../authorization-cache.js';
import { accessDeniedMessage, authorize } from '../authorize.js';
import { AwsError } from '../errors.js';
import { findGrantByToken } from './grant-tokens.js';
import { endpointAuthorization } from '../vpc-endpoints.js';
import type { GrantState, KeyState, KeyStateName, SandboxState } from '../state.js';
import { isCommittedState } from '../world.js';
import type { KmsCall } from './kms-call.js';

/** Which identifiers an operation accepts for a key in another account. */
export type CrossAccountUse =
  /** Cryptographic operations and DescribeKey: the key ARN or an alias ARN. */
  | 'key-or-alias-arn'
  /** CreateGrant, ListGrants, RevokeGrant, RetireGrant, GetKeyRotationStatus: the key ARN only. */
  | 'key-arn'
  /** Management operations: never cross-account. */
  | 'none';

export interface KeyUse {
  /** The KeyId parameter as the caller sent it. */
  readonly keyId: string;
  /** The IAM action, e.g. kms:Decrypt. */
  readonly action: string;
  /** The grant operation that would allow this use (grants cover only some operations). */
  readonly grantOperation?: string;
  readonly crossAccount: CrossAccountUse;
  /** Key states in which the operation runs; any other state is refused after authorization. */
  readonly usableIn: 'any' | readonly KeyStateName[];
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Extra request context keys (kms:GrantOperations, kms:GranteePrincipal…). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** CreateGrant: the grant asked for, which a grant's CreateGrant permission must cover. */
  readonly childGrant?: ChildGrant;
  /** Decrypt without KeyId: AWS then words denials around "the resource associated with this ciphertext". */
  readonly resourceDescription?: 'ciphertext';
}

/** The key states where cryptographic operations work. */
export const enabledOnly: readonly KeyStateName[] = ['Enabled'];

const keyArnPattern = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/;
const aliasArnPattern = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/[A-Za-z0-9/_-]+)$/;
const keyIdPattern = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

export interface ResolvedKey {
  readonly key: KeyState;
  /** The alias the caller named, if any (sets kms:RequestAlias). */
  readonly requestAlias?: string;
}

const notFoundKey = (arn: string) => new AwsError('NotFoundException', `Key '${arn}' does not exist`);

/**
 * Finds the key a KeyId names, as KMS does: a key ID or alias name is looked up in the caller's own
 * account and the request's Region; an ARN names its account and must be in the request's Region.
 */
export function resolveKey(state: SandboxState, call: Pick<KmsCall, 'caller' | 'region'>, keyId: string, crossAccount: CrossAccountUse): ResolvedKey {
  const { caller, region } = call;
  let accountId = caller.accountId;
  let keyArn: string | undefined;
  let aliasArn: string | undefined;
  let aliasName: string | undefined;
  const keyArnMatch = keyArnPattern.exec(keyId);
  const aliasArnMatch = aliasArnPattern.exec(keyId);
  if (keyArnMatch) {
    const [, arnRegion, arnAccount] = keyArnMatch as unknown as [string, string, string];
    if (arnRegion !== region) throw new AwsError('NotFoundException', `Invalid arn ${arnRegion}`);
    accountId = arnAccount;
    keyArn = keyId;
  } else if (aliasArnMatch) {
    const [, arnRegion, arnAccount, name] = aliasArnMatch as unknown as [string, string, string, string];
    if (arnRegion !== region) throw new AwsError('NotFoundException', `Invalid arn ${arnRegion}`);
    accountId = arnAccount;
    aliasArn = keyId;
    aliasName = name;
  } else if (keyId.startsWith('alias/')) {
    aliasName = keyId;
    aliasArn = `arn:aws:kms:${region}:${caller.accountId}:${keyId}`;
  } else if (keyIdPattern.test(keyId)) {
    keyArn = `arn:aws:kms:${region}:${caller.accountId}:key/${keyId}`;
  } else {
    throw new AwsError('NotFoundException', `Invalid keyId ${keyId}`);
  }
  if (accountId !== caller.accountId) {
    if (crossAccount === 'none' || (crossAccount === 'key-arn' && aliasArn !== undefined)) {
      throw aliasArn !== undefined
        ? new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`)
        : notFoundKey(keyArn!);
    }
  }
  if (aliasArn !== undefined) {
    const alias = state.aliases[aliasArn];
    if (!alias) throw new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`);
    keyArn = `arn:aws:kms:${alias.region}:${alias.accountId}:key/${alias.targetKeyId}`;
  }
  const key = state.keys[keyArn!];
  if (!key) throw notFoundKey(keyArn!);
  return { key, ...(aliasName !== undefined ? { requestAlias: aliasName } : {}) };
}

const aliasTarget = (accountId: string, region: string, keyId: string): string => `${accountId}/${region}/${keyId}`;

/** Alias names by the key they point at, in the state's order: built once per committed state. */
const aliasIndexes = new WeakMap<SandboxState, ReadonlyMap<string, readonly string[]>>();

function aliasIndex(state: SandboxState): ReadonlyMap<string, readonly string[]> {
  const index = new Map<string, string[]>();
  for (const alias of Object.values(state.aliases)) {
    const target = aliasTarget(alias.accountId, alias.region, alias.targetKeyId);
    const names = index.get(target);
    if (names) names.push(alias.aliasName);
    else index.set(target, [alias.aliasName]);
  }
  return index;
}

/**
 * The aliases of a key (kms:ResourceAliases), without scanning every alias of the state on each
 * request. Only a committed state is indexed: it never changes, and a write makes a new one.
 */
function aliasNamesOf(state: SandboxState, key: KeyState): readonly string[] {
  let index = aliasIndexes.get(state);
  if (!index) {
    index = aliasIndex(state);
    if (isCommittedState(state)) aliasIndexes.set(state, index);
  }
  return index.get(aliasTarget(key.accountId, key.region, key.keyId)) ?? [];
}

/** Context keys KMS sets on a request about a key (the principal's own keys are added by authorize). */
function keyRequestContext(call: KmsCall, resolved: ResolvedKey, use: KeyUse): Record<string, string | readonly string[]> {
  const { key } = resolved;
  const aliases = aliasNamesOf(call.world.state, key);
  const tags = Object.fromEntries(key.tags.map((tag) => [tag.TagKey, tag.TagValue]));
  const context = kmsKeyRequestContext({
    action: use.action,
    callerAccount: call.caller.accountId,
    key: { spec: key.keySpec, usage: key.keyUsage, origin: key.origin, multiRegion: key.multiRegion, aliases, tags },
    ...(call.viaService !== undefined ? { viaService: call.viaService } : {}),
    ...(use.encryptionContext !== undefined ? { encryptionContext: use.encryptionContext } : {}),
    ...(resolved.requestAlias !== undefined ? { requestAlias: resolved.requestAlias } : {}),
    region: call.region,
    ...(call.sourceIp !== undefined && call.vpcEndpointId === undefined ? { sourceIp: call.sourceIp } : {}),
  });
  return { ...context, ...use.context };
}

/** The engine's grant rule (src/engine/grant-match.ts), applied to a grant as the sandbox stores it. */
function grantAllowsUse(grant: GrantState, call: KmsCall, use: KeyUse): boolean {
  if (use.grantOperation === undefined) return false;
  if (!grantInEffect(grant, call)) return false;
  const { constraints } = grant;
  return grantAllows(
    {
      operations: grant.operations,
      granteePrincipal: grant.granteePrincipal,
      ...(constraints?.EncryptionContextEquals ? { encryptionContextEquals: constraints.EncryptionContextEquals } : {}),
      ...(constraints?.EncryptionContextSubset ? { encryptionContextSubset: constraints.EncryptionContextSubset } : {}),
    },
    {
      operation: use.grantOperation,
      principalArns: [call.caller.principalArn, call.caller.arn],
      encryptionContext: use.encryptionContext ?? {},
      ...(use.childGrant !== undefined ? { childGrant: use.childGrant } : {}),
    },
  );
}

/**
 * A grant still propagating (a scenario's `notEffectiveForSeconds`) allows only a call that passes one of
 * its grant tokens: "To use the permissions in a new grant immediately, use the grant token for the grant"
 * (KMS developer guide, "Using a grant token"); without one the call may fail with AccessDeniedException.
 * The operations validate GrantTokens before they authorize, so the list is well formed here.
 */
function grantInEffect(grant: GrantState, call: KmsCall): boolean {
  if (grant.effectiveAt === undefined || Date.now() >= Date.parse(grant.effectiveAt)) return true;
  const tokens = Array.isArray(call.input.GrantTokens) ? (call.input.GrantTokens as unknown[]).filter((t): t is string => typeof t === 'string') : [];
  return tokens.some((token) => findGrantByToken(call.world.state, token)?.grant.grantId === grant.grantId);
}

const stateWords: Readonly<Record<KeyStateName, string>> = {
  Enabled: 'enabled',
  Disabled: 'disabled',
  PendingDeletion: 'pending deletion',
  PendingReplicaDeletion: 'pending replica deletion',
  PendingImport: 'pending import',
  Unavailable: 'unavailable',
  Creating: 'creating',
  Updating: 'updating',
};

/**
 * The error for a key in the wrong state (KMS developer guide, "Key states": `DisabledException:
 * <ARN> is disabled.`, `KMSInvalidStateException: <ARN> is pending deletion.`…). authorizeKeyUse
 * refuses with it after authorization; operations that must check the key usage first use it too.
 */
export function keyStateError(key: KeyState): AwsError {
  if (key.keyState === 'Disabled') return new AwsError('DisabledException', `${key.arn} is disabled.`);
  return new AwsError('KMSInvalidStateException', `${key.arn} is ${stateWords[key.keyState]}.`);
}

export interface AuthorizedKeyUse {
  readonly key: KeyState;
  readonly outcome: EvaluationOutcome;
  /** True when a grant, not a policy, allowed the use. */
  readonly byGrant: boolean;
}

/** Resolves, authorizes and state-checks a key use; throws the AwsError KMS would return. */
export async function authorizeKeyUse(call: KmsCall, use: KeyUse): Promise<AuthorizedKeyUse> {
  const state = call.world.state;
  const resolved = resolveKey(state, call, use.keyId, use.crossAccount);
  const { key } = resolved;
  const deny = (outcome: EvaluationOutcome) =>
    new AwsError(
      'AccessDeniedException',
      accessDeniedMessage({
        caller: call.caller,
        action: use.action,
        resourceArn: key.arn,
        resourceAccount: key.accountId,
        outcome,
        ...(use.resourceDescription ? { resourceDescription: use.resourceDescription } : {}),
      }),
    );
  const endpoint = endpointAuthorization(call);
  const outcome = await authorize(state, call.caller, {
    action: use.action,
    resourceArn: key.arn,
    resourceAccount: key.accountId,
    resourcePolicy: { name: 'default', document: parsedPolicyDocument(key.policy) },
    ...(endpoint.vpcEndpointPolicy ? { vpcEndpointPolicy: endpoint.vpcEndpointPolicy } : {}),
    context: { ...keyRequestContext(call, resolved, use), ...endpoint.context },
  });
  // AWS managed keys serve only their own account, whatever their policy says.
  if (key.keyManager === 'AWS' && key.accountId !== call.caller.accountId) throw deny(outcome);
  let byGrant = false;
  if (outcome.decision !== 'Allowed') {
    const explicitlyDenied = outcome.decision === 'ExplicitlyDenied';
    // A grant stands in for the key policy and IAM only: an SCP, an RCP or a VPC endpoint policy still refuses.
    const organizationDenied = outcome.denials.some((d) => d.layer === 'scp' || d.layer === 'rcp' || d.layer === 'vpc-endpoint-policy');
    byGrant = !explicitlyDenied && !organizationDenied && key.grants.some((grant) => grantAllowsUse(grant, call, use));
    if (!byGrant) throw deny(outcome);
  }
  if (use.usableIn !== 'any' && !use.usableIn.includes(key.keyState)) throw keyStateError(key);
  return { key, outcome, byGrant };
}
