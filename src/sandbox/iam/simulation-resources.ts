// What the simulator needs to know about an action: whether it exists, the ARN template of the
// resource it acts on (the top-level EvalResourceName of an EvaluationResult is that template, per the
// current IAM API reference), and a concrete stand-in resource for simulating it on "*". The evaluator
// wants one concrete resource of the right type, so "*" becomes an ARN of that type with a made-up
// name, which only Resource patterns covering any resource of the type match; actions that only work
// on "*" keep it.
import { describeAction } from '../../engine/policy-evaluation.js';
import { invalidInputError } from './iam-common.js';

export interface ActionFacts {
  /** The action as the request named it (EvalActionName echoes it). */
  readonly requested: string;
  /** The action as the catalogue spells it, e.g. kms:Decrypt for kms:decrypt. */
  readonly action: string;
  /** ARN template of the action's resource type, or "*" when it acts on no resource type. */
  readonly resourceTemplate: string;
  /** True when the action can only be granted on "*". */
  readonly wildcardOnly: boolean;
}

const standInName = 'kms-doctor-any-resource';

export async function actionFacts(action: string): Promise<ActionFacts> {
  const described = await describeAction(action);
  if (!described) throw invalidInputError(`Action ${action} is not a known AWS action.`);
  return { requested: action, ...described };
}

/** The resource to evaluate for a requested resource ARN (only "*" is replaced). */
export function evaluatedResource(facts: ActionFacts, resourceArn: string, region: string, accountId: string): string {
  if (resourceArn !== '*' || facts.wildcardOnly) return resourceArn;
  return facts.resourceTemplate.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
    switch (variable) {
      case 'Partition':
        return 'aws';
      case 'Region':
        return region;
      case 'Account':
        return accountId;
      default:
        return standInName;
    }
  });
}
