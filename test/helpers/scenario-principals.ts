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
};

/** The account that owns a key, named by its key or alias ARN, or by an alias name the sandbox knows. */
export function keyAccountOf(target: TestSandbox, key: string): string {
  const arnAccount = /^arn:aws:kms:[^:]+:(\d{12}):/.exec(key)?.[1];
  if (arnAccount) return arnAccount;
  const alias = Object.values(target.world.state.aliases).find((a) => a.aliasName === key);
  if (!alias) throw new Error(`no alias ${key} in the sandbox`);
  return alias.accountId;
}

/**
 * The flags an administrator gives `check` or `fix` for a scenario's training principal: the key, the
 * operation, the principal, the admin profile of its account (and of the key's, as --key-profile, when
 * the key is elsewhere), the sandbox endpoint, the call's encryption context, and the error the call got
 * when only that error tells the cause.
 */
export function scenarioArgs(target: TestSandbox, scenario: string): string[] {
  const t = target.world.state.training;
  if (!t) throw new Error(`scenario ${scenario} has no training section`);
  const operation = scenarioOperations[scenario];
  if (operation === undefined) throw new Error(`no operation known for scenario ${scenario}`);
  const principal = principalOf(target.world.state, t.principal);
  const keyAccount = keyAccountOf(target, t.call.key);
  const errorText = trainingErrorText(target.world.state, t);
  return [
    '--key', t.call.key, '--operation', operation, '--principal', principal.arn,
    '--profile', adminProfileFor(principal.accountId), '--endpoint-url', target.endpoint,
    ...(keyAccount !== principal.accountId ? ['--key-profile', adminProfileFor(keyAccount)] : []),
    // The organization's SCPs and RCPs are read with its management account's administrator.
    ...(target.world.state.organization ? ['--org-profile', adminProfileFor(target.world.state.organization.managementAccountId)] : []),
    ...(t.call.encryptionContext ? ['--encryption-context', JSON.stringify(t.call.encryptionContext)] : []),
    // A ciphertext made with another context or key is known only from the error the call got.
    ...(errorText !== undefined ? ['--error', errorText] : []),
  ];
}
