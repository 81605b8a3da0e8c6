// What each step of the diagnosis concluded, as the wizard shows it and the machine's guards read it:
// a conclusion in plain words, the statements or grants that decide it with their effect for this
// request, and what it means for the next step. Computed by step-findings.ts from the same evaluation as
// the verdict; the screens only render these.
import type { GrantFacts, KeyStateName } from './facts.js';
import type { PolicyStatement } from './policy-statements.js';

export type FindingTone = 'ok' | 'bad' | 'warn';

/** The conclusion every step finding has. */
export interface StepConclusion {
  readonly tone: FindingTone;
  /** The conclusion in plain words. */
  readonly conclusion: string;
  /** What it means for the next step, when it changes what comes next. */
  readonly next?: string;
}

/**
 * What a statement does for this request, per the evaluation: refuses it, allows the principal
 * itself, lets IAM policies of the principal's account decide (the key policy's account statement),
 * or nothing (it did not match: other actions, other principals, or conditions that do not hold).
 */
export type StatementEffect = 'denies' | 'allows' | 'delegates' | 'none';

export interface StatementFinding {
  readonly statement: PolicyStatement;
  readonly effect: StatementEffect;
  /** The required actions the effect applies to (empty for 'none'). */
  readonly actions: readonly string[];
  /** Plain words: what the statement does for this request. */
  readonly why: string;
}

export interface AccountBoundaryFinding extends StepConclusion {
  readonly principalAccount?: string;
  readonly keyAccount?: string;
  /** Undefined while either account is unknown. */
  readonly crossAccount?: boolean;
}

export interface KeyStateFinding extends StepConclusion {
  readonly state?: KeyStateName;
  /** False when the key's state refuses a required action (the verdict's key-state cause); undefined when unknown. */
  readonly usable?: boolean;
}

export interface KeyPolicyFinding extends StepConclusion {
  readonly read: boolean;
  /** Every statement of the key policy, in order, with its effect for this request. */
  readonly statements: readonly StatementFinding[];
  /** Per required action: the key policy's effect (the strongest matching statement's). */
  readonly perAction: Readonly<Record<string, StatementEffect>>;
  /** A matching statement refuses a required action. */
  readonly denies: boolean;
  /** A matching statement hands a required action to the IAM policies of the principal's account. */
  readonly delegatesToIam: boolean;
  /** A matching statement allows the principal itself (or everyone) a required action. */
  readonly namesPrincipal: boolean;
}

/**
 * Whether the IAM policies decide a required action: needed (the key policy delegates, or the call
 * crosses accounts), not needed (the key policy allows the principal in its own account; only a Deny
 * in them would refuse), cannot help (the key policy refuses, or neither names nor delegates), or
 * unknown (the key policy was not read).
 */
export type IamRole = 'needed' | 'not-needed' | 'cannot-help' | 'unknown';

/** What the principal's policies (and boundary) leave a required action: the identity side only. */
export type IdentityEffect = 'allows' | 'denies' | 'not-allowed' | 'boundary-caps';

export interface IdentityPolicyFinding {
  /** "inline policy X", "managed policy Y (group G)", "permissions boundary Z". */
  readonly label: string;
  readonly name: string;
  readonly boundary: boolean;
  /** The statements that decide a required action for this request (matched by the evaluation). */
  readonly statements: readonly StatementFinding[];
}

export interface IdentityPoliciesFinding extends StepConclusion {
  readonly read: boolean;
  readonly policies: readonly IdentityPolicyFinding[];
  readonly perAction: Readonly<Record<string, IdentityEffect>>;
  readonly iamRole: Readonly<Record<string, IamRole>>;
  /** True when the IAM policies decide at least one required action. */
  readonly counts: boolean;
}

export interface GrantFinding {
  readonly grant: GrantFacts;
  /** True when the grantee is the principal (its entity or session ARN). */
  readonly forPrincipal: boolean;
  /** The required actions the grant allows for this request (operations, grantee and constraints). */
  readonly allows: readonly string[];
  readonly why: string;
}

export interface GrantsFinding extends StepConclusion {
  readonly read: boolean;
  readonly grants: readonly GrantFinding[];
  /** True when a grant could still decide a required action: the policies leave it refused without an explicit deny. */
  readonly canDecide: boolean;
}

/** Each step's finding from the facts read so far; a step whose facts are not read yet has none. */
export interface StepFindings {
  /** Who is asking, for which key: what STS and KMS told, or what could not be read. */
  readonly identify?: StepConclusion;
  readonly accountBoundary?: AccountBoundaryFinding;
  readonly keyState?: KeyStateFinding;
  readonly keyPolicy?: KeyPolicyFinding;
  readonly identityPolicies?: IdentityPoliciesFinding;
  readonly grants?: GrantsFinding;
}
