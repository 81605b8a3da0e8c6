// What the diagnosis knows, in our own vocabulary: the AWS adapters (src/aws/) produce these from live
// responses, the engine reads them, and neither the machine nor the UI ever sees an SDK type.
// Partial visibility is normal: a read that AWS refused is a fact about the world, not a crash.
import type { ParsedError } from './error-messages/parsed-error.js';
import type { DiagnosablePrincipal, KeyRef } from './identifiers.js';
import type { OperationRequirement } from './operations.js';

/** The outcome of one read: what was seen, or why it could not be seen. */
export type Observation<T> =
  | { readonly status: 'known'; readonly value: T }
  | {
      readonly status: 'unreadable';
      /** throttled: AWS said too many requests (ThrottlingException…) after the SDK's retries; nothing about permissions. */
      readonly reason: 'access-denied' | 'not-found' | 'cross-account' | 'throttled' | 'error';
      /** The AWS call that failed, e.g. kms:GetKeyPolicy. */
      readonly call: string;
      /** AWS's message (never a secret), or ours. */
      readonly message: string;
    }
  | { readonly status: 'skipped'; readonly why: string };

export const known = <T>(value: T): Observation<T> => ({ status: 'known', value });

export interface DiagnosisRequest {
  readonly operation: OperationRequirement;
  /** The key as the user named it (key ID, alias name, alias ARN or key ARN), parsed once at the edge. */
  readonly key: KeyRef;
  /** The Region the call is made in (the key ARN's Region when an ARN was given). */
  readonly region: string;
  /** The principal to diagnose for, when not the caller (a user or role ARN, or a role session ARN). */
  readonly principal?: DiagnosablePrincipal;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /**
   * Condition-key values the user gave (`--context KEY=VALUE`): what cannot be read from here, such as
   * aws:SourceIp or aws:SourceVpce. They override what the diagnosis would fill in.
   */
  readonly givenContext?: Readonly<Record<string, string>>;
  /** The error AWS returned for the call (`--error`, the wizard's paste): its blamed layer is evidence. */
  readonly reportedError?: ParsedError;
  /**
   * The grants (by grant ID) whose grant token the call passes (GrantTokens): such a grant is in effect at
   * once, even minutes after it was created (`check --grant-token-for`, the verification after a fix that
   * created the grant).
   */
  readonly grantTokensFor?: readonly string[];
}

export interface CallerFacts {
  /** As STS names it: a user ARN or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. */
  readonly arn: string;
  readonly accountId: string;
  readonly userId: string;
}

/** The IAM identity whose access is diagnosed. */
export interface PrincipalIdentity {
  /** The ARN AWS puts in its error messages for this principal (a session ARN for a role session). */
  readonly arn: string;
  /** The IAM entity: the user ARN, or the role ARN with its path. */
  readonly entityArn: string;
  readonly kind: 'user' | 'role';
  readonly name: string;
  readonly accountId: string;
  /** ARN of the permissions boundary, when the entity has one. */
  readonly permissionsBoundaryArn?: string;
  /** The entity's unique ID (AROA… for a role, AIDA… for a user), which policies store for its ARN. */
  readonly uniqueId?: string;
  /** The entity's tags (aws:PrincipalTag/…), as GetRole/GetUser return them; absent when not read. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type KeyStateName =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export interface KeyFacts {
  readonly arn: string;
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  readonly state: KeyStateName;
  readonly enabled: boolean;
  readonly manager: 'AWS' | 'CUSTOMER';
  readonly spec: string;
  readonly usage: string;
  readonly origin: string;
  readonly multiRegion: boolean;
  readonly description: string;
  /** ISO date, when the key is pending deletion. */
  readonly deletionDate?: string;
}

export interface KeyPolicyFacts {
  /** The document exactly as KMS returned it. */
  readonly text: string;
  readonly document: unknown;
}

export interface PolicyDocumentFacts {
  /** Inline policy name, or the managed policy's ARN. */
  readonly name: string;
  readonly kind: 'inline' | 'managed';
  /** The group the policy comes through, for a user's group policies. */
  readonly groupName?: string;
  /** Managed policies: the policy ARN and its default version. */
  readonly arn?: string;
  readonly versionId?: string;
  /** The document exactly as IAM returned it (URL-decoded). */
  readonly text: string;
  readonly document: unknown;
}

/** A read that failed while collecting a principal's policies: what was read is then incomplete. */
export interface UnreadablePolicyPart {
  readonly call: string;
  readonly reason: 'access-denied' | 'not-found' | 'cross-account' | 'throttled' | 'error';
  readonly message: string;
  /** What the read was for: a policy name or ARN, `group GROUP`, or `permissions boundary`. */
  readonly subject?: string;
}

export interface PrincipalPolicyFacts {
  readonly policies: readonly PolicyDocumentFacts[];
  readonly permissionsBoundary?: PolicyDocumentFacts;
  /**
   * Reads that failed after the policy lists were known (a denied GetPolicy, a user's groups that
   * could not be listed, a boundary that could not be read). Absent when everything was read.
   */
  readonly unreadable?: readonly UnreadablePolicyPart[];
}

