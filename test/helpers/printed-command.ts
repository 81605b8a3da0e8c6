// Runs an aws command kms-doctor printed, exactly as printed, the way a user pastes it into a shell: bash,
// the real aws CLI, and nothing else that could say which profile, Region or endpoint to use (only PATH,
// HOME and the sandbox's two profile files, which have no default profile).
import { execFile } from 'node:child_process';
import type { TestSandbox } from './sandbox.js';

export interface PrintedCommandRun {
  readonly code: number;
  readonly stderr: string;
}

export function runAsPrinted(target: TestSandbox, command: string, cwd: string, home: string): Promise<PrintedCommandRun> {
  const env = { PATH: '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: target.configFile, AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile, AWS_PAGER: '' };
  return new Promise((resolve) =>
    execFile('bash', ['-c', command], { cwd, env, timeout: 60_000 }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr })),
  );
}
