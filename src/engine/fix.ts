// A proposed fix: the change as a reviewer wants to see it (diff, aws CLI commands) and as the apply
// step performs it (ordered steps, each undoable). Part of the public JSON of `check` and `fix`.
import type { CauseCode } from './cause.js';

export type FixTarget =
  | { readonly type: 'key-policy'; readonly arn: string; readonly policyName: 'default' }
  | { readonly type: 'identity-policy'; readonly arn: string; readonly policyName: string; readonly principalKind: 'user' | 'role' | 'managed-policy' }
  | { readonly type: 'key-state'; readonly arn: string }
  | { readonly type: 'grant'; readonly arn: string };

/** One write, in the order the apply step runs them. */
export type FixStep =
  | { readonly kind: 'put-key-policy'; readonly keyArn: string; readonly policy: string }
  | { readonly kind: 'put-role-policy'; readonly roleName: string; readonly policyName: string; readonly document: string }
  | { readonly kind: 'put-user-policy'; readonly userName: string; readonly policyName: string; readonly document: string }
  | { readonly kind: 'create-policy-version'; readonly policyArn: string; readonly document: string }
  | { readonly kind: 'enable-key'; readonly keyArn: string }
  | { readonly kind: 'cancel-key-deletion'; readonly keyArn: string }
  | {
      readonly kind: 'create-grant';
      readonly keyArn: string;
      readonly granteePrincipal: string;
      readonly operations: readonly string[];
      readonly name?: string;
    };

/**
 * A change to the call itself instead of any policy: send this encryption context, or call through this
 * service. Offered first when a Deny guards something, because it weakens nothing.
 */
export interface RequestChange {
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** The service to call through, as kms:ViaService names it (s3.us-east-1.amazonaws.com). */
  readonly viaService?: string;
  /** Grants (by grant ID) whose grant token the call should pass (aws CLI: --grant-tokens). */
  readonly grantTokensFor?: readonly string[];
}

/** One probe the fix would newly allow: who, what, and how it differs from the diagnosed request. */
export interface NewlyAllowed {
  readonly probe: 'other-principal' | 'other-account' | 'other-encryption-context' | 'direct-call' | 'other-action';
  readonly principal: string;
  readonly action: string;
  /** In plain words: "any other role or user of account 111122223333 whose IAM policies allow it". */
  readonly description: string;
}

export interface Fix {
  readonly cause: CauseCode;
  readonly title: string;
  /** Why this change, in a sentence (what it allows, and to whom). */
  readonly explanation: string;
  readonly target: FixTarget;
  /** The document before and after (pretty-printed JSON), for documents. */
  readonly before?: string;
  readonly after?: string;
  /** Unified diff of before → after. */
  readonly diff?: string;
  /** The equivalent aws CLI commands, runnable after writing `files`. */
  readonly commands: readonly string[];
  /** Files the commands read (file:// paths, relative to the working directory). */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  readonly steps: readonly FixStep[];
  /** Set when the fix cannot be proposed as is (e.g. the document would exceed a size limit). */
  readonly blockedBy?: string;
  /** What a reviewer should know before applying: whose credentials it needs, side effects, limits. */
  readonly notes?: readonly string[];
  /** The statements to add (pretty-printed JSON) when the whole document could not be proposed. */
  readonly snippet?: string;
  /** Set for a fix that changes the call, not a policy: it has no steps, and weakens nothing. */
  readonly requestChange?: RequestChange;
  /**
   * Other ways to fix the same cause, in the order they are offered (narrowest first); never applied by
   * `fix`. Each says what it lets in.
   */
  readonly alternatives?: readonly Fix[];
  /**
   * The blast radius: what this fix allows, beyond the diagnosed request, that was refused before it
   * (evaluated before anything is applied). Empty when nothing; absent when it was not computed.
   */
  readonly newlyAllows?: readonly NewlyAllowed[];
}
