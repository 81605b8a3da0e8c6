// A server program in a process of its own (the sandbox as users run it: `kms-doctor sandbox`), for the
// benchmarks: the client's measured time must not include the server's CPU, as AWS's is not in the
// client's process either.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildServer {
  readonly child: ChildProcess;
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts a process and waits for `endpoint: URL` as its first stdout line. */
export function startChildServer(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    // SIGTERM: the sandbox shuts down cleanly (and node writes a --cpu-prof profile on a clean exit).
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const first = /^endpoint: (http:\/\/\S+)\n/.exec(output);
      if (first) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ child, endpoint: first[1]!, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before it served:\n${output}`)));
  });
}

