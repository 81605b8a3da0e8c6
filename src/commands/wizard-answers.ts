// The wizard's answers as a request's options, parsed exactly as `check` parses its flags (the live
// wiring takes them already parsed: it parses nothing itself).
import type { StartAnswers } from '../../machines/wizard-types.js';
import type { RequestOptions } from '../live/run-diagnosis.js';
import { checkOptionsOf } from './check-args.js';

/** The answers (and the wizard's `--context KEY=VALUE` flags) as options; a wrong one is a UsageError. */
export function requestOptionsOfAnswers(answers: StartAnswers, givenContext: readonly string[]): RequestOptions {
  return checkOptionsOf({
    ...(answers.key !== undefined ? { key: answers.key } : {}),
    ...(answers.operation !== undefined ? { operation: answers.operation } : {}),
    ...(answers.principal ? { principal: answers.principal } : {}),
    ...(answers.encryptionContext !== undefined ? { 'encryption-context': answers.encryptionContext } : {}),
    ...(givenContext.length > 0 ? { context: [...givenContext] } : {}),
  });
}
