// The wizard's question for a condition key kms-doctor cannot read (aws:SourceIp, aws:SourceVpce, MFA…):
// when the verdict hangs on one, the user is asked for the value the real request carries, and the
// diagnosis runs again with it, as `check --context KEY=VALUE` would. The engine decides whether there
// is a question and what a usable answer is; the machine only routes. Pure.
import type { Diagnosis, UnknownCondition } from './cause.js';
import type { DiagnosisRequest } from './facts.js';

export type ContextQuestion = UnknownCondition;

/**
 * The condition key to ask about: the first condition-unknown cause's, when the verdict is not decided
 * without it, its value was not given, and the user has not already declined to give it.
 */
export function contextQuestionFor(diagnosis: Diagnosis, request: DiagnosisRequest, declined: readonly string[] = []): ContextQuestion | undefined {
  if (diagnosis.verdict !== 'unknown') return undefined;
  const given = Object.keys(request.givenContext ?? {}).map((k) => k.toLowerCase());
  const skipped = declined.map((k) => k.toLowerCase());
  for (const cause of diagnosis.causes) {
    const question = cause.code === 'condition-unknown' ? cause.unknownCondition : undefined;
    if (question && !given.includes(question.key.toLowerCase()) && !skipped.includes(question.key.toLowerCase())) return question;
  }
  return undefined;
}

/** The request with the answer as a given context value (like --context KEY=VALUE); blank answers give nothing. */
export function withContextAnswer(request: DiagnosisRequest, key: string, answer: string): DiagnosisRequest {
  const value = answer.trim();
  if (value === '') return request;
  return { ...request, givenContext: { ...request.givenContext, [key]: value } };
}
