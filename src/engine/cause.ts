// The cause vocabulary: what the diagnosis can conclude, with stable codes. The codes and the JSON shape
// are public API (README, `check --json`): extend them only additively.

export const causeCodes = [
  'key-not-found',
  'key-disabled',
  'key-pending-deletion',
  'key-pending-import',
  'key-unavailable',
  'key-policy-no-iam-delegation',
  'identity-policy-missing-actions',
  'cross-account-key-policy',
  'cross-account-identity-policy',
  'grant-creation-denied',
  'explicit-deny',
  'permissions-boundary',
  'session-policy',
  'aws-managed-key-cross-account',
  // Issue 8: every layer, conditions, and the look-alikes of a denial.
  'scp',
  'rcp',
  'vpc-endpoint-policy',
  'condition-not-met',
  'condition-unknown',
  'wrong-region',
  'key-usage-mismatch',
  'grant-constraint-mismatch',
  'grant-recently-created',
  'aws-managed-key-direct-use',
  'operation-not-cross-account',
  'alias-cross-account',
  'principal-recreated',
  'encryption-context-mismatch',
  'incorrect-key',
  'key-state-transient',
] as const;

export type CauseCode = (typeof causeCodes)[number];

/** The layer of KMS authorization a cause sits in. */
export type CauseLayer =
  | 'key-identifier'
  | 'key-state'
  | 'key-policy'
  | 'identity-policy'
  | 'permissions-boundary'
  | 'session-policy'
  | 'scp'
  | 'rcp'
  | 'vpc-endpoint-policy'
  | 'grant'
  /** The request itself: its Region, encryption context, ciphertext or condition values. */
  | 'request';

export interface StatementLocation {
  /** Policy name: "default" for a key policy, the inline name or managed policy ARN otherwise. */
  readonly policyName?: string;
  readonly statementId?: string;
  /** Zero-based index in the policy's Statement list. */
  readonly statementIndex?: number;
}

export interface Evidence {
  /** What was looked at, in plain words ("Key state", "Key policy statement"). */
  readonly what: string;
  /** The value seen (a state name, a statement, a list of actions). */
  readonly value?: unknown;
  /** Where it came from: the AWS call or the local evaluation. */
  readonly source?: string;
  readonly statement?: StatementLocation;
}

export interface Cause {
  readonly code: CauseCode;
  readonly layer: CauseLayer;
  /** One sentence a newcomer to KMS understands. */
  readonly summary: string;
  /** The required KMS actions this cause refuses. */
  readonly actions: readonly string[];
  readonly evidence: readonly Evidence[];
  /** For explicit-deny: the denying statement. */
  readonly deniedBy?: StatementLocation & { readonly layer: CauseLayer };
  /** For condition-unknown: the key nobody knows here, the statement testing it, and the values tried. */
  readonly unknownCondition?: UnknownCondition;
  /** For grant-recently-created: the grant still propagating, and when it is in effect everywhere. */
  readonly recentGrant?: RecentGrant;
}

export interface RecentGrant {
  readonly grantId: string;
  /** ISO time CreateGrant reported (ListGrants CreationDate). */
  readonly createdAt: string;
  readonly ageSeconds: number;
  /** ISO time the consistency window ends: from then on the grant works without its token. */
  readonly inEffectBy: string;
}

export interface UnknownCondition {
  readonly key: string;
  /** The statement that tests the key, in words: "the Deny "OnlyFromOffice" in the key policy". */
  readonly statement: string;
  readonly passing: readonly string[];
  readonly failing: readonly string[];
}

/** Something the diagnosis could not check, and how the user could let it. */
export interface Unverified {
  readonly what: string;
  readonly why: string;
  readonly howToVerify: string;
}

export type Verdict = 'allowed' | 'denied' | 'unknown';

export interface ActionResult {
  readonly action: string;
  readonly decision: 'allowed' | 'denied' | 'unknown';
  /** What allowed it, when allowed. */
  readonly allowedBy?: 'policies' | 'grant';
}

export interface Diagnosis {
  readonly verdict: Verdict;
  readonly principal?: string;
  readonly key?: string;
  readonly operation: string;
  readonly requiredActions: readonly string[];
  readonly actionResults: readonly ActionResult[];
  readonly causes: readonly Cause[];
  readonly unverified: readonly Unverified[];
  /** Plain-language notes for the report (e.g. IAM's simulator disagreed with the local evaluation). */
  readonly notes: readonly string[];
  /**
   * Set when the verdict is unknown only because a role session's session policy could not be read or
   * confirmed (another's session): every layer read allows. A fix's verification says so instead of
   * waiting for a propagation that cannot change it.
   */
  readonly unreadSessionPolicy?: string;
}
