// What kms-doctor writes on this machine, attacked as in the issue-13 audit: a symlink planted at the
// predictable name of a --fix-files document, /proc paths that made Node's recursive mkdir spin, and
// stdin without end. Each run is killed after 60 s, so a hang fails instead of stalling the suite.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNewFile, createNewFiles, LocalFileError, makeDirectories } from '../../src/files/new-files.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { projectRoot, runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
const bounded = { timeoutMs: 60_000 };
const oneLine = /^kms-doctor: [^\n]+\n$/;

describe('check --fix-files', () => {
  it('never writes through a symlink planted at a document name: one line, exit 2, the target untouched, nothing else written', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const args = ['check', ...scenarioArgs(sandbox, 'no-iam-delegation')];
    const planned = JSON.parse((await runKmsDoctor([...args, '--json'], cliEnv(sandbox), bounded)).stdout);
    const name = planned.fixes[0].files[0].path as string;
    expect(name).toMatch(/^kms-doctor-key-policy-.+\.json$/);

    const dir = newDir('kms-doctor-fix-files-');
    const victim = join(newDir('kms-doctor-victim-'), 'authorized_keys');
    writeFileSync(victim, 'ssh-ed25519 AAAA… mine\n');
    symlinkSync(victim, join(dir, name));
    const result = await runKmsDoctor([...args, '--fix-files', dir], cliEnv(sandbox), bounded);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(oneLine);
    expect(result.stderr).toContain('symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('ssh-ed25519 AAAA… mine\n');
    expect(readdirSync(dir)).toEqual([name]);
    expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);

    // In a clean directory the documents are written, and running the same check again is fine.
    const clean = join(newDir('kms-doctor-fix-files-'), 'out');
    for (let run = 0; run < 2; run += 1) {
      const ok = await runKmsDoctor([...args, '--fix-files', clean], cliEnv(sandbox), bounded);
      expect(ok.exitCode).toBe(1);
      expect(readFileSync(join(clean, name), 'utf8')).toBe(planned.fixes[0].files[0].content);
    }
    // A different file at that name is not overwritten.
    writeFileSync(join(clean, name), 'someone else');
    const refused = await runKmsDoctor([...args, '--fix-files', clean], cliEnv(sandbox), bounded);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(oneLine);
    expect(readFileSync(join(clean, name), 'utf8')).toBe('someone else');
  });

  it('/proc/x as --fix-files or --backup-dir is a one-line error, not a spin', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const args = scenarioArgs(sandbox, 'no-iam-delegation');
    for (const command of [['check', '--fix-files', '/proc/x'], ['fix', '--yes', '--backup-dir', '/proc/x'], ['rollback', '/proc/x/b.json', '--backup-dir', '/proc/x']]) {
      const result = await runKmsDoctor(command[0] === 'rollback' ? command : [...command, ...args], cliEnv(sandbox), bounded);
      expect(result.exitCode, command.join(' ')).toBe(2);
      expect(result.stderr, command.join(' ')).toMatch(oneLine);
    }
  });
});

describe('the file primitives', () => {
  it('makeDirectories fails at once under /proc; createNewFile refuses links, even dangling ones, and other files', () => {
    expect(() => makeDirectories('/proc/x/y')).toThrow(LocalFileError);
    const dir = newDir('kms-doctor-new-files-');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.json'));
    expect(() => createNewFile(join(dir, 'dangling.json'), '{}')).toThrow(/symbolic link/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(createNewFile(join(dir, 'a.json'), '{}')).toBe('written');
    expect(createNewFile(join(dir, 'a.json'), '{}')).toBe('identical');
    expect(() => createNewFile(join(dir, 'a.json'), '{"x":1}')).toThrow(/never writes over an existing file/);
    // All or none: the second name is refused, so the first, written by this call, is removed.
    writeFileSync(join(dir, 'taken.json'), 'x');
    expect(() => createNewFiles(dir, [{ name: 'b.json', content: '{}' }, { name: 'taken.json', content: '{}' }])).toThrow(LocalFileError);
    expect(existsSync(join(dir, 'b.json'))).toBe(false);
  });
});

/** Runs the CLI with stdin read from `path` (e.g. /dev/zero), killed after 60 s. */
function runWithStdinFrom(path: string, args: readonly string[]): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.tsx', ...args], { cwd: projectRoot, env: process.env, stdio: [openSync(path, 'r'), 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? -1, stdout, stderr });
    }),
  );
}

describe('input limits', () => {
  it('check --error - stops reading stdin past 1 MiB: one line, exit 2', async () => {
    const result = await runWithStdinFrom('/dev/zero', ['check', '--error', '-']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('kms-doctor: --error -: standard input is longer than 1024 KiB; give only the error message AWS printed\n');
  });

  it("--endpoint-url 'http://[::1' is a usage error (exit 2), not an unreachable endpoint", async () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    for (const url of ['http://[::1', 'http://exa mple.com', 'ftp://127.0.0.1']) {
      const result = await runKmsDoctor(['check', '--key', key, '--operation', 'Decrypt', '--endpoint-url', url], { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' }, bounded);
      expect(result.exitCode, url).toBe(2);
      expect(result.stderr, url).toBe(`kms-doctor: --endpoint-url '${url}' is not an http(s) URL\n`);
    }
  });
});
