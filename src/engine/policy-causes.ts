// From the evaluation module's denials to causes a newcomer can act on: which layer refused, named with
// the cause codes of cause.ts, with the statements, values and decisions that prove it. One cause per
// code and layer (and policy, for explicit denies) lists every action it refuses.
import type { Cause } from './cause.js';
import type { Scope, Subject } from './diagnosis-scope.js';
import {
  boundaryCause,
  crossAccountIdentityCause,
  crossAccountKeyPolicyCause,
  explicitDenyCause,
  grantCreationCause,
  missingActionsCause,
  noDelegationCause,
  organizationCause,
  sessionCause,
  vpcEndpointCause,
} from './policy-causes/cause-builders.js';
import type { CauseDraft } from './policy-causes/cause-drafts.js';

export { CauseDrafts, causeLayerOf, implicitCause, type CauseDraft } from './policy-causes/cause-drafts.js';

export function causeFromDraft(scope: Scope, subject: Subject, draft: CauseDraft): Cause {
  const actions = scope.actions.filter((a) => draft.evaluations.some((e) => e.action === a));
  switch (draft.code) {
    case 'explicit-deny':
      return explicitDenyCause(scope, draft, actions);
    case 'key-policy-no-iam-delegation':
      return noDelegationCause(scope, subject, draft, actions);
    case 'cross-account-key-policy':
      return crossAccountKeyPolicyCause(scope, subject, draft, actions);
    case 'identity-policy-missing-actions':
      return missingActionsCause(scope, subject, draft, actions);
    case 'cross-account-identity-policy':
      return crossAccountIdentityCause(scope, subject, draft, actions);
    case 'grant-creation-denied':
      return grantCreationCause(scope, subject, draft, actions);
    case 'permissions-boundary':
      return boundaryCause(scope, subject, actions);
    case 'session-policy':
      return sessionCause(scope, subject, actions);
    case 'vpc-endpoint-policy':
      return vpcEndpointCause(scope, subject, actions);
    case 'scp':
    case 'rcp':
      return organizationCause(scope, subject, draft, actions);
    default:
      throw new Error(`no policy cause is built for ${draft.code}`);
  }
}
