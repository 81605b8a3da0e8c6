// `kms-doctor sandbox`: runs the local AWS endpoint in the foreground. The first stdout line is exactly
// `endpoint: http://HOST:PORT` (scripts read it); human guidance follows; the request log goes to stderr.
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.js';
import { DirectoryError, ensurePrivateDirectory, filesystemReason } from './private-files.js';
import { writeProfiles } from './profiles.js';
import { builtInScenarios, loadScenario } from './scenario.js';
import { startSandboxServer, type RunningSandbox } from './server.js';
import type { SandboxState } from './state.js';
import { readStateFile, removeStaleStateTemporaryFiles, StateFileError, writeStateFileAtomically } from './state-file.js';
import { trainingCallGuidance } from './training-command.js';
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
  --config-dir DIR      where to write the AWS config and credentials files (default: a new temp dir,
                        removed on exit unless --state keeps the credentials valid)
  --quiet               no request log on stderr`;

export interface SandboxOptions {
  readonly scenario: string;
  /** Whether --scenario was given (not the default): resuming --state then ignores it, with a notice. */
  readonly scenarioGiven?: boolean;
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
    scenarioGiven: values.scenario !== undefined,
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
  /** One-line notices for stderr (e.g. that --scenario was ignored because --state was resumed). */
  readonly notices: readonly string[];
  /** Stops the endpoint and removes the temporary config directory, if the sandbox created one. */
  close(): Promise<void>;
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(bare) || /^::ffff:127\./.test(bare);
  return false;
}

/** The warning printed when --host is not loopback. */
export function nonLoopbackWarning(host: string): string {
  return `warning: --host ${host} is not a loopback address: the sandbox endpoint, and everything its admin credentials can do there, is reachable from the network (use --host 127.0.0.1 unless you mean it)`;
}

/**
 * Checks the paths the sandbox will write before anything starts, so that a bad one is a one-line
 * usage error (exit 2), never a raw ENOTDIR/EEXIST or a server left running. Creates --config-dir.
 */
function checkSandboxPaths(options: SandboxOptions): void {
  if (options.statePath !== undefined) {
    const path = options.statePath;
    const directory = dirname(path);
    let directoryStats;
    try {
      directoryStats = statSync(directory);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'ENOENT'
          ? `--state ${path}: the directory ${directory} does not exist`
          : code === 'ENOTDIR'
            ? `--state ${path}: ${directory} is not a directory`
            : `--state ${path}: cannot use ${directory} (${filesystemReason(error)})`,
      );
    }
    if (!directoryStats.isDirectory()) throw new UsageError(`--state ${path}: ${directory} is not a directory`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--state ${path} is a directory; name a file in it`);
    try {
      accessSync(directory, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new UsageError(`--state ${path}: cannot write in ${directory} (${filesystemReason(error)})`);
    }
  }
  if (options.configDir !== undefined) {
    try {
      ensurePrivateDirectory(options.configDir);
      accessSync(options.configDir, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new UsageError(
        `--config-dir ${error instanceof DirectoryError ? error.message : `${options.configDir}: cannot write in it (${filesystemReason(error)})`}`,
      );
    }
  }
}

/** Loads (or resumes) the state, starts the endpoint and writes the profiles. Used by the command and by tests. */
export async function startSandbox(options: SandboxOptions, log?: (line: string) => void): Promise<StartedSandbox> {
  checkSandboxPaths(options);
  const notices: string[] = [];
  if (options.statePath) removeStaleStateTemporaryFiles(options.statePath);
  const resumed = options.statePath ? await readStateFile(options.statePath) : undefined;
  if (resumed && options.scenarioGiven) {
    notices.push(
      `note: resuming the state saved in ${options.statePath} (scenario ${resumed.scenarioName}); --scenario ${options.scenario} is ignored (delete the file to start it afresh)`,
    );
  }
  const state: SandboxState = resumed ?? (await loadScenario(options.scenario));
  const persist = options.statePath ? (next: SandboxState) => writeStateFileAtomically(options.statePath!, next) : undefined;
  if (persist && !resumed) {
    try {
      persist(state);
    } catch (error) {
      throw new StateFileError(`${options.statePath}: cannot write the state file (${filesystemReason(error)})`);
    }
  }
  const world = new SandboxWorld(state, persist);
  const running = await startSandboxServer({
    world,
    host: options.host,
    port: options.port,
    latencyMs: options.latencyMs,
    ...(log ? { log } : {}),
  });
  // A temporary config dir of our own is removed on exit, unless --state keeps its credentials valid.
  const temporaryConfigDir = options.configDir === undefined && options.statePath === undefined;
  let configDir: string;
  let profiles;
  try {
    configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'kms-doctor-sandbox-'));
  } catch (error) {
    await running.close();
    throw error;
  }
  const removeTemporaryConfigDir = () => {
    if (temporaryConfigDir) rmSync(configDir, { recursive: true, force: true });
  };
  try {
    profiles = writeProfiles(state, configDir, running.endpoint);
  } catch (error) {
    await running.close();
    removeTemporaryConfigDir();
    throw new UsageError(
      `${options.configDir !== undefined ? '--config-dir ' : ''}${error instanceof DirectoryError ? error.message : `${configDir}: cannot write the AWS profiles (${filesystemReason(error)})`}`,
    );
  }
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
    lines.push('', `training: ${t.title}`, `  ${t.description}`, ...trainingCallGuidance(state, t, running.endpoint), `  goal: ${t.goal}`);
  }
  lines.push('', 'Ctrl-C stops the sandbox.');
  let closed: Promise<void> | undefined;
  return {
    running,
    world,
    configFile: profiles.configFile,
    credentialsFile: profiles.credentialsFile,
    guidance: lines.join('\n'),
    notices,
    close: () =>
      (closed ??= running.close().then(() => {
        removeTemporaryConfigDir();
      })),
  };
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
  // Even with --quiet: exposing the endpoint is worth a line.
  if (!isLoopbackHost(options.host)) process.stderr.write(`kms-doctor: ${nonLoopbackWarning(options.host)}\n`);
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`[sandbox] ${line}\n`);
  // Listening for Ctrl-C / SIGTERM before anything starts: a signal that arrives as soon as the endpoint
  // line is out (a script that read it) still shuts down cleanly and removes the temporary files.
  const stopRequested = new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const sandbox = await startSandbox(options, log);
  for (const notice of sandbox.notices) process.stderr.write(`kms-doctor: ${notice}\n`);
  process.stdout.write(`endpoint: ${sandbox.running.endpoint}\n${sandbox.guidance}\n`);
  await stopRequested;
  await sandbox.close();
  return 0;
}
