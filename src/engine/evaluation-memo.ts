// Identical policy evaluations within one diagnosis, each done once. Proving the fixes re-runs the
// diagnosis on changed facts, and each run probes every conditional statement with its condition removed:
// on a big account (a 61-statement key policy, 20 managed policies) `check` asked the simulator 326
// questions, 62 of them asked before. Keyed by the whole evaluation request, each document as the
// simulator sees it for the request (only the statements that may apply: a blast-radius probe of an
// action the fix does not touch is answered by the evaluation before the fix); a document's text is
// serialised once per document object (documents are never changed), and equal texts share an id, so
// a key is short whatever the size of the policies. A document's validity is not in the key: two
// requests differing only in statements that cannot apply share an outcome, even if one of those
// statements is malformed (documents read from AWS were validated by it; fixes write valid ones).
import type { EvaluationOutcome, EvaluationRequest, NamedPolicy, OrganizationLevelPolicies } from './policy-evaluation.js';
import { callerAccountOf, documentView } from './statement-prefilter.js';

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
    // Each document as the simulator is given it for this request (statement-prefilter.ts): a change
    // to statements the action or caller cannot match leaves the key, and so the outcome, as it was.
    const callerAccount = callerAccountOf(request.principalArn);
    const view = (document: unknown, account?: string) => {
      const { document: seen, kept } = documentView(document, request.action, account);
      return [this.#documentId(seen), kept.join(',')];
    };
    const policy = (p: NamedPolicy | undefined, account?: string) => (p === undefined ? null : [p.name, ...view(p.document, account)]);
    const levels = (l: readonly OrganizationLevelPolicies[] | undefined) => l?.map((level) => [level.level, level.policies.map((p) => policy(p))]) ?? null;
    // An identity policy none of whose statements can apply adds nothing to the simulator's identity
    // analysis (it reads only matching statements); for a resource "*" it also picks the resources
    // simulated, so there it stays.
    const wildcard = request.resourceArn.includes('*');
    const identity = request.identityPolicies.flatMap((p) => {
      const { document, kept } = documentView(p.document, request.action);
      return wildcard || kept.length > 0 ? [[p.name, this.#documentId(document), kept.join(',')]] : [];
    });
    return JSON.stringify([
      request.principalArn,
      request.action,
      request.resourceArn,
      request.resourceAccount,
      request.context,
      identity,
      policy(request.resourcePolicy, callerAccount),
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
