// Identical policy evaluations within one diagnosis, each done once. Proving the fixes re-runs the
// diagnosis on changed facts, and each run probes every conditional statement with its condition removed:
// on a big account (a 61-statement key policy, 20 managed policies) `check` asked the simulator 326
// questions, 62 of them asked before. Keyed by the whole evaluation request; a document's text is
// serialised once per document object (documents are never changed), and equal texts share an id, so
// a key is short whatever the size of the policies.
import type { EvaluationOutcome, EvaluationRequest, NamedPolicy, OrganizationLevelPolicies } from './policy-evaluation.js';

export class EvaluationMemo {
  readonly #outcomes = new Map<string, Promise<EvaluationOutcome>>();
  readonly #documentIds = new WeakMap<object, number>();
  readonly #idsByText = new Map<string, number>();
  /** Evaluations asked for, and those done (the rest were answered from the memo). */
  asked = 0;
  evaluated = 0;

  /** The outcome of `request`: evaluated by `evaluate` the first time, the same promise afterwards. */
  outcome(request: EvaluationRequest, evaluate: (request: EvaluationRequest) => Promise<EvaluationOutcome>): Promise<EvaluationOutcome> {
    this.asked += 1;
    const key = this.#keyOf(request);
    let outcome = this.#outcomes.get(key);
    if (outcome === undefined) {
      this.evaluated += 1;
      outcome = evaluate(request);
      this.#outcomes.set(key, outcome);
    }
    return outcome;
  }

  #keyOf(request: EvaluationRequest): string {
    const policy = (p: NamedPolicy | undefined) => (p === undefined ? null : [p.name, this.#documentId(p.document)]);
    const levels = (l: readonly OrganizationLevelPolicies[] | undefined) => l?.map((level) => [level.level, level.policies.map(policy)]) ?? null;
    return JSON.stringify([
      request.principalArn,
      request.action,
      request.resourceArn,
      request.resourceAccount,
      request.context,
      request.identityPolicies.map(policy),
      policy(request.resourcePolicy),
      policy(request.permissionsBoundary),
      policy(request.sessionPolicy),
      policy(request.vpcEndpointPolicy),
      levels(request.serviceControlPolicies),
      levels(request.resourceControlPolicies),
    ]);
  }

  #documentId(document: unknown): number | string {
    if (document === null || typeof document !== 'object') return JSON.stringify(document) ?? 'undefined';
    let id = this.#documentIds.get(document);
    if (id === undefined) {
      const text = JSON.stringify(document);
      id = this.#idsByText.get(text);
      if (id === undefined) {
        id = this.#idsByText.size;
        this.#idsByText.set(text, id);
      }
      this.#documentIds.set(document, id);
    }
    return id;
  }
}
