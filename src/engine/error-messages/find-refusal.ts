// Finding the refusal itself in the paste, by how specific its wording is.
import type { KmsErrorKind } from './parsed-error.js';
import { optional, withoutNamespace } from './arn-helpers.js';
import { OBSCURED_REASON, readDenialSentence, type DenialSentence } from './authorization-sentences.js';
import {
  ALIAS_NOT_FOUND,
  CLASSIC_DENIAL,
  INCORRECT_KEY,
  INVALID_ARN,
  INVALID_CIPHERTEXT,
  KEY_DOES_NOT_EXIST,
  KEY_STATE,
  KIND_OF_CODE,
  KIND_OF_KEY_STATE,
  KMS_ONLY_CODES,
} from './key-state-messages.js';
import { KMS_OPERATIONS } from './kms-operations.js';
import { attributedToKms, type Context } from './sdk-envelopes.js';
import { DYNAMODB_KMS, LAMBDA_ENVIRONMENT, SECRETS_MANAGER_KMS } from './service-wrappers.js';

export interface Finding {
  readonly kind: KmsErrorKind;
  /** Where the refusal starts, to find the code and the CLI clause that frame it. */
  readonly index: number;
  readonly sentence?: DenialSentence;
  readonly keyText?: string;
  /** The exception named in the refusal itself (DisabledException: <arn> is disabled). */
  readonly namedCode?: string;
  readonly obscured?: boolean;
}

/** The refusal the paste reports, by how specific its wording is: a key state, an IAM sentence, then vaguer forms. */
export function findRefusal(text: string, context: Context): Finding | undefined {
  const state = KEY_STATE.exec(text);
  if (state?.[2] !== undefined && state[3] !== undefined) {
    return {
      kind: KIND_OF_KEY_STATE[state[3].toLowerCase()] ?? 'other',
      index: state.index,
      keyText: state[2],
      ...optional('namedCode', state[1] === undefined ? undefined : withoutNamespace(state[1])),
    };
  }
  const sentence = readDenialSentence(text);
  if (sentence !== undefined) return { kind: 'access-denied', index: sentence.index, sentence: sentence.sentence };

  const classic = CLASSIC_DENIAL.exec(text);
  if (classic !== null) return { kind: 'ciphertext-key-unknown', index: classic.index, obscured: true };

  const notFound = KEY_DOES_NOT_EXIST.exec(text) ?? ALIAS_NOT_FOUND.exec(text);
  if (notFound?.[1] !== undefined) return { kind: 'key-not-found', index: notFound.index, keyText: notFound[1] };
  const invalidArn = INVALID_ARN.exec(text);
  if (invalidArn !== null && (/\bNotFoundException\b/.test(text) || attributedToKms(context))) {
    return { kind: 'key-not-found', index: invalidArn.index };
  }

  const incorrectKey = INCORRECT_KEY.exec(text);
  if (incorrectKey !== null) return { kind: 'incorrect-key', index: incorrectKey.index };
  const invalidCiphertext = INVALID_CIPHERTEXT.exec(text);
  if (invalidCiphertext !== null) return { kind: 'invalid-ciphertext', index: invalidCiphertext.index };

  const obscured = OBSCURED_REASON.exec(text);
  if (obscured !== null) return { kind: 'access-denied', index: obscured.index, obscured: true };

  const kmsCode = KMS_ONLY_CODES.exec(text);
  if (kmsCode?.[1] !== undefined) {
    return { kind: KIND_OF_CODE.get(kmsCode[1]) ?? 'other', index: kmsCode.index, namedCode: kmsCode[1] };
  }
  for (const phrase of [LAMBDA_ENVIRONMENT, SECRETS_MANAGER_KMS, DYNAMODB_KMS]) {
    const wrapper = phrase.exec(text);
    if (wrapper !== null) return { kind: 'access-denied', index: wrapper.index };
  }
  return codeReportedForKms(context);
}

/** The bare code a KMS call (or a service quoting KMS) returned, when the message itself says nothing we read. */
export function codeReportedForKms(context: Context): Finding | undefined {
  const kmsCli = context.cliClauses.find((clause) => KMS_OPERATIONS.has(clause.operation));
  const code = context.kmsClauseCode ?? context.lambdaKmsCode ?? kmsCli?.code;
  if (code === undefined) return undefined;
  const kind = KIND_OF_CODE.get(code);
  return kind === undefined ? undefined : { kind, index: kmsCli?.index ?? 0 };
}
