// The principal as fixes name it: in sentences, in Sids, and which ARNs a fix may name or change at all.
import { parsePrincipalRef } from '../identifiers.js';
import type { PrincipalIdentity } from '../facts.js';

export function describePrincipal(principal: PrincipalIdentity): string {
  return `${principal.kind} ${principal.name}`;
}

/** "AppRole" for role App, "DeployerUser" for user deployer, "MyAppRole" for role my-app-role. */
export function principalWord(principal: PrincipalIdentity): string {
  const kind = principal.kind === 'role' ? 'Role' : 'User';
  const name = principal.name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .slice(0, 64);
  if (name === '') return kind;
  return name.endsWith(kind) ? name : `${name}${kind}`;
}

/** An IAM role or user ARN: never a session, an account root or a wildcard. */
export function isEntityArn(arn: string): boolean {
  const principal = parsePrincipalRef(arn);
  return principal?.kind === 'role' || principal?.kind === 'user';
}

/** IAM lets nobody change a service-linked role's policies. */
export const isServiceLinkedRole = (arn: string): boolean => {
  const principal = parsePrincipalRef(arn);
  return principal?.kind === 'role' && principal.path.startsWith('/aws-service-role/');
};
