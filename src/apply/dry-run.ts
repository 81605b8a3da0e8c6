// The verification's KMS dry run as the affected principal, and its clean-up. KMS's DryRun performs the
// authorization of a call without doing it (DryRunOperationException: it would have succeeded;
// AccessDeniedException: still refused; https://docs.aws.amazon.com/kms/latest/developerguide/programming-dryrun.html).
// An endpoint that ignores DryRun performs the call: for CreateGrant that leaves a real grant, which is
// revoked at once through the TargetStore (a write, so it lives here, the only code that changes
// anything) and reported. src/aws/dry-run.ts implements the DryRunner over the SDK.
import { awsCli } from './aws-cli-commands.js';
import type { TargetStore } from './target-store.js';

export interface DryRunRequest {
  readonly keyArn: string;
  readonly region: string;
  readonly action: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** Grant tokens the call passes (GrantTokens), such as the token of a grant the fix just created. */
  readonly grantTokens?: readonly string[];
  /** For kms:CreateGrant: who the grant would be for (the principal itself by default). */
  readonly granteePrincipal?: string;
}

/** A grant that CreateGrant really created because the endpoint ignored DryRun, and what became of it. */
export interface CreatedGrant {
  readonly grantId: string;
  readonly revoked: boolean;
  /** One sentence for the report: revoked, or the command that revokes it. */
  readonly note: string;
}

export type DryRunResult =
  | { readonly outcome: 'would-succeed'; readonly action: string; readonly createdGrant?: undefined }
  | { readonly outcome: 'denied'; readonly action: string; readonly message: string; readonly createdGrant?: undefined }
  | { readonly outcome: 'not-possible'; readonly action: string; readonly why: string; readonly createdGrant?: undefined }
  | { readonly outcome: 'error'; readonly action: string; readonly message: string; readonly createdGrant?: CreatedGrant };

/** What the endpoint answered to one dry run; 'performed' when it ignored DryRun and did the call (with the grant it created, if any). */
export type DryRunAnswer = Exclude<DryRunResult, { outcome: 'error' }> | { readonly outcome: 'error'; readonly action: string; readonly message: string } | { readonly outcome: 'performed'; readonly action: string; readonly grantId?: string };

/** Sends one dry run as the principal; never writes anything itself. */
export interface DryRunner {
  dryRun(request: DryRunRequest): Promise<DryRunAnswer>;
}

/** Revokes the grant a dry run really created, with the principal's credentials; says what happened either way. */
async function revokeCreatedGrant(store: Pick<TargetStore, 'revokeGrant'>, request: DryRunRequest, grantId: string): Promise<CreatedGrant> {
  try {
    await store.revokeGrant(request.keyArn, grantId);
    return { grantId, revoked: true, note: `the grant it created (${grantId}) was revoked` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { grantId, revoked: false, note: `the grant it created (${grantId}) could not be revoked (${why}); revoke it with: ${awsCli.revokeGrant(request.keyArn, request.region, grantId)}` };
  }
}

/** Dry-runs one action; a grant the endpoint really created is revoked through `cleanup` and reported. */
export async function proveByDryRun(runner: DryRunner, cleanup: Pick<TargetStore, 'revokeGrant'>, request: DryRunRequest): Promise<DryRunResult> {
  const answer = await runner.dryRun(request);
  if (answer.outcome !== 'performed') return answer;
  const message = `the endpoint performed ${request.action} instead of a dry run`;
  if (answer.grantId === undefined) return { outcome: 'error', action: request.action, message };
  const createdGrant = await revokeCreatedGrant(cleanup, request, answer.grantId);
  return { outcome: 'error', action: request.action, message: `${message}; ${createdGrant.note}`, createdGrant };
}
