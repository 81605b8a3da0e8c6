// The error a training call gets, as the aws CLI prints it, for the scenarios whose cause is known only
// from that error: InvalidCiphertextException and IncorrectKeyException say nothing a policy or key read
// shows (the context or key the data was encrypted with is inside the ciphertext), and an AccessDenied
// while a grant that allows the call is still propagating is the only sign the grant is not in effect yet.
// The wizard's training passes the live error it got; check takes it with --error, as a user pastes it.
import { parseKmsError, type ParsedError } from '../../src/engine/error-message-parser.js';
import { incorrectKey, invalidCiphertext } from '../../src/sandbox/kms/crypto-common.js';
import type { SandboxState, TrainingState } from '../../src/sandbox/state.js';

const ciphertextErrors: Readonly<Record<string, () => { code: string; message: string }>> = {
  InvalidCiphertextException: invalidCiphertext,
  IncorrectKeyException: incorrectKey,
};

/** The principal's ARN and a grant naming it that is not in effect yet (a scenario's notEffectiveForSeconds). */
function pendingGrant(state: SandboxState, training: TrainingState): { principalArn: string; keyArn: string } | undefined {
  const principal = Object.values(state.accounts).map((a) => a.users[training.principal] ?? a.roles[training.principal]).find((p) => p !== undefined);
  if (!principal) return undefined;
  for (const key of Object.values(state.keys)) {
    const grant = key.grants.find((g) => g.granteePrincipal === principal.arn && g.effectiveAt !== undefined && Date.parse(g.effectiveAt) > Date.now());
    if (grant) return { principalArn: principal.arn, keyArn: key.arn };
  }
  return undefined;
}

/** "An error occurred (Code) when calling the Op operation: message", for a scenario whose error is its only clue. */
export function trainingErrorText(state: SandboxState, training: TrainingState): string | undefined {
  const prefix = `An error occurred (${training.expectedError}) when calling the ${training.call.operation} operation: `;
  const ciphertextError = ciphertextErrors[training.expectedError]?.();
  if (ciphertextError) return prefix + ciphertextError.message;
  const pending = training.expectedError === 'AccessDeniedException' ? pendingGrant(state, training) : undefined;
  // AWS's shortest form, which names no layer: the grant the call waits for is in none of them.
  return pending && `${prefix}User: ${pending.principalArn} is not authorized to perform: kms:${training.call.operation} on resource: ${pending.keyArn}`;
}

export function trainingReportedError(state: SandboxState, training: TrainingState): ParsedError | undefined {
  const text = trainingErrorText(state, training);
  return text === undefined ? undefined : parseKmsError(text);
}
