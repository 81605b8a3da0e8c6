// Starts a real sandbox (HTTP on a free loopback port) for a test, with its AWS profile files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type StartedSandbox } from '../../src/sandbox/command.js';

export interface TestSandbox extends StartedSandbox {
  readonly endpoint: string;
  readonly configDir: string;
  stop(): Promise<void>;
}

export async function startTestSandbox(scenario: string, options: { statePath?: string; latencyMs?: number } = {}): Promise<TestSandbox> {
  const configDir = mkdtempSync(join(tmpdir(), 'kms-doctor-test-'));
  const started = await startSandbox({
    scenario,
    port: 0,
    host: '127.0.0.1',
    latencyMs: options.latencyMs ?? 0,
    quiet: true,
    configDir,
    ...(options.statePath ? { statePath: options.statePath } : {}),
  });
  return {
    ...started,
    endpoint: started.running.endpoint,
    configDir,
    async stop() {
      await started.running.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** The long-term access key of a sandbox user, as the SDK takes it. */
export function userCredentials(sandbox: StartedSandbox, userName: string, accountId?: string): { accessKeyId: string; secretAccessKey: string } {
  const credential = Object.values(sandbox.world.state.credentials).find(
    (c) => c.kind === 'long-term' && c.userName === userName && (accountId === undefined || c.accountId === accountId),
  );
  if (!credential) throw new Error(`no access key for user ${userName} in the sandbox`);
  return { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey };
}
