// How one read becomes a fact: AWS's refusal is an observation ("unreadable", with AWS's words), while
// missing credentials or an unreachable endpoint reject, because every later call would fail the same
// way and the user has to fix their setup first.
import { known, type Observation } from '../engine/facts.js';
import { classifyAwsError, isStopping, type AwsCallError, type CallContext } from './aws-errors.js';

export type Unreadable = Extract<Observation<never>, { status: 'unreadable' }>;
export type Skipped = Extract<Observation<never>, { status: 'skipped' }>;
/** An observation that holds no value, whatever the value's type. */
export type NotKnown = Unreadable | Skipped;

export const skipped = (why: string): Skipped => ({ status: 'skipped', why });

export function unreadableFrom(failure: AwsCallError): Unreadable {
  const reason = failure.kind === 'access-denied' ? 'access-denied' : failure.kind === 'not-found' ? 'not-found' : failure.kind === 'throttled' ? 'throttled' : 'error';
  // An unusual failure keeps its code, so "InvalidAction: …" still says what went wrong.
  const message = reason === 'error' && !failure.message.startsWith(failure.code) ? `${failure.code}: ${failure.message}` : failure.message;
  return { status: 'unreadable', reason, call: failure.call, message };
}

/** Runs one AWS read; its refusal resolves as unreadable, credential and network failures reject (AwsCallError). */
export async function readCall<T>(context: CallContext, run: () => Promise<T>): Promise<Observation<T>> {
  try {
    return known(await run());
  } catch (error) {
    const failure = classifyAwsError(error, context);
    if (isStopping(failure)) throw failure;
    return unreadableFrom(failure);
  }
}

/**
 * A lazily started, shared promise. Its rejection is marked handled at once, so reads that were only
 * prefetched never trip Node's unhandled-rejection check; whoever awaits it still gets the error.
 */
export function memo<T>(start: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    if (!promise) {
      promise = start();
      promise.catch(() => undefined);
    }
    return promise;
  };
}

/** memo by key: one read per policy ARN, however many places ask for it. */
export function memoBy<T>(start: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const started = new Map<string, () => Promise<T>>();
  return (key) => {
    let read = started.get(key);
    if (!read) {
      read = memo(() => start(key));
      started.set(key, read);
    }
    return read();
  };
}

/** IAM returns policy documents URL-encoded (RFC 3986); a document that is already JSON is left alone. */
export function decodePolicyText(text: string): string {
  if (text.trimStart().startsWith('{')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The parsed document, or undefined when the text is not JSON (the text itself is kept either way). */
export function parsePolicy(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
