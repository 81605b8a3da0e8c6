// Which of `check --json`'s fixes kms-doctor can apply: a fix with no aws commands is guidance (wait for
// the key, call in another Region, an SCP only the organization can change), blocked, or a change to the
// request itself (send the right encryption context); the scenario-wide apply tests skip those, saying why.

interface JsonFix {
  readonly commands?: readonly string[];
  readonly blockedBy?: unknown;
  readonly requestChange?: unknown;
}

/** True when no fix writes anything: every one is guidance, blocked, or a change to the request. */
export function noFixWrites(fixes: readonly JsonFix[] | undefined): boolean {
  return (fixes?.length ?? 0) > 0 && fixes!.every((fix) => fix.blockedBy !== undefined || (fix.commands ?? []).length === 0);
}

/** Why the apply part does not apply, for ctx.skip. */
export function whyNothingToApply(cause: string | undefined, fixes: readonly JsonFix[]): string {
  const kind = fixes.some((fix) => fix.requestChange !== undefined) ? 'a change to the request (no policy to write)' : 'guidance, not a change kms-doctor applies';
  return `${cause ?? 'this cause'}: the fix is ${kind}; the apply part does not apply`;
}
