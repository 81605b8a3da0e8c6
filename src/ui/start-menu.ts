// The start screen's text when there are credentials (how to begin): pure and free of Ink, so the Ink
// screen (screens/start-screen.tsx) and the plain first frame (plain-start-frame.ts) say the same.
import type { StartMode } from '../../machines/wizard-types.js';
import type { Choice } from './components/choice-list.js';

export const startTitle = 'How do you want to start?';

export const startIntro = 'kms-doctor finds out which layer refused the call (key state, key policy, IAM, grants) and fixes it.';

export const startNeedsCredentials = 'No AWS credentials were found: the first two need them.';

export const startChoices: readonly Choice<StartMode>[] = [
  { label: 'Paste the error message AWS gave you', value: 'error' },
  { label: 'Choose the operation that failed (S3 upload, EBS, Lambda, a KMS call…)', value: 'operation' },
  { label: 'Open a training scenario on the embedded sandbox (changes nothing real)', value: 'training' },
  { label: 'Pick the failure from CloudTrail (refused KMS calls of the last 24 hours)', value: 'cloudtrail' },
];

export const startKeysLine = '↑↓ choose · Enter select · ? help · q quit';
