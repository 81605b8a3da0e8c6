// Who is who in a scenario: the ARN and home account of a principal, and the admin profile of an account.
import type { SandboxState } from '../../src/sandbox/state.js';
import type { TestSandbox } from './sandbox.js';

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

