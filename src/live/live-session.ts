// The handles the machine carries for the live actors: the session a run reads and writes through, and
// one run's reads. The machine sees only machines/live-handles.ts; every actor gets these in its input
// and narrows them here, so an actor has no session or run of its own and two runs share nothing.
import type { RunReads, SessionHandle, WizardEnvironment } from '../../machines/diagnosis-machine.js';
import type { AwsSession } from '../aws/aws-session.js';
import { createFactSource, type FactSource } from '../aws/fact-source.js';
import type { DiagnosisRequest } from '../engine/facts.js';
import type { TrainingSandbox } from './training-sandbox.js';

export class LiveSession implements SessionHandle {
  readonly connectedTo: string;
  /** The credentials that read, plan and apply (in training, the administrator of the principal's account). */
  readonly session: AwsSession;
  /** The principal in trouble's own credentials: the fix is proven with a dry run as it (training). */
  readonly asPrincipal?: AwsSession;
  /** Where the reads go, for the screens and the `aws` commands they show (the wizard only). */
  readonly environment?: Omit<WizardEnvironment, 'region'>;
  readonly sandbox?: TrainingSandbox;
  /** Start every read of a run at once (headless `check`); the wizard reads each step when its screen opens. */
  readonly prefetch: boolean;

  constructor(parts: {
    readonly session: AwsSession;
    readonly asPrincipal?: AwsSession;
    readonly environment?: Omit<WizardEnvironment, 'region'>;
    readonly sandbox?: TrainingSandbox;
    readonly prefetch?: boolean;
  }) {
    this.session = parts.session;
    if (parts.asPrincipal) this.asPrincipal = parts.asPrincipal;
    if (parts.environment) this.environment = parts.environment;
    if (parts.sandbox) this.sandbox = parts.sandbox;
    this.prefetch = parts.prefetch ?? false;
    this.connectedTo = parts.sandbox ? `training scenario ${parts.sandbox.info.scenario}` : 'AWS';
  }

  /** Closes its AWS clients and stops its training sandbox. */
  async close(): Promise<void> {
    this.session.destroy();
    this.asPrincipal?.destroy();
    await this.sandbox?.stop();
  }
}

/**
 * One run's facts, each read once and shared by the steps. A read that failed outright (network,
 * credentials) forgets them all, so RETRY reads afresh, as the first time.
 */
export class LiveReads implements RunReads {
  #facts: FactSource | undefined;

  constructor(
    readonly request: DiagnosisRequest,
    private readonly session: LiveSession,
  ) {
    this.#facts = this.#start();
  }

  #start(): FactSource {
    const facts = createFactSource(this.session.session, this.request);
    if (this.session.prefetch) facts.prefetchAll();
    return facts;
  }

  async read<T>(read: (facts: FactSource) => Promise<T>): Promise<T> {
    const facts = (this.#facts ??= this.#start());
    try {
      return await read(facts);
    } catch (error) {
      if (this.#facts === facts) this.#facts = undefined;
      throw error;
    }
  }
}

/** The live session an actor was given; a missing one is a wiring mistake, said plainly. */
export function liveSessionOf(handle: SessionHandle | undefined): LiveSession {
  if (handle instanceof LiveSession) return handle;
  throw new Error(handle === undefined ? 'no AWS session was opened for this run' : `not a live session: ${handle.connectedTo}`);
}

/** The run's reads an actor was given (identify starts them). */
export function liveReadsOf(handle: RunReads | undefined): LiveReads {
  if (handle instanceof LiveReads) return handle;
  throw new Error('no diagnosis is under way: the identify step has not read anything yet');
}
