// The live sandbox: its state, and the one place that persists it. Every mutating operation runs
// through `mutate`, which works on a copy and swaps it in only when the operation succeeded, so a
// failed request never leaves half a change behind, and each change is saved before it is answered.
import { CloudTrailLog } from './cloudtrail/trail.js';
import type { SandboxState } from './state.js';

export type Persist = (state: SandboxState) => void;

/** States a world has made current: never changed again (a write replaces them), so what is derived from one may be kept. */
const committedStates = new WeakSet<SandboxState>();

/** True for a state a world made current, false for a draft inside `mutate` (which may still change). */
export function isCommittedState(state: SandboxState): boolean {
  return committedStates.has(state);
}

export class SandboxWorld {
  #state: SandboxState;
  readonly #persist: Persist | undefined;
  /** Mutations run one at a time, so two concurrent requests never both copy the same old state. */
  #lastMutation: Promise<unknown> = Promise.resolve();
  /** Every KMS call as a CloudTrail event (in memory, not persisted with the state). */
  readonly trail = new CloudTrailLog();

  constructor(state: SandboxState, persist?: Persist) {
    this.#state = state;
    this.#persist = persist;
    committedStates.add(state);
  }

  /** The current state. Read-only by convention: change it only inside `mutate`. */
  get state(): SandboxState {
    return this.#state;
  }

  /** Runs a change on a copy of the state; commits (and persists) it only if `change` returns normally. */
  mutate<T>(change: (draft: SandboxState) => T | Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.#state);
      const result = await change(draft);
      draft.revision += 1;
      this.#persist?.(draft);
      committedStates.add(draft);
      this.#state = draft;
      return result;
    };
    const next = this.#lastMutation.then(run, run);
    this.#lastMutation = next.catch(() => undefined);
    return next;
  }
}
