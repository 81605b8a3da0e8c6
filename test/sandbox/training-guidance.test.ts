// The `training:` guidance the sandbox prints: a role is never used through its profile (Debian's aws
// CLI 2.9 ignores endpoint_url in profiles and would ask the REAL sts.amazonaws.com to assume it), but
// assumed explicitly through the sandbox's STS; and the printed commands, run as printed by the real aws
// CLI in a shell, fail with the scenario's expected error.
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src/sandbox/scenario.js';
import { shellQuote } from '../../src/sandbox/training-command.js';
import { awsCliPath } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const started: TestSandbox[] = [];
afterAll(async () => {
  await Promise.all(started.map((sandbox) => sandbox.stop()));
});

async function start(scenario: string): Promise<TestSandbox> {
  const sandbox = await startTestSandbox(scenario);
  started.push(sandbox);
  return sandbox;
}

function roleOf(sandbox: TestSandbox, name: string) {
  return Object.values(sandbox.world.state.accounts).flatMap((account) => Object.values(account.roles)).find((role) => role.name === name);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The indented command lines of the training section, in order. */
function trainingCommands(guidance: string): string[] {
  const section = guidance.slice(guidance.indexOf('\ntraining: '));
  return section
    .split('\n')
    .filter((line) => line.startsWith('    '))
    .map((line) => line.trim());
}

/** Runs shell lines with the sandbox's config files and nothing of the developer's AWS setup. */
function runInShell(sandbox: TestSandbox, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_CONFIG_FILE: sandbox.configFile,
    AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return new Promise((resolve) => {
    // --norc: bash run with a socket for stdin (as Node spawns it) would read ~/.bashrc like under rshd,
    // and a developer's PATH (pyenv's aws CLI v1, say) would replace Debian's aws CLI 2.
    execFile('/bin/bash', ['--norc', '--noprofile', '-c', script], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const trainingScenarios = builtInScenarios().map((s) => s.name).filter((name) => name !== 'blank');

describe('training guidance', () => {
  it.each(trainingScenarios)('%s: a role is assumed through the sandbox, never used as --profile', async (scenario) => {
    const sandbox = await start(scenario);
    const training = sandbox.world.state.training!;
    expect(training, scenario).toBeDefined();
    const role = roleOf(sandbox, training.principal);
    const commands = trainingCommands(sandbox.guidance);
    if (role) {
      expect(sandbox.guidance).not.toMatch(new RegExp(`--profile ${escape(role.name)}(\\s|$)`, 'm'));
      expect(commands[0]).toBe(
        // A scenario whose sessions carry a session policy passes it, as the job that creates them does.
        `aws --endpoint-url ${sandbox.endpoint} --profile ${role.sourceProfile} sts assume-role --role-arn ${role.arn} --role-session-name training${training.sessionPolicy !== undefined ? ` --policy ${shellQuote(training.sessionPolicy)}` : ''}`,
      );
      expect(commands[1]).toMatch(/^eval "\$\(aws .* sts assume-role .* --output text \| awk '.*'\)"$/);
      expect(commands[2]).toMatch(/^aws --endpoint-url \S+ --region [a-z0-9-]+ kms /);
      expect(commands[2]).not.toContain('--profile');
    } else {
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatch(new RegExp(`^aws --endpoint-url \\S+ --profile ${escape(training.principal)} kms `));
    }
  });

  it.each(trainingScenarios)('%s: the printed role commands, run as printed, fail as the scenario says', async (scenario) => {
    const sandbox = await start(scenario);
    const training = sandbox.world.state.training!;
    if (!roleOf(sandbox, training.principal)) return;
    const [, oneLiner, call] = trainingCommands(sandbox.guidance);
    const result = await runInShell(sandbox, `${oneLiner} || exit 99\n${call}`);
    expect(result.exitCode, result.stderr).not.toBe(99);
    expect(result.stderr, `${oneLiner}\n${call}`).toContain(`(${training.expectedError})`);
    expect(result.stderr).not.toMatch(/InvalidClientTokenId|UnrecognizedClient|Unable to locate credentials|must specify a region|sts\.amazonaws\.com/);
    if (training.expectedError === 'AccessDeniedException') expect(result.stderr).toContain(`:assumed-role/${training.principal}/training `);
  });

  it('new-grant-deploy: the guidance gives the grant token its creator kept; the printed call with it succeeds', async () => {
    const sandbox = await start('new-grant-deploy');
    const token = /the grant token the CreateGrant of grant thumbnail-worker-deploy returned, which its creator kept: (\S+)$/m.exec(sandbox.guidance)?.[1];
    expect(token).toBeDefined();
    const [call] = trainingCommands(sandbox.guidance);
    expect((await runInShell(sandbox, call!)).stderr).toContain('(AccessDeniedException)');
    const withToken = await runInShell(sandbox, `${call} --grant-tokens ${token}`);
    expect(withToken.stderr).toBe('');
    expect(withToken.exitCode).toBe(0);
  });

  it('the one-liner fails instead of exporting nothing when the role cannot be assumed', async () => {
    const sandbox = await start('no-iam-delegation');
    const [, oneLiner] = trainingCommands(sandbox.guidance);
    const broken = oneLiner!.replace(/--role-arn \S+/, '--role-arn arn:aws:iam::111122223333:role/NoSuchRole');
    const result = await runInShell(sandbox, `${broken}\necho "status=$? key=\${AWS_ACCESS_KEY_ID:-none}"`);
    expect(result.stdout.trim()).toBe('status=1 key=none');
  });
});
