// Runs the real aws CLI (Debian's /usr/bin/aws) against a sandbox, with nothing from the developer's
// own AWS setup leaking in: a private HOME, the sandbox's config files, and no AWS_* variables.
//
// Starting Python and importing awscli is most of a command's cost (~0.3 s of CPU of ~0.5 s), and the
// suite runs hundreds of commands on 2 cores: so the same awscli code /usr/bin/aws runs is kept loaded in
// up to two host processes per test file (aws-cli-host.py), each command a fresh entry point with its
// own environment. Commands kms-doctor prints are not run here but as printed, through bash
// (printed-command.ts). KMS_DOCTOR_TEST_AWS_PROCESS=1 runs every command as its own /usr/bin/aws process.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const awsCliPath = '/usr/bin/aws';
/** The interpreter /usr/bin/aws names on its #! line, so the host loads the same awscli. */
const awsCliPython = '/usr/bin/python3';
const hostScript = fileURLToPath(new URL('./aws-cli-host.py', import.meta.url));
const commandTimeoutMs = 60_000;

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  readonly json?: any;
}

export interface CliTarget {
  readonly endpoint: string;
  readonly configFile: string;
  readonly credentialsFile: string;
}

export interface CliOptions {
  readonly profile?: string;
  /** Temporary credentials (after sts assume-role), used instead of a profile. */
  readonly credentials?: { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
  /** Overrides the endpoint, e.g. to call through /via/<service>/. */
  readonly endpoint?: string;
}

export function aws(target: CliTarget, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_CONFIG_FILE: target.configFile,
    AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile,
    AWS_PAGER: '',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (options.credentials) {
    env.AWS_ACCESS_KEY_ID = options.credentials.AccessKeyId;
    env.AWS_SECRET_ACCESS_KEY = options.credentials.SecretAccessKey;
    if (options.credentials.SessionToken) env.AWS_SESSION_TOKEN = options.credentials.SessionToken;
  }
  const fullArgs = [...args, '--endpoint-url', options.endpoint ?? target.endpoint, '--output', 'json'];
  if (options.profile) fullArgs.push('--profile', options.profile);
  const ran = process.env.KMS_DOCTOR_TEST_AWS_PROCESS === '1' ? runProcess(fullArgs, env) : hosts.run(fullArgs, env);
  return ran.then(({ exitCode, stdout, stderr }) => {
    let json: unknown;
    try {
      json = stdout.trim() ? JSON.parse(stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { exitCode, stdout, stderr, ...(json !== undefined ? { json } : {}) };
  });
}

type Printed = Omit<CliResult, 'json'>;

/** One command, one /usr/bin/aws process. */
function runProcess(args: readonly string[], env: Record<string, string>): Promise<Printed> {
  return new Promise((resolve) => {
    execFile(awsCliPath, args, { env, timeout: commandTimeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A Python process with awscli loaded, answering one command at a time, in order. */
class CliHost {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((answer: Printed) => void)[] = [];
  private buffered = '';
  private diagnostics = '';
  ended = false;

  constructor(onEnd: (host: CliHost) => void) {
    this.child = spawn(awsCliPython, [hostScript], { cwd: process.cwd(), env: { PATH: '/usr/bin:/bin' }, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let end = this.buffered.indexOf('\n'); end >= 0; end = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 1);
        this.waiting.shift()?.(JSON.parse(line) as Printed);
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.diagnostics += chunk.toString('utf8')));
    this.child.stdin.on('error', () => undefined);
    this.child.once('exit', (code, signal) => {
      this.ended = true;
      onEnd(this);
      for (const answer of this.waiting.splice(0)) answer({ exitCode: 1, stdout: '', stderr: `aws CLI host ended (${code ?? signal}):\n${this.diagnostics}` });
    });
    // A test file's process may end while its host idles: an idle host must not keep it alive.
    this.holdOpen(false);
  }

  private holdOpen(hold: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref?(): void; unref?(): void }[]) {
      if (hold) handle.ref?.();
      else handle.unref?.();
    }
  }

  get pending(): number {
    return this.waiting.length;
  }

  run(args: readonly string[], env: Record<string, string>): Promise<Printed> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), commandTimeoutMs);
      this.holdOpen(true);
      this.waiting.push((answer) => {
        clearTimeout(timer);
        if (this.waiting.length === 0) this.holdOpen(false);
        resolve(answer);
      });
      this.child.stdin.write(`${JSON.stringify({ args, env, cwd: process.cwd() })}\n`);
    });
  }
}

/** Up to two hosts: two commands a test runs at once run at once; more wait their turn. */
const hosts = {
  pool: [] as CliHost[],
  run(args: readonly string[], env: Record<string, string>): Promise<Printed> {
    const idle = this.pool.find((host) => host.pending === 0);
    const host = idle ?? (this.pool.length < 2 ? this.start() : this.pool.reduce((a, b) => (b.pending < a.pending ? b : a)));
    return host.run(args, env);
  },
  start(): CliHost {
    const host = new CliHost((ended) => (this.pool = this.pool.filter((h) => h !== ended)));
    this.pool.push(host);
    return host;
  },
};

/** Assumes a role with the CLI (the Debian CLI cannot point a role profile's STS call at the sandbox). */
export async function assumeRoleWithCli(
  target: CliTarget,
  sourceProfile: string,
  roleArn: string,
  sessionName = 'cli-test',
  sessionPolicy?: string,
): Promise<{ AccessKeyId: string; SecretAccessKey: string; SessionToken: string }> {
  const policy = sessionPolicy !== undefined ? ['--policy', sessionPolicy] : [];
  const result = await aws(target, ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', sessionName, ...policy], { profile: sourceProfile });
  if (result.exitCode !== 0) throw new Error(`assume-role ${roleArn} failed: ${result.stderr.trim()}`);
  return result.json.Credentials;
}
