// The plan: what `kms-doctor fix` shows for confirmation and what applyPlan then performs, step by step.
// Everything a reviewer must see is here in plain data (exact ARNs and accounts, the document the plan was
// computed from, the diff, the aws CLI equivalent and how each step is undone), so the confirmation
// screen, `--json` and the apply step all read the same object.
import type { CauseCode } from '../engine/cause.js';
import type { KeyStateName } from '../engine/facts.js';
import type { PrincipalKind } from './target-store.js';

export type PlanStepKind =
  | 'put-key-policy'
  | 'put-role-policy'
  | 'put-user-policy'
  | 'create-policy-version'
  | 'delete-policy-version'
  | 'enable-key'
  | 'cancel-key-deletion'
  | 'create-grant';

/** What a step changes, exactly as the confirmation names it. */
export interface PlanTarget {
  /** The key ARN, the user or role ARN (inline policies), or the managed policy ARN. */
  readonly arn: string;
  /** KMS targets only: IAM is global. */
  readonly region?: string;
  /** The account whose credentials the write needs. */
  readonly accountId: string;
  /** "default" for a key policy, the inline policy name, or the managed policy's name. */
  readonly policyName?: string;
}

/**
 * What the target must still look like right before the write (the stale check). A step that follows
 * another step on the same target expects what that step leaves.
 */
export type Expected =
  | { readonly type: 'key-policy'; readonly document: string }
  /** '' when the inline policy must not exist yet. */
  | { readonly type: 'inline-policy'; readonly document: string }
  | {
      readonly type: 'managed-policy';
      /** The default version's document. */
      readonly document: string;
      /** The default version ID at plan time, or the version an earlier step of the plan creates. */
      readonly defaultVersion: { readonly id: string } | { readonly createdByStep: number };
    }
  /** A non-default version that a delete-policy-version step removes: it must exist, with this document. */
  | { readonly type: 'policy-version'; readonly versionId: string; readonly document: string }
  | { readonly type: 'key-state'; readonly state: KeyStateName }
  /** Nothing to compare (a grant is added alongside the others): only the key must still be readable. */
  | { readonly type: 'key-exists' };

/** The call applyPlan makes, with everything it needs. */
export type PlanWrite =
  | { readonly kind: 'put-key-policy'; readonly keyArn: string; readonly document: string }
  | {
      readonly kind: 'put-role-policy' | 'put-user-policy';
      readonly principalKind: PrincipalKind;
      readonly principalName: string;
      readonly policyName: string;
      readonly document: string;
    }
  | { readonly kind: 'create-policy-version'; readonly policyArn: string; readonly document: string }
  | { readonly kind: 'delete-policy-version'; readonly policyArn: string; readonly versionId: string }
  | { readonly kind: 'enable-key'; readonly keyArn: string }
  | {
      readonly kind: 'cancel-key-deletion';
      readonly keyArn: string;
      /** The waiting period the deletion was scheduled with, to schedule it again on rollback (30 when unknown). */
      readonly pendingWindowInDays: number;
      readonly deletionDate?: string;
    }
  | {
      readonly kind: 'create-grant';
      readonly keyArn: string;
      readonly granteePrincipal: string;
      readonly operations: readonly string[];
      readonly name?: string;
    };

export interface PlanStep {
  /** 1-based, in the order the steps run. */
  readonly id: number;
  readonly cause: CauseCode;
  readonly kind: PlanStepKind;
  /** Plain words: what this step does. */
  readonly title: string;
  readonly target: PlanTarget;
  readonly expected: Expected;
  /** The exact document text written, for documents. */
  readonly after?: string;
  /** Unified diff (from the fix), for documents. */
  readonly diff?: string;
  /** The aws CLI equivalent of the write. */
  readonly command: string;
  /**
   * How the step is undone. `command` names the backup as `<backup of step N>` where the previous
   * document is needed: the real path is only known once applyPlan has written the backup, and
   * applyPlan reports the runnable command then.
   */
  readonly rollback: { readonly description: string; readonly command: string };
  /** Side effects and limits a reviewer should know (e.g. the version ID changes on rollback). */
  readonly notes: readonly string[];
  /** Index of the Fix (in the list given to buildPlan) this step comes from. */
  readonly fixIndex: number;
  readonly write: PlanWrite;
}

export interface SkippedFix {
  readonly fixIndex: number;
  readonly cause: CauseCode;
  readonly title: string;
  readonly reason: string;
}

export interface Plan {
  readonly createdAt: string;
  /** Whose credentials will write (sts:GetCallerIdentity), when it could be read. */
  readonly applierArn?: string;
  readonly steps: readonly PlanStep[];
  /** Fixes that contribute no step: blocked by the diagnosis, or not plannable (with the reason). */
  readonly skipped: readonly SkippedFix[];
}
