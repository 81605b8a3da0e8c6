// Who is who in a scenario: the ARN and home account of a principal, the admin profile of an account,
// the account that owns a key, and the flags `check` and `fix` take to diagnose a scenario's failing call.
import type { SandboxState } from '../../src/sandbox/state.js';
import type { TestSandbox } from './sandbox.js';
import { trainingErrorText } from './training-error.js';

export function principalOf(state: SandboxState, name: string): { arn: string; accountId: string; kind: 'user' | 'role' } {
  for (const account of Object.values(state.accounts)) {
    const user = account.users[name];
    if (user) return { arn: user.arn, accountId: account.id, kind: 'user' };
    const role = account.roles[name];
    if (role) return { arn: role.arn, accountId: account.id, kind: 'role' };
  }
  throw new Error(`no principal ${name} in the scenario`);
}

/** The built-in scenarios' administrator profiles: admin in 111122223333, admin-b in 444455556666. */
export function adminProfileFor(accountId: string): string {
  return accountId === '444455556666' ? 'admin-b' : 'admin';
}

/** Environment for a CLI process that must see only the sandbox's profiles, never the developer's AWS setup. */
export function cliEnv(target: TestSandbox): NodeJS.ProcessEnv {
  return {
    AWS_CONFIG_FILE: target.configFile,
    AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile,
    AWS_PROFILE: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}


/** The operation a user would name for each built-in root-cause scenario's failing call. */
export const scenarioOperations: Readonly<Record<string, string>> = {
  'no-iam-delegation': 'Decrypt',
  'missing-kms-actions': 's3:PutObject',
  'cross-account-one-side': 'Decrypt',
  'key-disabled': 'Encrypt',
  'key-pending-deletion': 'GenerateDataKey',
  'ebs-grant-denied': 'ec2:RunInstances',
  'boundary-leaves-out-kms': 'Decrypt',
  'cross-account-caller-side': 'Decrypt',
  'wrong-region': 'Encrypt',
  'key-usage-mismatch': 'Encrypt',
  'key-updating': 'GenerateDataKey',
  'alias-cross-account': 'CreateGrant',
  'encryption-context-condition': 'GenerateDataKey',
  'source-ip-perimeter': 'Encrypt',
  'scp-allow-list': 'GenerateDataKey',
  'rcp-tag-perimeter': 'Encrypt',
  'grant-context-mismatch': 'GenerateDataKey',
  'contractor-guardrail': 'Decrypt',
  'aws-managed-key-direct': 'Encrypt',
  'invoice-context-mismatch': 'Decrypt',
  'rotated-alias-decrypt': 'Decrypt',
  'new-grant-deploy': 'GenerateDataKey',
  'recreated-role': 'Decrypt',
  'session-policy-scoped-down': 'Decrypt',
  'vpc-endpoint-policy': 'Decrypt',
  'aws-managed-key-cross-account': 'Decrypt',
  'operation-not-cross-account': 'GetKeyPolicy',
};

/** The account that owns a key, named by its key or alias ARN, or by an alias name the sandbox knows. */
export function keyAccountOf(target: TestSandbox, key: string): string {
  const arnAccount = /^arn:aws:kms:[^:]+:(\d{12}):/.exec(key)?.[1];
  if (arnAccount) return arnAccount;
  const alias = Object.values(target.world.state.aliases).find((a) => a.aliasName === key);
  if (!alias) throw new Error(`no alias ${key} in the sandbox`);
  return alias.accountId;
}

/** The role session ARN the training principal's sessions have (cliIdentity names them NAME-session). */
export function trainingSessionArn(target: TestSandbox): string {
  const t = target.world.state.training!;
  const principal = principalOf(target.world.state, t.principal);
  if (principal.kind !== 'role') throw new Error(`${t.principal} is not a role`);
  return `arn:aws:sts::${principal.accountId}:assumed-role/${t.principal}/${t.principal}-session`;
}

/**
 * The error a scenario's failing call returns when its cause is in a layer kms-doctor cannot read (a
 * session policy, a VPC endpoint policy): AWS's own sentence, which the administrator pastes with
 * --error. test/check/check-inferred-layers.test.ts checks that the sandbox's refusal says exactly this.
 */
export function reportedErrorOf(target: TestSandbox): string | undefined {
  const t = target.world.state.training!;
  const layer = t.sessionPolicy !== undefined ? 'session policy' : t.call.vpcEndpoint !== undefined ? 'VPC endpoint policy' : undefined;
  if (layer === undefined) return undefined;
  const principal = principalOf(target.world.state, t.principal);
  const who = t.sessionPolicy !== undefined ? trainingSessionArn(target) : principal.arn;
  const operation = scenarioOperationOf(t.call.operation);
  const alias = Object.values(target.world.state.aliases).find((a) => a.aliasName === t.call.key && a.accountId === principal.accountId);
  const keyArn = alias ? `arn:aws:kms:${alias.region}:${alias.accountId}:key/${alias.targetKeyId}` : t.call.key;
  return `User: ${who} is not authorized to perform: ${operation} on resource: ${keyArn} because no ${layer} allows the ${operation} action`;
}

const scenarioOperationOf = (operation: string) => `kms:${operation}`;

/**
 * The flags an administrator gives `check` or `fix` for a scenario's training principal: the key, the
 * operation, the principal (its session's ARN when the scenario's sessions carry a session policy), the
 * admin profile of its account (and of the key's, as --key-profile, when the key is elsewhere), the
 * sandbox endpoint, the call's encryption context, and the error it returned when its cause is in a
 * layer kms-doctor cannot read, or when only that error tells the cause (a ciphertext made with another
 * context or key, a grant not yet in effect).
 */
export function scenarioArgs(target: TestSandbox, scenario: string): string[] {
  const t = target.world.state.training;
  if (!t) throw new Error(`scenario ${scenario} has no training section`);
  const operation = scenarioOperations[scenario];
  if (operation === undefined) throw new Error(`no operation known for scenario ${scenario}`);
  const principal = principalOf(target.world.state, t.principal);
  const keyAccount = keyAccountOf(target, t.call.key);
  const errorText = reportedErrorOf(target) ?? trainingErrorText(target.world.state, t);
  return [
    '--key', t.call.key, '--operation', operation, '--principal', t.sessionPolicy !== undefined ? trainingSessionArn(target) : principal.arn,
    '--profile', adminProfileFor(principal.accountId), '--endpoint-url', target.endpoint,
    ...(keyAccount !== principal.accountId ? ['--key-profile', adminProfileFor(keyAccount)] : []),
    // The organization's SCPs and RCPs are read with its management account's administrator.
    ...(target.world.state.organization ? ['--org-profile', adminProfileFor(target.world.state.organization.managementAccountId)] : []),
    ...(t.call.encryptionContext ? ['--encryption-context', JSON.stringify(t.call.encryptionContext)] : []),
    // Some causes are known only from the error the call got.
    ...(errorText !== undefined ? ['--error', errorText] : []),
  ];
}
