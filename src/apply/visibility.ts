// Waiting until a write is visible. KMS and IAM are eventually consistent: a read right after a write
// may still return the old value, and one matching read may be followed by an old one from another
// replica. So, as Terraform does for key policies, a change counts as visible only after several
// matching reads in a row (SDK-AND-SAFETY §1.5). Running out of attempts is not a failure: the write
// was accepted, and the report says "applied, propagation pending".

export interface VisibilityOptions {
  /** Reads at most. */
  readonly attempts: number;
  /** Pause between reads. */
  readonly intervalMs: number;
  /** Matching reads in a row needed. */
  readonly consecutive: number;
}

/** Fine for real AWS: up to ~10 s, three matching reads in a row. */
export const defaultVisibility: VisibilityOptions = { attempts: 10, intervalMs: 1000, consecutive: 3 };

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Reads until `matches` holds `consecutive` times in a row. A read that fails counts as a mismatch
 * (a new version or policy may answer NotFound for a moment). An aborted signal ends the wait early:
 * the write is done, and whoever aborted decides what happens next.
 */
export async function waitUntilVisible(matches: () => Promise<boolean>, options: VisibilityOptions, signal?: AbortSignal): Promise<boolean> {
  const needed = Math.max(1, options.consecutive);
  // Fewer attempts than matches needed could never succeed.
  const attempts = Math.max(options.attempts, needed);
  let streak = 0;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    let ok = false;
    try {
      ok = await matches();
    } catch {
      ok = false;
    }
    streak = ok ? streak + 1 : 0;
    if (streak >= needed) return true;
    if (signal?.aborted) return false;
    // No point pausing when the remaining attempts cannot reach the streak any more.
    if (attempts - attempt < needed - streak) return false;
    await pause(options.intervalMs, signal);
  }
  return false;
}
