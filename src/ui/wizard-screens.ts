// Which screen shows a machine state, and how keys work there. Pure: the app and the tests share it.
import type { StateValue } from 'xstate';

export type ScreenId =
  | 'start'
  | 'identify'
  | 'account'
  | 'keyState'
  | 'keyPolicy'
  | 'iam'
  | 'grants'
  | 'contextQuestion'
  | 'verdict'
  | 'fixReview'
  | 'confirm'
  | 'applying'
  | 'finished'
  | 'failed'
  /** The training course: the trainee's prediction before a step's data. */
  | 'predict';

/** text: a text field has the keys; list: a menu has the arrows and Enter; screen: Enter, Esc, q, ? are ours. */
export type InputMode = 'text' | 'list' | 'screen';

export interface ScreenInfo {
  readonly id: ScreenId;
  /** The state inside the group (a start question, a final outcome, loading or review). */
  readonly part: string;
  readonly mode: InputMode;
  readonly loading: boolean;
  /** Position among the diagnosis steps, for the header. */
  readonly step?: number;
}

/** The diagnosis steps as the header counts them. */
export const stepTitles = ['Who and which key', 'Account boundary', 'Key state', 'Key policy', 'IAM policies', 'Grants', 'Verdict', 'The fix'] as const;

const startModes: Record<string, InputMode> = {
  choose: 'list',
  operation: 'list',
  scenario: 'list',
  pasteError: 'text',
  'cloudTrail.list': 'list',
  key: 'text',
  principal: 'text',
};

function split(value: StateValue): [string, string] {
  if (typeof value === 'string') return [value, ''];
  const [top, inner] = Object.entries(value)[0] ?? ['', ''];
  return [top, typeof inner === 'string' ? inner : split(inner as StateValue).join('.').replace(/\.$/, '')];
}

export function screenOf(value: StateValue): ScreenInfo {
  const [top, part] = split(value);
  const screen = (id: ScreenId, step: number | undefined, mode: InputMode = 'screen'): ScreenInfo => ({
    id,
    part,
    mode,
    loading: part === 'loading' || part === 'concluding' || part === 'planning' || top === 'evaluating' || part === 'preparing',
    ...(step !== undefined ? { step } : {}),
  });
  // The training course's predictions: part names the step asked about (a PredictionStep).
  const predict = (step: number, about: string): ScreenInfo => ({ ...screen('predict', step, 'list'), part: about });
  if (part === 'predict' && top === 'keyState') return predict(3, 'keyState');
  if (part === 'predict' && top === 'keyPolicy') return predict(4, 'keyPolicy');
  if (part === 'predict' && top === 'identityPolicies') return predict(5, 'identityPolicies');
  if (top === 'predictVerdict') return predict(7, 'verdict');
  switch (top) {
    case 'whatFailed':
      return screen('start', undefined, startModes[part] ?? 'screen');
    case 'identify':
      return screen('identify', 1);
    case 'accountBoundary':
      return screen('account', 2);
    case 'keyState':
      return screen('keyState', 3);
    case 'keyPolicy':
      return screen('keyPolicy', 4);
    case 'identityPolicies':
      return screen('iam', 5);
    case 'grants':
      return screen('grants', 6);
    case 'askContext':
      return screen('contextQuestion', 7, 'text');
    case 'evaluating':
    case 'verdict':
    case 'allowed':
    case 'denied':
    case 'undetermined':
      return { ...screen('verdict', 7), part: top === 'denied' ? `denied.${part}` : top };
    case 'failed':
      return screen('failed', undefined);
    case 'remedy':
      if (part === 'confirm') return screen('confirm', 8, 'text');
      if (part === 'applying') return screen('applying', 8);
      if (part.startsWith('finished') || part === 'applyFailed') return { ...screen('finished', 8), part: part.replace(/^finished\./, '') };
      return screen('fixReview', 8);
    default:
      return screen('start', undefined);
  }
}
