// The files and addresses `kms-doctor sandbox` is given: bad --state and --config-dir paths are one-line
// usage errors (exit 2), checked before anything starts, never a raw ENOTDIR/EEXIST or a hang; a
// non-loopback --host is warned about and still printed as a connectable endpoint; resuming --state
// says that --scenario is ignored; the temporary config dir the sandbox made is removed on exit; and
// files holding secrets are written through exclusive, unguessable temporary files, stale ones swept.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeProfiles } from '../../src/sandbox/profiles.js';
import { loadScenario } from '../../src/sandbox/scenario.js';
import { writeStateFileAtomically } from '../../src/sandbox/state-file.js';
import { runKmsDoctor, startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.js';
import { startTestSandbox } from '../helpers/sandbox.js';

const workDir = mkdtempSync(join(tmpdir(), 'kms-doctor-files-'));
const running: SandboxProcess[] = [];
const extraDirectories: string[] = [];
afterAll(() => {
  for (const sandbox of running) sandbox.child.kill('SIGKILL');
  for (const directory of extraDirectories) rmSync(directory, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<SandboxProcess> {
  const sandbox = await startSandboxProcess(args);
  running.push(sandbox);
  return sandbox;
}

async function stop(sandbox: SandboxProcess): Promise<number | string> {
  sandbox.child.kill('SIGTERM');
  return sandbox.exited;
}

/** Waits until the process has printed its guidance (the line after which it only logs). */
async function guidanceOf(sandbox: SandboxProcess): Promise<string> {
  for (let i = 0; i < 100 && !sandbox.output().includes('Ctrl-C stops the sandbox.'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return sandbox.output();
}

/** A PID no process can have (above Linux's largest pid_max): the writer of a file named with it is gone. */
const deadPid = 4_194_305;

describe('bad sandbox paths', () => {
  it('are one-line usage errors with exit 2, found before anything starts', async () => {
    const aFile = join(workDir, 'a-file');
    writeFileSync(aFile, 'not a directory');
    const cases: [string[], RegExp][] = [
      [['--state', join(workDir, 'no-such-dir', 'state.json')], /^kms-doctor: --state .*state\.json: the directory .*no-such-dir does not exist$/],
      [['--state', join(aFile, 'state.json')], /^kms-doctor: --state .*: .*a-file is not a directory$/],
      [['--state', workDir], /^kms-doctor: --state .* is a directory; name a file in it$/],
      [['--config-dir', '/dev/null/x'], /^kms-doctor: --config-dir \/dev\/null\/x: cannot create it, \/dev\/null is not a directory$/],
      [['--config-dir', '/etc/passwd'], /^kms-doctor: --config-dir \/etc\/passwd exists and is not a directory$/],
      [['--config-dir', aFile], /^kms-doctor: --config-dir .*a-file exists and is not a directory$/],
      // mkdirSync({ recursive: true }) spins forever on a path under /proc.
      [['--config-dir', '/proc/kms-doctor-test/aws'], /^kms-doctor: --config-dir \/proc\/kms-doctor-test\/aws: cannot create /],
    ];
    const results = await Promise.all(cases.map(([args]) => runKmsDoctor(['sandbox', '--port', '0', '--quiet', ...args], {}, { timeoutMs: 30_000 })));
    results.forEach((result, index) => {
      const [args, message] = cases[index]!;
      const label = args.join(' ');
      expect(result.exitCode, `${label}: ${result.stderr}`).toBe(2);
      expect(result.stdout, label).toBe('');
      expect(result.stderr.trim().split('\n'), label).toHaveLength(1);
      expect(result.stderr.trim(), label).toMatch(message);
      expect(result.stderr, label).not.toMatch(/E[A-Z]{3,}[:,]|mkdir '|\n\s+at /);
    });
  });
});

describe('the listening address', () => {
  it('warns that a non-loopback --host is reachable from the network, and prints a connectable endpoint', async () => {
    const sandbox = await start(['--host', '0.0.0.0', '--config-dir', join(workDir, 'wildcard'), '--quiet']);
    expect(sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const output = await guidanceOf(sandbox);
    expect(output).toMatch(/^kms-doctor: warning: --host 0\.0\.0\.0 is not a loopback address: .*reachable from the network/m);
    expect(output).toContain(`AWS_ENDPOINT_URL=${sandbox.endpoint}`);
    expect(readFileSync(join(workDir, 'wildcard', 'config'), 'utf8')).toContain(`endpoint_url = ${sandbox.endpoint}`);
    const response = await fetch(sandbox.endpoint + '/', { method: 'POST', headers: { 'x-amz-target': 'TrentService.ListKeys' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
    expect(await stop(sandbox)).toBe(0);
  });

  it('does not warn about loopback', async () => {
    const sandbox = await start(['--config-dir', join(workDir, 'loopback'), '--quiet']);
    expect(await guidanceOf(sandbox)).not.toContain('warning');
    await stop(sandbox);
  });
});

describe('--state and --scenario', () => {
  it('says once that a resumed state file wins over an explicit --scenario', async () => {
    const statePath = join(workDir, 'resumed.json');
    const configDir = join(workDir, 'resumed-profiles');
    const first = await start(['--state', statePath, '--scenario', 'blank', '--config-dir', configDir, '--quiet']);
    expect(await guidanceOf(first)).not.toContain('note:');
    await stop(first);

    const second = await start(['--state', statePath, '--scenario', 'no-iam-delegation', '--config-dir', configDir, '--quiet']);
    const output = await guidanceOf(second);
    const notes = output.split('\n').filter((line) => line.includes('note:'));
    expect(notes).toEqual([
      `kms-doctor: note: resuming the state saved in ${statePath} (scenario blank); --scenario no-iam-delegation is ignored (delete the file to start it afresh)`,
    ]);
    expect(output).toContain(`scenario: blank (resumed from ${statePath})`);
    await stop(second);

    // Without --scenario there is nothing to ignore.
    const third = await start(['--state', statePath, '--config-dir', configDir, '--quiet']);
    expect(await guidanceOf(third)).not.toContain('note:');
    await stop(third);
  });
});

describe('the temporary config dir', () => {
  const configFileOf = (output: string) => /export AWS_CONFIG_FILE=(\S+)\/config$/m.exec(output)![1]!;

  it('is removed on exit when the sandbox created it', async () => {
    const sandbox = await start(['--scenario', 'blank', '--quiet']);
    const directory = configFileOf(await guidanceOf(sandbox));
    extraDirectories.push(directory);
    expect(statSync(join(directory, 'credentials')).isFile()).toBe(true);
    expect(await stop(sandbox)).toBe(0);
    expect(existsSync(directory)).toBe(false);
  });

  it('is kept with --state, whose credentials stay valid, and a --config-dir given is always kept', async () => {
    const withState = await start(['--scenario', 'blank', '--state', join(workDir, 'kept.json'), '--quiet']);
    const directory = configFileOf(await guidanceOf(withState));
    extraDirectories.push(directory);
    expect(await stop(withState)).toBe(0);
    expect(existsSync(join(directory, 'credentials'))).toBe(true);

    const given = join(workDir, 'given');
    const withConfigDir = await start(['--scenario', 'blank', '--config-dir', given, '--quiet']);
    await guidanceOf(withConfigDir);
    expect(await stop(withConfigDir)).toBe(0);
    expect(existsSync(join(given, 'credentials'))).toBe(true);
  });
});

describe('files holding secrets', () => {
  it('never follow a symlink planted at a temporary file name', async () => {
    const directory = mkdtempSync(join(workDir, 'planted-'));
    const victim = join(directory, 'victim');
    writeFileSync(victim, 'untouched');
    const state = await loadScenario('blank');
    // The names earlier versions used: predictable from the PID.
    symlinkSync(victim, join(directory, `.state.json.${process.pid}.tmp`));
    symlinkSync(victim, join(directory, `config.${process.pid}.tmp`));
    symlinkSync(victim, join(directory, `credentials.${process.pid}.tmp`));

    writeStateFileAtomically(join(directory, 'state.json'), state);
    writeProfiles(state, directory, 'http://127.0.0.1:1');

    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    for (const name of ['state.json', 'config', 'credentials']) {
      const stats = lstatSync(join(directory, name));
      expect(stats.isFile(), name).toBe(true);
      expect(stats.mode & 0o777, name).toBe(0o600);
    }
    expect(JSON.parse(readFileSync(join(directory, 'state.json'), 'utf8'))).toMatchObject({ scenarioName: 'blank' });
    expect(readFileSync(join(directory, 'credentials'), 'utf8')).toContain('[admin]');
    // No temporary file of this write is left behind.
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp') && !lstatSync(join(directory, name)).isSymbolicLink())).toEqual([]);
  });

  it('sweep stale temporary files of ours at start, and nothing else', async () => {
    const directory = mkdtempSync(join(workDir, 'stale-'));
    const statePath = join(directory, 'state.json');
    const stale = [`.state.json.${deadPid}.0123456789abcdef.tmp`, `.state.json.${deadPid}.tmp`];
    const others = [`.state.json.${process.ppid}.0123456789abcdef.tmp`, '.state.json.bak', `notes.${deadPid}.tmp`, 'state.json.old'];
    for (const name of [...stale, ...others]) writeFileSync(join(directory, name), 'x');
    const sandbox = await startTestSandbox('blank', { statePath });
    try {
      const names = readdirSync(directory);
      for (const name of stale) expect(names, name).not.toContain(name);
      for (const name of others) expect(names, name).toContain(name);
      expect(names).toContain('state.json');
    } finally {
      await sandbox.stop();
    }

    const configDir = join(directory, 'aws');
    mkdirSync(configDir);
    const staleProfiles = [`.credentials.${deadPid}.00ff.tmp`, `credentials.${deadPid}.tmp`, `.config.${deadPid}.abc123.tmp`];
    for (const name of staleProfiles) writeFileSync(join(configDir, name), 'secret');
    writeProfiles(await loadScenario('blank'), configDir, 'http://127.0.0.1:1');
    expect(readdirSync(configDir).sort()).toEqual(['config', 'credentials']);
  });
});
