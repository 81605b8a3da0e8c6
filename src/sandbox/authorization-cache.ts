// Authorization decisions remembered per committed state. What AWS decides for a request depends only
// on the account's policies and principals (the state) and on the request itself: the caller (and its
// session policy), the action, the resource, its resource policy and every context key. A state the
// world made current never changes (every write makes a new one and bumps the revision), so a decision
// cached for it is right until the next write, which starts an empty cache; a draft inside a write is
// never cached. The key holds the request context whole, so a condition on any key is evaluated afresh
// whenever its value differs; the time keys (aws:CurrentTime, to the second, and aws:EpochTime) are
// left out only when no policy in the state or the request names them.
import type { EvaluationOutcome } from '../engine/policy-evaluation.js';
import type { SandboxState } from './state.js';
import { isCommittedState } from './world.js';

interface StateCache {
  readonly revision: number;
  readonly decisions: Map<string, Promise<EvaluationOutcome>>;
  /** Whether any policy of the state names aws:CurrentTime or aws:EpochTime; computed on first use. */
  mentionsTime?: boolean;
}

/** Enough for every distinct request of a busy test or benchmark; past it the cache starts over. */
const maxDecisions = 10_000;
const caches = new WeakMap<SandboxState, StateCache>();

function cacheOf(state: SandboxState): StateCache {
  const cached = caches.get(state);
  if (cached && cached.revision === state.revision) return cached;
  const fresh: StateCache = { revision: state.revision, decisions: new Map() };
  caches.set(state, fresh);
  return fresh;
}

const timeKeys = /aws:(?:CurrentTime|EpochTime)/i;

/** True when `text` (a policy document, or the state as JSON) names a context key whose value is the time of the request. */
export function mentionsTime(text: string | undefined): boolean {
  return text !== undefined && timeKeys.test(text);
}

/**
 * Whether a policy anywhere in the state (identity, key, trust, session, boundary, SCP, RCP…) could
 * read the time of the request, in a condition or a policy variable. When none can, the time keys
 * are left out of the cache key: they cannot change the decision, and with them every second would
 * start the cache over. The whole state is searched, so a policy kind added later is covered too.
 */
export function stateMentionsTime(state: SandboxState): boolean {
  if (!isCommittedState(state)) return true;
  const cache = cacheOf(state);
  cache.mentionsTime ??= mentionsTime(JSON.stringify(state));
  return cache.mentionsTime;
}

/** The decision for `key` (the whole request, serialised) on `state`: evaluated once per committed state. */
export function cachedDecision(state: SandboxState, key: string, evaluate: () => Promise<EvaluationOutcome>): Promise<EvaluationOutcome> {
  if (!isCommittedState(state)) return evaluate();
  const { decisions } = cacheOf(state);
  let decision = decisions.get(key);
  if (!decision) {
    if (decisions.size >= maxDecisions) decisions.clear();
    decision = evaluate();
    decisions.set(key, decision);
    // A failed evaluation is not a decision: the next request tries again.
    decision.catch(() => decisions.delete(key));
  }
  return decision;
}

const parsedDocuments = new Map<string, unknown>();
/** Each document parsedPolicyDocument made, by a number: one text, one object, one number. */
const documentIds = new WeakMap<object, number>();
let nextDocumentId = 0;

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * A policy document parsed once per text (frozen: it is shared). A key policy is read on every request
 * for its key; parsing (and serialising, for the cache key) a 30 KB policy each time would cost more
 * than the cached decision saves.
 */
export function parsedPolicyDocument(text: string): unknown {
  let document = parsedDocuments.get(text);
  if (document === undefined) {
    if (parsedDocuments.size >= 1_000) parsedDocuments.clear();
    document = deepFreeze(JSON.parse(text) as unknown);
    if (typeof document === 'object' && document !== null) documentIds.set(document, nextDocumentId++);
    parsedDocuments.set(text, document);
  }
  return document;
}

/** A document as the cache key holds it: its number when parsedPolicyDocument made it, else its JSON. */
export function documentKey(document: unknown): string | number {
  const id = typeof document === 'object' && document !== null ? documentIds.get(document) : undefined;
  return id ?? JSON.stringify(document) ?? 'undefined';
}
