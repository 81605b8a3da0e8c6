// The error a training call gets, as the aws CLI prints it, for the scenarios whose cause is known only
// from that error: InvalidCiphertextException and IncorrectKeyException say nothing a policy or key read
// shows (the context or key the data was encrypted with is inside the ciphertext). The wizard's training
// passes the live error it got; check takes it with --error, as a user pastes it.
import { parseKmsError, type ParsedError } from '../../src/engine/error-message-parser.js';
import { incorrectKey, invalidCiphertext } from '../../src/sandbox/kms/crypto-common.js';
import type { TrainingState } from '../../src/sandbox/state.js';

const errorsLearntFromTheMessage: Readonly<Record<string, () => { code: string; message: string }>> = {
  InvalidCiphertextException: invalidCiphertext,
  IncorrectKeyException: incorrectKey,
};

/** "An error occurred (Code) when calling the Op operation: message", for a scenario whose error is its only clue. */
export function trainingErrorText(training: TrainingState): string | undefined {
  const error = errorsLearntFromTheMessage[training.expectedError]?.();
  return error && `An error occurred (${error.code}) when calling the ${training.call.operation} operation: ${error.message}`;
}

export function trainingReportedError(training: TrainingState): ParsedError | undefined {
  const text = trainingErrorText(training);
  return text === undefined ? undefined : parseKmsError(text);
}
