// Drafts of policy causes: which cause code an implicit denial by a layer stands for, and one draft
// per code and layer (and policy, for explicit denies) gathering every action it refuses.
import type { CauseCode, CauseLayer } from '../cause.js';
import { sameAccount, type ActionEvaluation, type Scope } from '../diagnosis-scope.js';
import type { Denial, PolicyLayer } from '../policy-evaluation.js';

export interface CauseDraft {
  readonly code: CauseCode;
  readonly layer: CauseLayer;
  readonly policyName?: string;
  readonly evaluations: ActionEvaluation[];
  readonly denials: Denial[];
}

export const causeLayerOf: Partial<Record<PolicyLayer, CauseLayer>> = {
  'identity-policy': 'identity-policy',
  'key-policy': 'key-policy',
  'permissions-boundary': 'permissions-boundary',
  'session-policy': 'session-policy',
  'vpc-endpoint-policy': 'vpc-endpoint-policy',
  scp: 'scp',
  rcp: 'rcp',
};

export const isCreateGrant = (action: string) => action.toLowerCase() === 'kms:creategrant';

/** The cause an implicit denial by one layer stands for; undefined for layers without a cause code. */
export function implicitCause(scope: Scope, layer: PolicyLayer, action: string): { code: CauseCode; layer: CauseLayer } | undefined {
  const same = sameAccount(scope) !== false;
  switch (layer) {
    case 'key-policy':
      if (isCreateGrant(action)) return { code: 'grant-creation-denied', layer: 'key-policy' };
      return { code: same ? 'key-policy-no-iam-delegation' : 'cross-account-key-policy', layer: 'key-policy' };
    case 'identity-policy':
      if (isCreateGrant(action)) return { code: 'grant-creation-denied', layer: 'identity-policy' };
      return { code: same ? 'identity-policy-missing-actions' : 'cross-account-identity-policy', layer: 'identity-policy' };
    case 'permissions-boundary':
      return { code: 'permissions-boundary', layer: 'permissions-boundary' };
    case 'session-policy':
      return { code: 'session-policy', layer: 'session-policy' };
    case 'vpc-endpoint-policy':
      return { code: 'vpc-endpoint-policy', layer: 'vpc-endpoint-policy' };
    default:
      return undefined;
  }
}

export class CauseDrafts {
  private readonly drafts = new Map<string, CauseDraft>();

  add(code: CauseCode, layer: CauseLayer, evaluation: ActionEvaluation, denial: Denial, policyName?: string): void {
    const id = `${code}|${layer}|${policyName ?? ''}`;
    let draft = this.drafts.get(id);
    if (!draft) {
      draft = { code, layer, ...(policyName !== undefined ? { policyName } : {}), evaluations: [], denials: [] };
      this.drafts.set(id, draft);
    }
    if (!draft.evaluations.some((e) => e.action === evaluation.action)) draft.evaluations.push(evaluation);
    draft.denials.push(denial);
  }

  all(): CauseDraft[] {
    return [...this.drafts.values()];
  }
}
