// How `check` and `fix` report a diagnosis that stopped: one line and an exit code (pure).
import type { DiagnosisStopped } from '../live/run-diagnosis.js';

/**
 * How `check` and `fix` report a stopped diagnosis: one line and an exit code. No credentials, or a
 * --principal that does not exist, are input problems (exit 2); an endpoint that is not AWS and anything
 * else that stopped the diagnosis mean it could not be determined (exit 3).
 */
export function stoppedReport(error: DiagnosisStopped): { readonly message: string; readonly exitCode: 2 | 3 } {
  switch (error.kind) {
    case 'credentials':
    case 'principal-not-found':
      return { message: error.message, exitCode: 2 };
    case 'non-aws':
      return { message: error.message, exitCode: 3 };
    default:
      return { message: `could not finish the diagnosis (${error.step}): ${error.message}`, exitCode: 3 };
  }
}
