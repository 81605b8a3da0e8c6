// What a KMS operation handler receives and returns. Handlers import these from here, not from
// kms-protocol.ts (which imports every handler through operations.ts), so no handler is in an import circle.
import type { IncomingCall } from '../service-call.js';

export interface KmsCall extends IncomingCall {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** One KMS API operation: validated input in, response object out; throws AwsError to refuse. */
export type KmsOperation = (call: KmsCall) => Promise<Record<string, unknown>>;
