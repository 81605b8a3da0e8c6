// `kms-doctor sandbox`: runs the local AWS endpoint in the foreground. The first stdout line is exactly
// `endpoint: http://HOST:PORT` (scripts read it); human guidance follows; the request log goes to stderr.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.js';
import { writeProfiles } from './profiles.js';
import { builtInScenarios, loadScenario } from './scenario.js';
import { startSandboxServer, type RunningSandbox } from './server.js';
import type { SandboxState } from './state.js';
import { readStateFile, writeStateFileAtomically } from './state-file.js';
import { shellQuote, trainingCallArgs, trainingCallEndpoint } from './training-command.js';
import { SandboxWorld } from './world.js';

export const defaultSandboxPort = 4599;
export const defaultScenario = 'blank';

export const sandboxUsage = `Usage: kms-doctor sandbox [--scenario NAME|PATH] [--port N] [--host 127.0.0.1] [--state FILE]
                         [--latency MS] [--config-dir DIR] [--quiet]

Runs a local AWS endpoint for KMS, IAM and STS, loaded with a training scenario.
  --scenario NAME|PATH  built-in scenario name or scenario file (default: ${defaultScenario});
                        without a value, lists the built-in scenarios
  --port N              port to listen on (default ${defaultSandboxPort}; 0 picks a free port)
  --host HOST           address to bind (default 127.0.0.1, loopback only)
  --state FILE          resume from FILE if it exists; save the whole state to it after every change
  --latency MS          delay every response by MS milliseconds (models real AWS round trips)
  --config-dir DIR      where to write the AWS config and credentials files (default: a new temp dir)
  --quiet               no request log on stderr`;

export interface SandboxOptions {
  readonly scenario: string;
  readonly port: number;
  readonly host: string;
  readonly statePath?: string;
  readonly latencyMs: number;
  readonly configDir?: string;
  readonly quiet: boolean;
}

function parseNonNegativeInteger(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > max) throw new UsageError(`${flag} must be a whole number from 0 to ${max}, got '${value}'`);
  return number;
}

/** Parses the sandbox's flags; `list-scenarios` when --scenario came without a value. */
export function parseSandboxArgs(args: readonly string[]): SandboxOptions | 'list-scenarios' | 'help' {
  const scenarioIndex = args.indexOf('--scenario');
  if (scenarioIndex !== -1 && (scenarioIndex === args.length - 1 || args[scenarioIndex + 1]!.startsWith('--'))) {
    return 'list-scenarios';
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        scenario: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        state: { type: 'string' },
        latency: { type: 'string' },
        'config-dir': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  return {
    scenario: values.scenario ?? defaultScenario,
    port: parseNonNegativeInteger('--port', values.port, defaultSandboxPort, 65535),
    host: values.host ?? '127.0.0.1',
    latencyMs: parseNonNegativeInteger('--latency', values.latency, 0, 60_000),
    quiet: values.quiet ?? false,
    ...(values.state !== undefined ? { statePath: resolve(values.state) } : {}),
    ...(values['config-dir'] !== undefined ? { configDir: resolve(values['config-dir']) } : {}),
  };
}

export function scenarioList(): string {
  const scenarios = builtInScenarios();
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return ['Built-in scenarios (kms-doctor sandbox --scenario NAME):', ...scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`)].join('\n');
}

export interface StartedSandbox {
  readonly running: RunningSandbox;
  readonly world: SandboxWorld;
  readonly configFile: string;
  readonly credentialsFile: string;
  readonly guidance: string;
}

/** Loads (or resumes) the state, starts the endpoint and writes the profiles. Used by the command and by tests. */
export async function startSandbox(options: SandboxOptions, log?: (line: string) => void): Promise<StartedSandbox> {
  const resumed = options.statePath ? readStateFile(options.statePath) : undefined;
  const state: SandboxState = resumed ?? (await loadScenario(options.scenario));
  const persist = options.statePath ? (next: SandboxState) => writeStateFileAtomically(options.statePath!, next) : undefined;
  if (persist && !resumed) persist(state);
  const world = new SandboxWorld(state, persist);
  const running = await startSandboxServer({
    world,
    host: options.host,
    port: options.port,
    latencyMs: options.latencyMs,
    ...(log ? { log } : {}),
  });
  const configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'kms-doctor-sandbox-'));
  const profiles = writeProfiles(state, configDir, running.endpoint);
  const firstUser = profiles.profiles.find((p) => p.kind === 'user');
  const lines = [
    `scenario: ${state.scenarioName}${resumed ? ` (resumed from ${options.statePath})` : ''}`,
    `profiles: ${profiles.profiles.map((p) => `${p.name} (${p.kind})`).join(', ')}`,
    '',
    'Use them from another terminal:',
    `  export AWS_CONFIG_FILE=${profiles.configFile}`,
    `  export AWS_SHARED_CREDENTIALS_FILE=${profiles.credentialsFile}`,
    `  export AWS_ENDPOINT_URL=${running.endpoint}`,
    ...(firstUser ? [`  aws --endpoint-url ${running.endpoint} --profile ${firstUser.name} kms list-keys`] : []),
    '',
    'Role profiles assume their role through the sandbox\'s STS (SDKs and aws CLI 2.13+ read endpoint_url from the profile).',
    `Older aws CLIs: aws --endpoint-url ${running.endpoint} --profile SOURCE sts assume-role --role-arn ARN --role-session-name s1`,
  ];
  if (state.training) {
    const t = state.training;
    const command = ['aws', '--endpoint-url', trainingCallEndpoint(t.call, running.endpoint), '--profile', t.principal, ...trainingCallArgs(t.call)];
    lines.push(
      '',
      `training: ${t.title}`,
      `  ${t.description}`,
      `  in trouble: ${t.principal}; this fails with ${t.expectedError}:`,
      `    ${command.map(shellQuote).join(' ')}`,
      `  goal: ${t.goal}`,
    );
  }
  lines.push('', 'Ctrl-C stops the sandbox.');
  return { running, world, configFile: profiles.configFile, credentialsFile: profiles.credentialsFile, guidance: lines.join('\n') };
}

export async function runSandboxCommand(args: readonly string[]): Promise<number> {
  const options = parseSandboxArgs(args);
  if (options === 'help') {
    process.stdout.write(sandboxUsage + '\n');
    return 0;
  }
  if (options === 'list-scenarios') {
    process.stdout.write(scenarioList() + '\n');
    return 0;
  }
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`[sandbox] ${line}\n`);
  const sandbox = await startSandbox(options, log);
  process.stdout.write(`endpoint: ${sandbox.running.endpoint}\n${sandbox.guidance}\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.running.close();
  return 0;
}
