// STS: GetCallerIdentity (needs no permission) and AssumeRole. AssumeRole is authorized with the
// role's trust policy as the resource policy plus the caller's own policies, so the evaluator applies
// AWS's rules: in the role's account a trust policy naming the caller suffices, while one naming the
// account root, or a caller from another account, also needs an identity-policy allow. Every refusal,
// including a role that does not exist, is the same AccessDenied, so existence is not revealed.
import { authorize } from '../authorize.js';
import { AwsError } from '../errors.js';
import { newSecretAccessKey, newSessionToken, newTemporaryAccessKeyId } from '../ids.js';
import { requiredParam, type QueryParams } from '../query-protocol.js';
import type { CredentialState, RoleState, SandboxState } from '../state.js';
import { checkString, findRole, getEntry, setEntry, validationFailure, type OperationTable } from '../iam/iam-common.js';
import { identityPolicyDocument } from '../iam/policy-documents.js';

type SessionCredential = Extract<CredentialState, { kind: 'session' }>;

const sessionNameRule = { pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*', min: 2, max: 64 };
const externalIdRule = { pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*', min: 2, max: 1224 };
/** Role chaining caps a session at one hour whatever the role allows (AssumeRole API reference). */
const roleChainingLimit = 3600;

function durationParam(params: QueryParams): number | undefined {
  const raw = params.get('DurationSeconds');
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw validationFailure('DurationSeconds', raw, 'Member must be an integer');
  if (value < 900) throw validationFailure('DurationSeconds', raw, 'Member must have value greater than or equal to 900');
  if (value > 43200) throw validationFailure('DurationSeconds', raw, 'Member must have value less than or equal to 43200');
  return value;
}

/** The role a RoleArn names, if it exists; a role path in the ARN must be the role's own. */
function roleFor(state: SandboxState, roleArn: string): RoleState | undefined {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!match) return undefined;
  const account = getEntry(state.accounts, match[1]!);
  const role = account ? findRole(account, match[2]!) : undefined;
  return role && role.arn === roleArn ? role : undefined;
}

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const stsOperations: OperationTable = {
  async GetCallerIdentity(call) {
    const { caller } = call;
    return { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn };
  },

  async AssumeRole(call, params) {
    const roleArn = requiredParam(params, 'RoleArn');
    if (roleArn.length < 20) throw validationFailure('RoleArn', roleArn, 'Member must have length greater than or equal to 20');
    const sessionName = checkString('RoleSessionName', requiredParam(params, 'RoleSessionName'), sessionNameRule);
    const duration = durationParam(params);
    const externalId = params.get('ExternalId');
    if (externalId !== undefined) checkString('ExternalId', externalId, externalIdRule);
    const sessionPolicy = params.get('Policy');
    if (sessionPolicy !== undefined) {
      if (sessionPolicy.length > 2048) throw validationFailure('Policy', sessionPolicy, 'Member must have length less than or equal to 2048');
      await identityPolicyDocument(sessionPolicy);
    }
    const { caller } = call;
    const state = call.world.state;
    const role = roleFor(state, roleArn);
    const refusal = new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    if (!role) throw refusal;
    const outcome = await authorize(state, caller, {
      action: 'sts:AssumeRole',
      resourceArn: role.arn,
      resourceAccount: role.arn.split(':')[4]!,
      resourcePolicy: { name: `trust policy of ${role.name}`, document: JSON.parse(role.assumeRolePolicyDocument) as unknown },
      context: { 'sts:RoleSessionName': sessionName, ...(externalId !== undefined ? { 'sts:ExternalId': externalId } : {}) },
    });
    if (outcome.decision !== 'Allowed') throw refusal;
    if (caller.kind === 'assumed-role' && duration !== undefined && duration > roleChainingLimit) {
      throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (duration !== undefined && duration > role.maxSessionDuration) {
      throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const accountId = role.arn.split(':')[4]!;
    const credential: SessionCredential = {
      kind: 'session',
      accessKeyId: newTemporaryAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      accountId,
      roleName: role.name,
      roleArn: role.arn,
      roleId: role.id,
      sessionName,
      // The role's path is not part of an assumed-role ARN.
      assumedRoleArn: `arn:aws:sts::${accountId}:assumed-role/${role.name}/${sessionName}`,
      expiration: isoSeconds(Date.now() + (duration ?? 3600) * 1000),
      ...(sessionPolicy !== undefined ? { sessionPolicy } : {}),
    };
    await call.world.mutate((draft) => setEntry(draft.credentials, credential.accessKeyId, credential));
    return {
      Credentials: {
        AccessKeyId: credential.accessKeyId,
        SecretAccessKey: credential.secretAccessKey,
        SessionToken: credential.sessionToken,
        Expiration: credential.expiration,
      },
      AssumedRoleUser: { AssumedRoleId: `${role.id}:${sessionName}`, Arn: credential.assumedRoleArn },
      // STS reports how much of the packed-policy quota a session policy uses, as a percentage.
      ...(sessionPolicy !== undefined ? { PackedPolicySize: Math.max(1, Math.round((sessionPolicy.replace(/\s/g, '').length / 2048) * 100)) } : {}),
    };
  },
};
