// What the machine carries for the live code without looking inside: the session a run reads through
// and the run's reads. The actors take them from their input; src/live/ implements them.
import type { DiagnosisRequest } from '../src/engine/facts.js';

/**
 * The connection a run reads and writes through: the AWS session (or a training sandbox's). The machine
 * only carries it, from the machine's input or the `prepare` actor to the actors that use it; what is
 * inside is src/live's, and every actor takes it from its input (no actor keeps a session of its own).
 */
export interface SessionHandle {
  /** What it reads from, for messages and tests: "AWS", or the training scenario's name. */
  readonly connectedTo: string;
}

/**
 * One run's reads, started by `identify` (each identify starts a fresh read of the world) and shared by
 * the later steps, the verdict and the plan. Opaque here, like the session: src/live's.
 */
export interface RunReads {
  /** The request they were started for. */
  readonly request: DiagnosisRequest;
}