export interface GrantFacts {
  readonly grantId: string;
  readonly name?: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly operations: readonly string[];
  readonly constraints?: {
    readonly encryptionContextSubset?: Readonly<Record<string, string>>;
    readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  };
  readonly issuingAccount?: string;
  readonly creationDate?: string;
}

/** IAM's own simulator's view of one action (identity side only, as AWS documents). */
export interface SimulatorResult {
  readonly action: string;
  readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  readonly matchedStatements: readonly { readonly sourcePolicyId: string; readonly sourcePolicyType?: string }[];
  readonly missingContextValues: readonly string[];
  readonly allowedByPermissionsBoundary?: boolean;
  readonly allowedByOrganizations?: boolean;
}

export interface DiagnosisFacts {
  readonly request: DiagnosisRequest;
  readonly caller: Observation<CallerFacts>;
  readonly principal: Observation<PrincipalIdentity>;
  readonly key: Observation<KeyFacts>;
  readonly keyPolicy: Observation<KeyPolicyFacts>;
  readonly grants: Observation<readonly GrantFacts[]>;
  readonly principalPolicies: Observation<PrincipalPolicyFacts>;
  readonly simulation: Observation<readonly SimulatorResult[]>;
  /**
   * The alias names (alias/…) that point at the key (kms:ListAliases with the key), for
   * kms:ResourceAliases conditions. Absent when the source did not read them.
   */
  readonly aliases?: Observation<readonly string[]>;
  /** The key's tags (kms:ListResourceTags), for aws:ResourceTag/… conditions. Absent when not read. */
  readonly tags?: Observation<Readonly<Record<string, string>>>;
  /**
   * The organization and its SCPs/RCPs. Absent when the source did not read it (facts built by hand):
   * the organization layers are then left out, as the caller's responsibility.
   */
  readonly organization?: Observation<OrganizationFacts>;
  /**
   * KMS's own answer to a dry run (DryRun) of each required action, sent as the caller, when the caller is
   * the role session diagnosed: AWS evaluates every layer, the session policy nobody can read included.
   * Absent when not read (facts built by hand); skipped when the session is not the caller.
   */
  readonly sessionDryRun?: Observation<readonly SessionDryRunAnswer[]>;
  /**
   * The roles and users whose access the fixes can change (engine/principals-at-stake.ts), by account
   * ID, each with its own policies, for the blast radius. Absent when not read (facts built by hand):
   * the blast radius then probes a stand-in that IAM lets do anything.
   */
  readonly accountPrincipals?: Readonly<Record<string, Observation<AccountPrincipalsFacts>>>;
}

/** KMS's answer to the dry run of one action as the role session itself. */
export type SessionDryRunAnswer =
  | { readonly action: string; readonly outcome: 'would-succeed' }
  /** AccessDeniedException: AWS's message, which names the layer that refused. */
  | { readonly action: string; readonly outcome: 'denied'; readonly message: string }
  /** No dry run could answer (an action without DryRun, an error other than a refusal). */
  | { readonly action: string; readonly outcome: 'not-possible'; readonly why: string };

/** One role or user of the account and its identity policies, as a blast-radius probe. */
export interface AccountPrincipalFacts {
  readonly identity: PrincipalIdentity;
  readonly policies: Observation<PrincipalPolicyFacts>;
}

export interface AccountPrincipalsFacts {
  readonly accountId: string;
  /**
   * `listed`: the account's roles and users (iam:ListRoles/ListUsers, at most the bound); `named`: only
   * those the changes name (the others' access cannot change).
   */
  readonly scope: 'listed' | 'named';
  /** At most the bound (accountPrincipalBound), the diagnosed principal left out. */
  readonly principals: readonly AccountPrincipalFacts[];
  /** The account has more roles and users than the bound: those beyond it were not probed. */
  readonly more: boolean;
}

/** The SCPs or RCPs of one level of the organization's tree (the root, an OU, the account). */
export interface OrganizationLevelFacts {
  /** The root ID (r-…), an OU ID (ou-…) or an account ID. */
  readonly level: string;
  readonly policies: readonly { readonly name: string; readonly arn: string; readonly document: unknown }[];
}

/** AWS Organizations as seen from the principal's account (DescribeOrganization) and, with --org-profile, its policies. */
export type OrganizationFacts =
  | { readonly inOrganization: false }
  | {
      readonly inOrganization: true;
      readonly id: string;
      readonly managementAccountId: string;
      /** aws:PrincipalOrgPaths of the principal's account (o-…/r-…/ou-…/), when its parents were read. */
      readonly principalOrgPaths?: readonly string[];
      /** SCPs along the principal account's path, root first. */
      readonly serviceControlPolicies: Observation<readonly OrganizationLevelFacts[]>;
      /** RCPs along the key account's path, root first. */
      readonly resourceControlPolicies: Observation<readonly OrganizationLevelFacts[]>;
    };
