// Runs `kms-doctor sandbox` as a real child process, the way a trainee or a script does, and reads
// its endpoint from the first stdout line.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundlePath } from './bundle.js';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface SandboxProcess {
  readonly child: ChildProcess;
  readonly endpoint: string;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/** Runs the kms-doctor CLI: the bundle the global setup built (what `npm run build` ships), not tsx. */
export function spawnKmsDoctor(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [bundlePath, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function startSandboxProcess(args: readonly string[]): Promise<SandboxProcess> {
  const child = spawnKmsDoctor(['sandbox', '--port', '0', ...args]);
  let output = '';
  let stdout = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      stdout += chunk.toString('utf8');
      // The first stdout line; warnings and notices may come before it on stderr.
      const first = /^endpoint: (http:\/\/\S+)\n/.exec(stdout);
      if (first) {
        clearTimeout(timer);
        resolve(first[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code}) before starting:\n${output}`));
    });
  });
  // Keep collecting after start-up.
  child.stdout!.removeAllListeners('data');
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return { child, endpoint, output: () => output, exited };
}

/**
 * Runs the CLI to completion and returns what it printed. With `timeoutMs`, a run that has not ended by
 * then is killed and reported with exitCode -1 (a hang is a failure, not a stuck test).
 */
export function runKmsDoctor(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  { timeoutMs }: { timeoutMs?: number } = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = spawnKmsDoctor(args, env);
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: timedOut ? -1 : (code ?? 1), stdout, stderr });
    }),
  );
}
