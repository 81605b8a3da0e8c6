// The training course's questions (`kms-doctor train`): before a step's live data, the trainee
// predicts its outcome; the expected answer is read from the same step findings the screens render
// (and the verdict from diagnose()'s first cause), so a prediction is never judged by a second
// evaluator. A step whose finding cannot settle the question (a read that failed, an unknown) asks
// nothing: a trainee is never marked wrong against a guess.
import type { CauseLayer } from './cause.js';
import type { StepFindings } from './step-finding-types.js';

/** The steps that ask a prediction before their data. */
export type PredictionStep = 'keyState' | 'keyPolicy' | 'identityPolicies' | 'verdict';

export interface PredictionChoice {
  readonly value: string;
  readonly label: string;
}

export interface PredictionQuestion {
  readonly step: PredictionStep;
  readonly question: string;
  readonly choices: readonly PredictionChoice[];
  /** The choice the findings support. */
  readonly expected: string;
  /** Shown on request (h), before answering: where to look, never the answer. */
  readonly hint: string;
}

const yesNo: readonly PredictionChoice[] = [
  { value: 'yes', label: 'yes' },
  { value: 'no', label: 'no' },
];

/** The layers a trainee chooses from at the verdict, grouped the way the steps show them. */
export const verdictChoices: readonly PredictionChoice[] = [
  { value: 'key-state', label: "the key's state" },
  { value: 'key-policy', label: 'the key policy' },
  { value: 'identity', label: "the principal's IAM policies (or its permissions boundary)" },
  { value: 'grant', label: 'a grant (or its missing one)' },
  { value: 'organization', label: 'an SCP or RCP of the organization' },
  { value: 'request', label: 'the request itself (Region, encryption context, key identifier)' },
];

/** The verdict choice a cause's layer belongs to. */
export function verdictChoiceOf(layer: CauseLayer): string {
  switch (layer) {
    case 'key-state':
      return 'key-state';
    case 'key-policy':
      return 'key-policy';
    case 'identity-policy':
    case 'permissions-boundary':
    case 'session-policy':
      return 'identity';
    case 'grant':
      return 'grant';
    case 'scp':
    case 'rcp':
    case 'vpc-endpoint-policy':
      return 'organization';
    case 'key-identifier':
    case 'request':
      return 'request';
  }
}

/**
 * The question asked before `step`'s data, with its expected answer from the findings (read by the
 * machine before the prediction is shown), or undefined when the findings cannot settle it.
 * `firstCauseLayer` is the verdict's first cause's layer (undefined when the request is allowed or
 * undetermined: the verdict then asks nothing).
 */
export function predictionFor(step: PredictionStep, findings: StepFindings, firstCauseLayer?: CauseLayer): PredictionQuestion | undefined {
  switch (step) {
    case 'keyState': {
      const usable = findings.keyState?.usable;
      if (usable === undefined) return undefined;
      return {
        step,
        question: 'Will the key be usable for this call (enabled, not pending deletion)?',
        choices: yesNo,
        expected: usable ? 'yes' : 'no',
        hint: 'Look at the error AWS gave: a disabled or pending-deletion key answers DisabledException or KMSInvalidStateException, not AccessDenied.',
      };
    }
    case 'keyPolicy': {
      const policy = findings.keyPolicy;
      if (policy === undefined || !policy.read) return undefined;
      // "Allows" means the key policy lets the request go on: it names the principal or delegates to IAM, and refuses nothing.
      const lets = !policy.denies && (policy.namesPrincipal || policy.delegatesToIam);
      return {
        step,
        question: 'Will the key policy let this principal go on (name it, or delegate to IAM), without a Deny?',
        choices: yesNo,
        expected: lets ? 'yes' : 'no',
        hint: 'A key policy counts IAM policies only through a statement for arn:aws:iam::ACCOUNT:root; look for it, for the principal, and for any Deny.',
      };
    }
    case 'identityPolicies': {
      const identity = findings.identityPolicies;
      if (identity === undefined || !identity.read) return undefined;
      const effects = Object.values(identity.perAction);
      if (effects.length === 0) return undefined;
      return {
        step,
        question: "Will IAM's simulator allow the principal every action this call needs?",
        choices: yesNo,
        expected: effects.every((effect) => effect === 'allows') ? 'yes' : 'no',
        hint: 'Every KMS action the operation needs must be allowed (an S3 write needs kms:GenerateDataKey, not only kms:Encrypt), and a permissions boundary caps what the policies give.',
      };
    }
    case 'verdict': {
      if (firstCauseLayer === undefined) return undefined;
      return {
        step,
        question: 'Which layer says no?',
        choices: verdictChoices,
        expected: verdictChoiceOf(firstCauseLayer),
        hint: "Go over the steps you saw: the first one that refused decides; a key that cannot be used refuses before any policy is read.",
      };
    }
  }
}

/** A trainee's answer judged: right or not, and the expected choice's label to show why. */
export function judgePrediction(question: PredictionQuestion, answer: string): { readonly right: boolean; readonly expectedLabel: string } {
  const expected = question.choices.find((choice) => choice.value === question.expected);
  return { right: answer === question.expected, expectedLabel: expected?.label ?? question.expected };
}
