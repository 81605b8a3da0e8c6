// Everything the apply step reads and writes, as one interface. src/aws/ implements it with the SDK;
// src/apply/ sees only this, so the plan/apply logic never touches an SDK type. Every method either
// returns what AWS said or rejects with an error that says its kind (src/aws's AwsCallError does):
// src/apply reads the kind through storeErrorKind, so it never imports src/aws (no circle).
import type { KeyStateName } from '../engine/facts.js';

export type PrincipalKind = 'user' | 'role';

/** The kind of a TargetStore rejection ('credentials', 'access-denied', 'not-found', 'network'…), when it says one. */
export function storeErrorKind(error: unknown): string | undefined {
  const kind = error instanceof Error ? (error as Error & { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? kind : undefined;
}

export interface PolicyVersionInfo {
  readonly versionId: string;
  readonly isDefault: boolean;
  readonly createDate: string;
}

export interface KeyStateInfo {
  readonly state: KeyStateName;
  /** ISO date, when pending deletion. */
  readonly deletionDate?: string;
  /** The waiting period, when pending deletion. */
  readonly pendingWindowInDays?: number;
}

/** What CreateGrant returned. */
export interface NewGrant {
  readonly grantId: string;
  readonly grantToken?: string;
}

export interface TargetStore {
  /** The ARN of whoever applies the changes (for the lockout guard and the backup record). */
  applierArn(): Promise<string>;
  /** The identity policies of the applier, when readable (for the lockout guard); undefined otherwise. */
  applierPolicies(): Promise<readonly { name: string; document: unknown }[] | undefined>;

  readKeyPolicy(keyArn: string): Promise<string>;
  /** Never sets BypassPolicyLockoutSafetyCheck. */
  putKeyPolicy(keyArn: string, policy: string): Promise<void>;

  /** The inline policy document (URL-decoded), or undefined when the principal has no policy of that name. */
  readInlinePolicy(kind: PrincipalKind, principalName: string, policyName: string): Promise<string | undefined>;
  putInlinePolicy(kind: PrincipalKind, principalName: string, policyName: string, document: string): Promise<void>;
  deleteInlinePolicy(kind: PrincipalKind, principalName: string, policyName: string): Promise<void>;

  listPolicyVersions(policyArn: string): Promise<readonly PolicyVersionInfo[]>;
  readPolicyVersion(policyArn: string, versionId: string): Promise<string>;
  /** Returns the new version's ID. */
  createPolicyVersion(policyArn: string, document: string, setAsDefault: boolean): Promise<string>;
  setDefaultPolicyVersion(policyArn: string, versionId: string): Promise<void>;
  deletePolicyVersion(policyArn: string, versionId: string): Promise<void>;

  readKeyState(keyArn: string): Promise<KeyStateInfo>;
  enableKey(keyArn: string): Promise<void>;
  disableKey(keyArn: string): Promise<void>;
  cancelKeyDeletion(keyArn: string): Promise<void>;
  scheduleKeyDeletion(keyArn: string, pendingWindowInDays: number): Promise<void>;

  /** Returns the new grant's ID and token (the token lets a call use the grant before it is in effect everywhere). */
  createGrant(keyArn: string, granteePrincipal: string, operations: readonly string[], name?: string): Promise<NewGrant>;
  revokeGrant(keyArn: string, grantId: string): Promise<void>;
}
