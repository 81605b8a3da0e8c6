// Time from process start to the wizard's first frame: the bundled program (dist/kms-doctor.mjs) runs
// in a real pseudo-terminal (util-linux `script`), with no AWS credentials (empty HOME, no AWS_*
// variables), and the clock stops when the start screen's text arrives on the terminal. The first
// frame is drawn without Ink (src/first-frame.ts); the clock also notes when Ink's own frame, the one
// that reads keys, arrives: the first time the text comes after Ink's synchronized-output mark. Beside
// them, in the same run and the same 80x24 pseudo-terminal, the floor of any Node program — `node -e`
// printing one line — and the time `aws --version` takes to print and exit, as a yardstick people know.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The aws CLI the project installs and tests with (Debian's awscli), not whatever is first on PATH. */
const awsCli = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

const root = fileURLToPath(new URL('..', import.meta.url));
export const bundle = join(root, 'dist', 'kms-doctor.mjs');

export interface FirstFrameResult {
  readonly runs: number;
  /** The first frame, whoever draws it. */
  readonly wizardMs: readonly number[];
  /** Ink's frame: the wizard reads keys from here on. */
  readonly inkMs: readonly number[];
  /** `node -e "console.log(...)"` in the same pseudo-terminal: what no Node program can beat. */
  readonly nodeFloorMs: readonly number[];
  readonly awsMs: readonly number[];
  readonly medianWizardMs: number;
  readonly medianInkMs: number;
  readonly medianNodeFloorMs: number;
  readonly medianAwsMs: number | undefined;
  readonly awsVersion: string | undefined;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Runs `command` in a pseudo-terminal; resolves with the ms until each of `marks` is found in its
 * output (a mark is a string, or a test of the whole output so far), once all are.
 */
function timeUntilText(command: string, marks: readonly (string | ((output: string) => boolean))[], env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The pseudo-terminal has no size until told (its parent is no terminal): 80 x 24, the classic terminal.
    const child = spawn('script', ['-qfec', `stty cols 80 rows 24; exec ${command}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let done = false;
    const found: (number | undefined)[] = marks.map(() => undefined);
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (error) reject(error);
    };
    const timer = setTimeout(() => finish(new Error(`no ${marks.map(String).join(', ')} within ${timeoutMs} ms; output: ${output.slice(-500)}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const now = performance.now() - started;
      for (const [index, mark] of marks.entries()) {
        if (found[index] === undefined && (typeof mark === 'string' ? output.includes(mark) : mark(output))) found[index] = now;
      }
      if (!done && found.every((ms) => ms !== undefined)) {
        finish();
        resolve(found as number[]);
      }
    });
    child.on('exit', () => finish(new Error(`exited before ${marks.map(String).join(', ')}; output: ${output.slice(-500)}`)));
  });
}

/** Runs `command` (no terminal needed) and resolves with the ms until it exits. */
function timeUntilExit(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - started));
  });
}

/** Builds the bundle (always, so the figure is about the code as it is; BENCH_NO_BUILD=1 reuses dist/). */
export function ensureBuilt(): void {
  if (process.env.BENCH_NO_BUILD === '1' && existsSync(bundle)) return;
  const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/**
 * Text of the start screen's first frame with no credentials. Not its title: with the longer list of
 * scenarios an 80x24 terminal scrolls the title out of the first frame, and the clock never stopped.
 */
const startScreenText = 'No AWS credentials were found';

/** Ink wraps each frame it writes to a terminal in synchronized output (CSI ? 2026 h … l); the plain frame does not. */
const inkFrameMark = '\u001b[?2026h';
const inkFrame = (output: string) => output.indexOf(startScreenText, output.indexOf(inkFrameMark) < 0 ? output.length : output.indexOf(inkFrameMark)) >= 0;

export async function measureFirstFrame(runs: number): Promise<FirstFrameResult> {
  ensureBuilt();
  const home = mkdtempSync(join(tmpdir(), 'kms-doctor-bench-home-'));
  // A fresh machine: no AWS variables, nothing in HOME.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm-256color', AWS_EC2_METADATA_DISABLED: 'true' };
  const aws = spawnSync(awsCli, ['--version'], { env, encoding: 'utf8' });
  const awsVersion = aws.status === 0 ? `${aws.stdout}${aws.stderr}`.trim().split(/\s+/)[0] : undefined;
  const wizardMs: number[] = [];
  const inkMs: number[] = [];
  const nodeFloorMs: number[] = [];
  const awsMs: number[] = [];
  // The marker is printed by the program, never echoed by the terminal: the command line does not contain it whole.
  const floor = async () => (await timeUntilText(`${process.execPath} -e "console.log('first' + '-frame-floor')"`, ['first-frame-floor'], env))[0]!;
  const wizard = () => timeUntilText(`${process.execPath} ${bundle}`, [startScreenText, inkFrame], env);
  try {
    // One unmeasured run of each warms the file cache, as on a machine where the tool is in use.
    await wizard();
    await floor();
    if (awsVersion) await timeUntilExit(awsCli, ['--version'], env);
    for (let run = 0; run < runs; run += 1) {
      const [first, ink] = await wizard();
      wizardMs.push(first!);
      inkMs.push(ink!);
      nodeFloorMs.push(await floor());
      if (awsVersion) awsMs.push(await timeUntilExit(awsCli, ['--version'], env));
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return { runs, wizardMs, inkMs, nodeFloorMs, awsMs, medianWizardMs: median(wizardMs), medianInkMs: median(inkMs), medianNodeFloorMs: median(nodeFloorMs), medianAwsMs: awsMs.length > 0 ? median(awsMs) : undefined, awsVersion };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await measureFirstFrame(Number(process.env.BENCH_RUNS ?? 9));
  console.log(r);
}
