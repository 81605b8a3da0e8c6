// Who is calling: the principal behind a verified access key, in the forms AWS uses for it.
import type { CredentialState, SandboxState } from './state.js';

export interface Caller {
  readonly accountId: string;
  /** The ARN AWS prints in errors and GetCallerIdentity: a user ARN or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. */
  readonly arn: string;
  /** aws:PrincipalArn: the user ARN, or the role ARN (with its path) for a role session. */
  readonly principalArn: string;
  /** GetCallerIdentity's UserId: AIDA… for users, AROA…:SESSION for role sessions. */
  readonly userId: string;
  readonly kind: 'user' | 'assumed-role';
  /** User name or role name. */
  readonly name: string;
  readonly accessKeyId: string;
  /** Session policy passed to AssumeRole, if any. */
  readonly sessionPolicy?: string;
}

/** Resolves the principal behind a credential; undefined when its user or role no longer exists. */
export function callerFor(state: SandboxState, credential: CredentialState): Caller | undefined {
  const account = state.accounts[credential.accountId];
  if (!account) return undefined;
  if (credential.kind === 'long-term') {
    const user = account.users[credential.userName];
    if (!user) return undefined;
    return {
      accountId: account.id,
      arn: user.arn,
      principalArn: user.arn,
      userId: user.id,
      kind: 'user',
      name: user.name,
      accessKeyId: credential.accessKeyId,
    };
  }
  const role = account.roles[credential.roleName];
  if (!role || role.id !== credential.roleId) return undefined;
  return {
    accountId: account.id,
    arn: credential.assumedRoleArn,
    principalArn: role.arn,
    userId: `${role.id}:${credential.sessionName}`,
    kind: 'assumed-role',
    name: role.name,
    accessKeyId: credential.accessKeyId,
    ...(credential.sessionPolicy !== undefined ? { sessionPolicy: credential.sessionPolicy } : {}),
  };
}
